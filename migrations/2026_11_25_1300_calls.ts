import { type Kysely, sql } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  // One row per contact (a call leg as the citizen lives it), kept at its current state.
  await db.schema
    .createTable('calls')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // Transfers and callbacks are new contacts pointing at the one they came from.
    .addColumn('linked_call_id', 'text')
    .addColumn('direction', 'text', (c) => c.notNull().check(sql`direction in ('inbound', 'outbound')`))
    .addColumn('caller', 'text', (c) => c.notNull())
    .addColumn('called', 'text', (c) => c.notNull())
    .addColumn('municipality_id', 'text', (c) => c.references('municipalities.id'))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('queue', 'text')
    .addColumn('agent', 'text')
    .addColumn('ivr_choice', 'text')
    .addColumn('end_cause', 'text')
    .addColumn('wait_seconds', 'double precision')
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('connected_at', 'timestamptz')
    .addColumn('ended_at', 'timestamptz')
    .addColumn('last_seq', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('calls_linked_idx')
    .on('calls')
    .column('linked_call_id')
    .where(sql.ref('linked_call_id'), 'is not', null)
    .execute();
  await db.schema.createIndex('calls_started_idx').on('calls').columns(['municipality_id', 'started_at']).execute();

  // Every event as the adapter reported it; (call_id, seq) makes a repeated event a no-op.
  await db.schema
    .createTable('call_events')
    .addColumn('call_id', 'text', (c) => c.notNull().references('calls.id'))
    .addColumn('seq', 'integer', (c) => c.notNull().check(sql`seq > 0`))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('call_events_pk', ['call_id', 'seq'])
    .execute();
  await db.schema.createIndex('call_events_type_at_idx').on('call_events').columns(['type', 'at']).execute();
  await sql`
    create trigger call_events_append_only before update or delete on call_events
    for each row execute function append_only()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('call_events').execute();
  await db.schema.dropTable('calls').execute();
}
