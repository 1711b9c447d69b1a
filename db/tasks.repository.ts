import type { Db } from './connection.ts';
import type { Page } from '../domain/page.ts';
import { inList, type Scope } from './cases.repository.ts';
import { cappedCountQuery, cappedTotal } from './capped-count.ts';

/** What a queue can be narrowed by. */
export interface TaskListFilter {
  officeId?: string;
  municipalityId?: string;
  status?: 'open' | 'claimed' | 'done';
  slaState?: 'on-track' | 'warning' | 'breached';
  escalated?: boolean;
  assignee?: string;
}

function scoped(db: Db, scope: Scope) {
  return db
    .selectFrom('tasks')
    .innerJoin('cases', 'cases.id', 'tasks.case_id')
    .innerJoin('offices', 'offices.id', 'tasks.office_id')
    .innerJoin('services', (j) =>
      j.onRef('services.municipality_id', '=', 'cases.municipality_id').onRef('services.code', '=', 'cases.service_code'),
    )
    .where('cases.municipality_id', 'in', inList(scope));
}

export async function findTask(db: Db, id: string, scope: Scope) {
  return scoped(db, scope).select(['tasks.id', 'tasks.case_id as caseId']).where('tasks.id', '=', id).executeTakeFirst();
}

/** The two queries behind a page of a queue: its rows and its capped count (bench/lists.ts explains them). */
export function taskListQueries(db: Db, scope: Scope, f: TaskListFilter, sort: 'ASC' | 'DESC', page: Page) {
  let q = scoped(db, scope);
  q = f.status ? q.where('tasks.status', '=', f.status) : q.where('tasks.status', '<>', 'done');
  if (f.officeId) q = q.where('tasks.office_id', '=', f.officeId);
  if (f.assignee) q = q.where('tasks.assignee', '=', f.assignee);
  if (f.slaState) q = q.where('tasks.sla_state', '=', f.slaState);
  if (f.escalated !== undefined) q = q.where('tasks.escalated', '=', f.escalated);
  if (f.municipalityId) q = q.where('cases.municipality_id', '=', f.municipalityId);
  return {
    rows: q
      .select([
        'tasks.id',
        'tasks.case_id',
        'cases.subject',
        'cases.municipality_id',
        'cases.service_code',
        'services.name as service_name',
        'cases.stage',
        'tasks.office_id',
        'offices.name as office_name',
        'tasks.assignee',
        'tasks.status',
        'tasks.warning_at',
        'tasks.due_at',
        'tasks.sla_state',
        'tasks.escalated',
        'tasks.waiting_since',
      ])
      .orderBy('tasks.due_at', sort === 'ASC' ? 'asc' : 'desc')
      .orderBy('tasks.id')
      .offset(page.offset)
      .limit(page.limit),
    count: cappedCountQuery(q),
  };
}

/** A queue: open and claimed tasks first by their due instant, the most urgent on top. */
export async function listTaskRows(db: Db, scope: Scope, f: TaskListFilter, sort: 'ASC' | 'DESC', page: Page) {
  const q = taskListQueries(db, scope, f, sort, page);
  const [rows, count] = await Promise.all([q.rows.execute(), q.count.execute(db)]);
  return { rows, total: cappedTotal(count.rows[0]!.n) };
}
