import { type Kysely, sql } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  // The outbox becomes a delivery queue: each row is claimed by one dispatcher (a lease, so a crashed
  // one's rows come back), sent through its channel, and records what the provider said.
  await db.schema
    .alterTable('outbound_messages')
    .addColumn('municipality_id', 'text', (c) => c.references('municipalities.id'))
    .addColumn('event', 'text')
    .addColumn('language', 'text', (c) => c.notNull().defaultTo('it'))
    .addColumn('subject', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('claimed_until', 'timestamptz')
    .addColumn('provider_message_id', 'text')
    .addColumn('last_error', 'text')
    .addColumn('sent_at', 'timestamptz')
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('failed_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // A permanent failure falls back to the citizen's next channel: the new row names the one it replaces.
    .addColumn('fallback_of', 'bigint', (c) => c.references('outbound_messages.id'))
    .execute();
  await sql`alter table outbound_messages drop constraint if exists outbound_messages_channel_check`.execute(db);
  await sql`alter table outbound_messages add constraint outbound_messages_channel_check
    check (channel in ('sms', 'email', 'io', 'letter'))`.execute(db);
  await sql`alter table outbound_messages add constraint outbound_messages_status_check
    check (status in ('queued', 'sending', 'sent', 'delivered', 'failed', 'cancelled'))`.execute(db);
  await sql`update outbound_messages m set municipality_id = c.municipality_id from cases c where c.id = m.case_id`.execute(db);
  // What a dispatcher asks for, over and over: the queued rows that are due.
  await sql`create index outbound_messages_due_idx on outbound_messages (next_attempt_at) where status in ('queued', 'sending')`.execute(
    db,
  );
  await sql`create index outbound_messages_failed_idx on outbound_messages (failed_at desc) where status = 'failed'`.execute(db);
  await db.schema
    .createIndex('outbound_messages_provider_idx')
    .on('outbound_messages')
    .columns(['channel', 'provider_message_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const i of ['outbound_messages_due_idx', 'outbound_messages_failed_idx', 'outbound_messages_provider_idx']) {
    await db.schema.dropIndex(i).execute();
  }
  await sql`alter table outbound_messages drop constraint outbound_messages_status_check`.execute(db);
  await sql`alter table outbound_messages drop constraint outbound_messages_channel_check`.execute(db);
  await sql`alter table outbound_messages add constraint outbound_messages_channel_check check (channel in ('sms', 'email'))`.execute(db);
  await db.schema
    .alterTable('outbound_messages')
    .dropColumn('municipality_id')
    .dropColumn('event')
    .dropColumn('language')
    .dropColumn('subject')
    .dropColumn('attempts')
    .dropColumn('next_attempt_at')
    .dropColumn('claimed_until')
    .dropColumn('provider_message_id')
    .dropColumn('last_error')
    .dropColumn('sent_at')
    .dropColumn('delivered_at')
    .dropColumn('failed_at')
    .dropColumn('updated_at')
    .dropColumn('fallback_of')
    .execute();
}
