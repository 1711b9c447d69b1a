import { type Kysely, sql } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  // A municipality's (or a shared front office's) mailbox, read over IMAP by the mail intake. The
  // password is never stored here: it comes from MAILBOX_PASSWORDS, by mailbox id.
  await db.schema
    .createTable('mailboxes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    // The first municipality is where new mail opens cases; replies are matched on all of them.
    .addColumn('municipality_ids', sql`text[]`, (c) => c.notNull().check(sql`cardinality(municipality_ids) > 0`))
    // The front office's triage: the service a new mail's case opens on (general-information when null).
    .addColumn('triage_service', 'text')
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('port', 'integer', (c) => c.notNull())
    .addColumn('tls', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('folder', 'text', (c) => c.notNull().defaultTo('INBOX'))
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    // UID bookkeeping: what was read of `folder`, valid while its UIDVALIDITY stays the same.
    .addColumn('uidvalidity', 'bigint')
    .addColumn('last_uid', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Every message the intake took, once per mailbox and Message-ID: what it became (a case, a
  // reply, ignored, a bounce, rejected) and why. A re-read after a UIDVALIDITY change finds it here.
  await db.schema
    .createTable('inbound_mails')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('mailbox_id', 'text', (c) => c.notNull().references('mailboxes.id').onDelete('cascade'))
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('case', 'reply', 'ignored', 'bounce', 'rejected')`))
    .addColumn('case_id', 'text', (c) => c.references('cases.id'))
    .addColumn('reason', 'text')
    .addColumn('refused_attachments', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('inbound_mails_message_uq', ['mailbox_id', 'message_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('inbound_mails').execute();
  await db.schema.dropTable('mailboxes').execute();
}
