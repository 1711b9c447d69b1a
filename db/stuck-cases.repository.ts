import { type Selectable, sql } from 'kysely';
import type { ListTotal, Page } from '../domain/page.ts';
import { cappedCount } from './capped-count.ts';
import type { Executor, StuckCasesTable } from './database.ts';

export type StuckCaseRow = Selectable<StuckCasesTable>;

export interface StuckWrite {
  caseId: string;
  municipalityId: string;
  workflowId: string;
  activity: string;
  errorCode: string;
  errorType: string;
}

/**
 * Records a failed write of a case: a new open row, or the case's open row seen again (one more
 * attempt, the latest error). Returns the row and whether it is new.
 */
export async function recordStuckWrite(db: Executor, w: StuckWrite): Promise<{ row: StuckCaseRow; created: boolean }> {
  const row = await db
    .insertInto('stuck_cases')
    .values({
      case_id: w.caseId,
      municipality_id: w.municipalityId,
      workflow_id: w.workflowId,
      activity: w.activity,
      error_code: w.errorCode,
      error_type: w.errorType,
      attempts: 1,
    })
    .onConflict((oc) =>
      oc
        .column('case_id')
        .where('resolved_at', 'is', null)
        .doUpdateSet({
          workflow_id: (eb) => eb.ref('excluded.workflow_id'),
          activity: (eb) => eb.ref('excluded.activity'),
          error_code: (eb) => eb.ref('excluded.error_code'),
          error_type: (eb) => eb.ref('excluded.error_type'),
          attempts: sql`stuck_cases.attempts + 1`,
          last_seen_at: sql`now()`,
        }),
    )
    .returningAll()
    .returning(sql<boolean>`xmax = 0`.as('created'))
    .executeTakeFirstOrThrow();
  const { created, ...stuck } = row;
  return { row: stuck, created };
}

/** The case's open row, resolved (its write went through). Undefined when none was open. */
export const resolveStuckWrite = (db: Executor, caseId: string): Promise<StuckCaseRow | undefined> =>
  db
    .updateTable('stuck_cases')
    .set({ resolved_at: sql`now()` })
    .where('case_id', '=', caseId)
    .where('resolved_at', 'is', null)
    .returningAll()
    .executeTakeFirst();

/** The case's open row, if it is stuck now. */
export const openStuckCase = (db: Executor, caseId: string): Promise<StuckCaseRow | undefined> =>
  db.selectFrom('stuck_cases').selectAll().where('case_id', '=', caseId).where('resolved_at', 'is', null).executeTakeFirst();

/** A retry asked for on the case's open row. Undefined when none is open in these municipalities. */
export const markRetryRequested = (db: Executor, caseId: string, scope: readonly string[]): Promise<StuckCaseRow | undefined> =>
  scope.length === 0
    ? Promise.resolve(undefined)
    : db
        .updateTable('stuck_cases')
        .set({ retry_requested_at: sql`now()` })
        .where('case_id', '=', caseId)
        .where('resolved_at', 'is', null)
        .where('municipality_id', 'in', [...scope])
        .returningAll()
        .executeTakeFirst();

/** The case's rows in these municipalities, newest first (to tell "never stuck" from "already resolved"). */
export const stuckRowsOfCase = (db: Executor, caseId: string, scope: readonly string[]): Promise<StuckCaseRow[]> =>
  scope.length === 0
    ? Promise.resolve([])
    : db
        .selectFrom('stuck_cases')
        .selectAll()
        .where('case_id', '=', caseId)
        .where('municipality_id', 'in', [...scope])
        .orderBy('id', 'desc')
        .execute();

export interface StuckCaseFilter {
  resolved?: boolean;
  caseId?: string;
  municipalityId?: string;
}

export async function listStuckRows(
  db: Executor,
  scope: readonly string[],
  filter: StuckCaseFilter,
  sort: { field: 'lastSeenAt' | 'firstSeenAt' | 'attempts' | 'id'; order: 'asc' | 'desc' },
  page: Page,
): Promise<{ rows: StuckCaseRow[]; total: ListTotal }> {
  if (scope.length === 0) return { rows: [], total: 0 };
  let q = db.selectFrom('stuck_cases').where('municipality_id', 'in', [...scope]);
  if (filter.resolved !== undefined) q = q.where('resolved_at', filter.resolved ? 'is not' : 'is', null);
  if (filter.caseId) q = q.where('case_id', '=', filter.caseId);
  if (filter.municipalityId) q = q.where('municipality_id', '=', filter.municipalityId);
  const column = ({ lastSeenAt: 'last_seen_at', firstSeenAt: 'first_seen_at', attempts: 'attempts', id: 'id' } as const)[sort.field];
  const [rows, total] = await Promise.all([
    q.selectAll().orderBy(column, sort.order).orderBy('id', sort.order).offset(page.offset).limit(page.limit).execute(),
    cappedCount(db, q),
  ]);
  return { rows, total };
}
