import type { TaskListItem, TaskListQuery } from '../contracts/tasks.ts';
import type { Scope } from '../db/cases.repository.ts';
import type { Db } from '../db/connection.ts';
import { findOffice } from '../db/offices.repository.ts';
import { listTaskRows } from '../db/tasks.repository.ts';
import type { Page } from '../domain/page.ts';
import type { Principal } from '../domain/principal.ts';
import { type Actor, reassignTaskUpdate } from '../workflows/case.definitions.ts';
import { type CaseServiceDeps, rowToTask, taskAction } from './cases.service.ts';
import { ApiError } from './errors.ts';

/**
 * An office's queue, most urgent first. Back-office staff see their own office's queue only;
 * supervisors any office they serve; `mine`, the caller's own claimed tasks.
 */
export async function listTasks(db: Db, p: Principal, query: TaskListQuery['filter'], sort: 'ASC' | 'DESC', page: Page) {
  const { mine, ...filter } = query ?? {};
  const officeId = p.role === 'backoffice' ? (p.officeId ?? '') : filter.officeId;
  const { rows, total } = await listTaskRows(
    db,
    p.municipalities,
    { ...filter, officeId, ...(mine ? { assignee: p.id } : {}) },
    sort,
    page,
  );
  const items: TaskListItem[] = rows.map((t) => ({
    ...rowToTask(t),
    caseId: t.case_id,
    subject: t.subject,
    municipalityId: t.municipality_id,
    serviceCode: t.service_code,
    serviceName: t.service_name,
    stage: t.stage,
  }));
  return { rows: items, total };
}

/** Hands a task to another office of the municipalities the caller serves. */
export async function reassignTask(
  deps: CaseServiceDeps,
  taskId: string,
  scope: Scope,
  command: { actor: Actor; toOffice: string; reason?: string },
) {
  if (!(await findOffice(deps.db, command.toOffice, scope))) {
    throw new ApiError('unprocessable', 'no such office', [
      { path: 'body.toOffice', message: `no office "${command.toOffice}" in the municipalities you serve` },
    ]);
  }
  return taskAction(deps, taskId, scope, reassignTaskUpdate, command);
}
