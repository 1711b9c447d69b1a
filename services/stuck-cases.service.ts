import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { Db } from '../db/connection.ts';
import { appendAudit } from '../db/audit.repository.ts';
import { listStuckRows, markRetryRequested, type StuckCaseRow, stuckRowsOfCase } from '../db/stuck-cases.repository.ts';
import type { Page } from '../domain/page.ts';
import type { Principal } from '../domain/principal.ts';
import type { StuckCase, StuckCaseListQuery } from '../contracts/stuck-cases.ts';
import { retryStuckWritesSignal } from '../workflows/case.definitions.ts';
import { ApiError, notFound } from './errors.ts';

export function rowToStuckCase(r: StuckCaseRow): StuckCase {
  return {
    id: r.id,
    caseId: r.case_id,
    municipalityId: r.municipality_id,
    workflowId: r.workflow_id,
    activity: r.activity,
    errorType: r.error_type,
    errorCode: r.error_code,
    attempts: r.attempts,
    firstSeenAt: r.first_seen_at.toISOString(),
    lastSeenAt: r.last_seen_at.toISOString(),
    retryRequestedAt: r.retry_requested_at?.toISOString() ?? null,
    resolvedAt: r.resolved_at?.toISOString() ?? null,
  };
}

/** The stuck cases (open and resolved) of the municipalities the caller serves, most recently seen first. */
export async function listStuckCases(db: Db, p: Principal, query: StuckCaseListQuery, page: Page) {
  const [field, order] = query.sort ?? ['lastSeenAt', 'DESC'];
  const { rows, total } = await listStuckRows(
    db,
    p.municipalities,
    query.filter ?? {},
    { field, order: order === 'ASC' ? 'asc' : 'desc' },
    page,
  );
  return { rows: rows.map(rowToStuckCase), total };
}

/**
 * An administrator removed the cause (fixed the data or the schema): the case's workflow is told to
 * try its stuck writes again; the row resolves when they go through. Audited. 404 for a case with
 * no stuck row in the caller's municipalities, 409 when its rows are all resolved or its workflow is gone.
 */
export async function retryStuckCase(
  deps: { db: Db; temporal: Client },
  p: Principal,
  caseId: string,
  requestId: string,
): Promise<StuckCase> {
  const row = await deps.db.transaction().execute(async (trx) => {
    const marked = await markRetryRequested(trx, caseId, p.municipalities);
    if (!marked) {
      if ((await stuckRowsOfCase(trx, caseId, p.municipalities)).length === 0) throw notFound(`stuck case ${caseId}`);
      throw new ApiError('conflict', `case ${caseId} is no longer stuck`);
    }
    await appendAudit(trx, {
      actor: p.id,
      role: p.role,
      municipalityId: marked.municipality_id,
      action: 'case.stuck-retried',
      targetType: 'case',
      targetId: caseId,
      requestId,
      before: { attempts: marked.attempts, errorCode: marked.error_code },
      after: { retryRequestedAt: marked.retry_requested_at?.toISOString() ?? null },
    });
    return marked;
  });
  try {
    await deps.temporal.workflow.getHandle(row.workflow_id).signal(retryStuckWritesSignal);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new ApiError('conflict', `case ${caseId} is no longer running`);
    throw err;
  }
  return rowToStuckCase(row);
}
