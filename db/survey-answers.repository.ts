import { sql } from 'kysely';
import type { Page } from '../domain/page.ts';
import { inList, type Scope } from './cases.repository.ts';
import type { Executor } from './database.ts';

/** What the list of answers can be narrowed by (the API's list filter is one). */
export interface SurveyAnswerFilter {
  municipalityId?: string;
  serviceCode?: string;
  answeredFrom?: string;
  answeredTo?: string;
}

/** The satisfaction survey's answers are the case events the workflow (workflows/case.ts) records as `survey.answered`. */
export async function listSurveyAnswerRows(db: Executor, scope: Scope, f: SurveyAnswerFilter, sort: 'ASC' | 'DESC', page: Page) {
  let q = db
    .selectFrom('case_events as e')
    .innerJoin('cases', 'cases.id', 'e.case_id')
    .where('e.type', '=', 'survey.answered')
    .where('cases.municipality_id', 'in', inList(scope));
  if (f.municipalityId) q = q.where('cases.municipality_id', '=', f.municipalityId);
  if (f.serviceCode) q = q.where('cases.service_code', '=', f.serviceCode);
  if (f.answeredFrom) q = q.where('e.at', '>=', new Date(f.answeredFrom));
  if (f.answeredTo) q = q.where('e.at', '<', new Date(f.answeredTo));
  const [rows, count] = await Promise.all([
    q
      .select(['e.case_id', 'e.seq', 'e.at', 'e.data', 'cases.municipality_id', 'cases.service_code', 'cases.outcome'])
      .orderBy('e.at', sort === 'ASC' ? 'asc' : 'desc')
      .orderBy('e.case_id')
      .offset(page.offset)
      .limit(page.limit)
      .execute(),
    q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: count.n };
}
