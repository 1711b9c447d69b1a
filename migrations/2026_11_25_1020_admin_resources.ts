import { type Kysely, sql } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  // Finding a citizen by phone number, fiscal code or e-mail: the expressions the case queries use.
  await sql`create index cases_citizen_phone_idx on cases ((citizen->>'phone'))`.execute(db);
  await sql`create index cases_citizen_fiscal_code_idx on cases ((upper(citizen->>'fiscalCode')))`.execute(db);
  await sql`create index cases_citizen_email_idx on cases ((lower(citizen->>'email')))`.execute(db);
  // A citizen's messages, and the survey answers by time.
  await db.schema.createIndex('outbound_messages_case_idx').on('outbound_messages').column('case_id').execute();
  await db.schema.createIndex('case_events_type_at_idx').on('case_events').columns(['type', 'at']).execute();
  // Log-in compares e-mails case-insensitively: two accounts must not differ only by case.
  await sql`create unique index staff_users_email_lower_idx on staff_users (lower(email))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const i of [
    'staff_users_email_lower_idx',
    'case_events_type_at_idx',
    'outbound_messages_case_idx',
    'cases_citizen_email_idx',
    'cases_citizen_fiscal_code_idx',
    'cases_citizen_phone_idx',
  ]) {
    await db.schema.dropIndex(i).execute();
  }
}
