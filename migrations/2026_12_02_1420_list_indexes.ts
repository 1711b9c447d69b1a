import { type Kysely, sql } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.
// Lists at ten million cases (issue 15): every filter the console offers reaches its first page
// through an index, in the lists' order (newest case first, the most urgent task first).
export async function up(db: Kysely<any>): Promise<void> {
  // Free text: `q` matches id, subject and description through one trigram index on the
  // expression db/cases.repository.ts searches (`caseText`), so a search that matches nothing
  // reads a few index pages instead of every case.
  await sql`create extension if not exists pg_trgm`.execute(db);
  await sql`create index cases_text_trgm_idx on cases using gin ((id || ' ' || subject || ' ' || description) gin_trgm_ops)`.execute(db);

  // The list's order, and each filter followed by it (a scan stops after a page).
  await sql`create index cases_list_idx on cases (created_at, id)`.execute(db);
  for (const column of ['status', 'service_code', 'office_id', 'channel', 'stage'])
    await sql`create index ${sql.id(`cases_${column}_list_idx`)} on cases (${sql.ref(column)}, created_at, id)`.execute(db);

  // Open tasks (done ones are the great majority and no queue shows them): the queue's order, by
  // office, by assignee, by SLA state (also what the cases' "SLA breached" filter joins on) and
  // the escalated ones.
  await sql`create index tasks_open_due_idx on tasks (due_at, id) where status <> 'done'`.execute(db);
  await sql`create index tasks_open_office_idx on tasks (office_id, due_at, id) where status <> 'done'`.execute(db);
  await sql`create index tasks_open_assignee_idx on tasks (assignee, due_at, id) where status <> 'done'`.execute(db);
  await sql`create index tasks_open_sla_idx on tasks (sla_state, due_at, id) include (case_id) where status <> 'done'`.execute(db);
  await sql`create index tasks_open_escalated_idx on tasks (due_at, id) where escalated and status <> 'done'`.execute(db);

  // An integration's own rate limit; null: the API's default (RATE_LIMIT_PER_MINUTE).
  await db.schema
    .alterTable('api_keys')
    .addColumn('rate_limit_per_minute', 'integer', (c) => c.check(sql`rate_limit_per_minute > 0`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('api_keys').dropColumn('rate_limit_per_minute').execute();
  for (const name of [
    'tasks_open_due_idx',
    'tasks_open_office_idx',
    'tasks_open_assignee_idx',
    'tasks_open_sla_idx',
    'tasks_open_escalated_idx',
  ])
    await db.schema.dropIndex(name).execute();
  for (const column of ['status', 'service_code', 'office_id', 'channel', 'stage'])
    await db.schema.dropIndex(`cases_${column}_list_idx`).execute();
  await db.schema.dropIndex('cases_list_idx').execute();
  await db.schema.dropIndex('cases_text_trgm_idx').execute();
}
