import { sql } from 'kysely';
import type { Page } from '../domain/page.ts';
import type { SurveyAnswerFilter, SurveyAnswerRecord } from '../contracts/survey-answers.ts';
import { inList, type Scope } from './cases.repository.ts';
import type { Executor } from './database.ts';

/** The satisfaction survey's answers are the case events the workflow (workflows/case.ts) records as `survey.answered`. */
export async function listSurveyAnswers(db: Executor, scope: Scope, f: SurveyAnswerFilter, sort: 'ASC' | 'DESC', page: Page) {
  let q = db.selectFrom('case_events as e').innerJoin('cases', 'cases.id', 'e.case_id')
    .where('e.type', '=', 'survey.answered').where('cases.municipality_id', 'in', inList(scope));
  if (f.municipalityId) q = q.where('cases.municipality_id', '=', f.municipalityId);
  if (f.serviceCode) q = q.where('cases.service_code', '=', f.serviceCode);
  if (f.answeredFrom) q = q.where('e.at', '>=', new Date(f.answeredFrom));
  if (f.answeredTo) q = q.where('e.at', '<', new Date(f.answeredTo));
  const [rows, count] = await Promise.all([
    q.select(['e.case_id', 'e.seq', 'e.at', 'e.data', 'cases.municipality_id', 'cases.service_code', 'cases.outcome'])
      .orderBy('e.at', sort === 'ASC' ? 'asc' : 'desc').orderBy('e.case_id').offset(page.offset).limit(page.limit).execute(),
    q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  const answers: SurveyAnswerRecord[] = rows.map((r) => ({
    id: `${r.case_id}:${r.seq}`, caseId: r.case_id, municipalityId: r.municipality_id, serviceCode: r.service_code, outcome: r.outcome,
    answeredAt: r.at.toISOString(), answers: (r.data.answers ?? {}) as SurveyAnswerRecord['answers'],
  }));
  return { rows: answers, total: count.n };
}
