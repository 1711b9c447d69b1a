import { type Kysely, sql } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  // A municipality's contact-centre line: its numbers, and the zod-validated rest (IVR, queues,
  // profiled callers, callback policy) as one document; the CTI webhook's token only as a hash.
  await db.schema
    .createTable('lines')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('municipality_id', 'text', (c) => c.notNull().references('municipalities.id'))
    .addColumn('calendar_id', 'text', (c) => c.notNull().references('calendars.id'))
    .addColumn('numbers', sql`text[]`, (c) => c.notNull())
    .addColumn('config', 'jsonb', (c) => c.notNull())
    .addColumn('cti_token_hash', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('lines_numbers_idx').on('lines').using('gin').column('numbers').execute();
  // The written fallback of an abandoned caller's callback belongs to no case.
  await db.schema
    .alterTable('outbound_messages')
    .alterColumn('case_id', (c) => c.dropNotNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('outbound_messages').where('case_id', 'is', null).execute();
  await db.schema
    .alterTable('outbound_messages')
    .alterColumn('case_id', (c) => c.setNotNull())
    .execute();
  await db.schema.dropTable('lines').execute();
}
