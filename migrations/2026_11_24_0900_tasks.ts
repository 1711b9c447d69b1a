import { type Kysely, sql } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  // Read model of the human steps of each case; written only by the case workflow's activities.
  await db.schema
    .createTable('tasks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('office_id', 'text', (c) => c.notNull().references('offices.id'))
    .addColumn('assignee', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open','claimed','done')`))
    .addColumn('warning_at', 'timestamptz', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('sla_state', 'text', (c) => c.notNull().check(sql`sla_state in ('on-track','warning','breached')`))
    .addColumn('escalated', 'boolean', (c) => c.notNull().defaultTo(false))
    // Set while the office waits on the citizen: the service-level clock is stopped.
    .addColumn('waiting_since', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seq', 'integer', (c) => c.notNull())
    .execute();
  // An office's queue, most urgent first.
  await db.schema.createIndex('tasks_queue_idx').on('tasks').columns(['office_id', 'status', 'due_at']).execute();
  await db.schema
    .alterTable('cases')
    .addColumn('office_id', 'text', (c) => c.references('offices.id'))
    .execute();
  await db.schema
    .alterTable('cases')
    .addColumn('solicitations', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('cases').dropColumn('solicitations').dropColumn('office_id').execute();
  await db.schema.dropTable('tasks').execute();
}
