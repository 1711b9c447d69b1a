import { type Kysely, sql } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  // The print queue: one printable letter per outbound message of the `letter` channel, kept as the
  // PDF that was printed, until the back office marks it posted.
  await db.schema
    .createTable('letters')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('message_id', 'bigint', (c) => c.notNull().unique().references('outbound_messages.id'))
    .addColumn('case_id', 'text', (c) => c.references('cases.id'))
    .addColumn('municipality_id', 'text', (c) => c.notNull().references('municipalities.id'))
    .addColumn('recipient_name', 'text')
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('to-print')
        .check(sql`status in ('to-print', 'posted')`),
    )
    .addColumn('pdf', 'bytea', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('posted_at', 'timestamptz')
    .addColumn('posted_by', 'text')
    .execute();
  await db.schema.createIndex('letters_queue_idx').on('letters').columns(['municipality_id', 'status', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('letters').execute();
}
