import { type Kysely, sql } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  // A case whose read-model write PostgreSQL refuses for good (or that kept failing past its bound):
  // flagged to administrators instead of retried silently forever. Only safe data: ids, the
  // activity, an error code (SQLSTATE) and counts, never the value that was refused. No foreign key
  // to `cases`: the stuck write may be the one that creates the case row.
  await db.schema
    .createTable('stuck_cases')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('municipality_id', 'text', (c) => c.notNull().references('municipalities.id'))
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('activity', 'text', (c) => c.notNull())
    .addColumn('error_code', 'text', (c) => c.notNull())
    .addColumn('error_type', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('first_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('retry_requested_at', 'timestamptz')
    .addColumn('resolved_at', 'timestamptz')
    .execute();
  // At most one open row per case: a write that fails again updates it.
  await db.schema
    .createIndex('stuck_cases_open_case')
    .on('stuck_cases')
    .column('case_id')
    .unique()
    .where(sql.ref('resolved_at'), 'is', null)
    .execute();
  await db.schema.createIndex('stuck_cases_municipality_seen').on('stuck_cases').columns(['municipality_id', 'last_seen_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('stuck_cases').execute();
}
