import type { SurveyAnswerRecord } from '../contracts/survey-answers.ts';
import type { Scope } from '../db/cases.repository.ts';
import type { Db } from '../db/connection.ts';
import { listSurveyAnswerRows, type SurveyAnswerFilter } from '../db/survey-answers.repository.ts';
import type { Page } from '../domain/page.ts';

/** One page of the citizens' survey answers in the caller's municipalities. */
export async function listSurveyAnswers(db: Db, scope: Scope, filter: SurveyAnswerFilter, sort: 'ASC' | 'DESC', page: Page) {
  const { rows, total } = await listSurveyAnswerRows(db, scope, filter, sort, page);
  const answers: SurveyAnswerRecord[] = rows.map((r) => ({
    id: `${r.case_id}:${r.seq}`,
    caseId: r.case_id,
    municipalityId: r.municipality_id,
    serviceCode: r.service_code,
    outcome: r.outcome,
    answeredAt: r.at.toISOString(),
    answers: (r.data.answers ?? {}) as SurveyAnswerRecord['answers'],
  }));
  return { rows: answers, total };
}
