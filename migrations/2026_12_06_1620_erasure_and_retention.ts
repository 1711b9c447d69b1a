import { type Kysely, sql } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  // The right to erasure (services/erasure.service.ts): an erased registry record keeps its id (the
  // cases and the audit trail point at it) and nothing else; an anonymised case keeps its figures.
  await db.schema.alterTable('citizens').addColumn('erased_at', 'timestamptz').execute();
  await db.schema.alterTable('cases').addColumn('anonymised_at', 'timestamptz').execute();
  // A legal hold (a dispute, a judge's or the police's request) stops erasure and retention of a
  // citizen or a case until it is released; released holds are kept, as the record of it.
  await db.schema
    .createTable('legal_holds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('municipality_id', 'text', (c) => c.notNull().references('municipalities.id'))
    .addColumn('target_type', 'text', (c) => c.notNull().check(sql`target_type in ('citizen', 'case')`))
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('released_by', 'text')
    .addColumn('released_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('legal_holds_active')
    .on('legal_holds')
    .columns(['target_type', 'target_id'])
    .where(sql.ref('released_at'), 'is', null)
    .execute();
  // Case and call events stay append-only, but for erasure: a transaction that declares it
  // (`set_config('sportello.redaction', 'on', true)`) may rewrite an event's data and nothing else
  // of it; deleting stays refused. The audit trail's tables keep their plain append-only trigger.
  await sql`
    create function events_append_only_but_redaction() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and current_setting('sportello.redaction', true) = 'on'
        and (to_jsonb(new) - 'data') = (to_jsonb(old) - 'data') then
        return new;
      end if;
      raise exception '% is append-only (% refused)', tg_table_name, tg_op;
    end $$`.execute(db);
  for (const table of ['case_events', 'call_events']) {
    await sql`drop trigger ${sql.raw(`${table}_append_only`)} on ${sql.table(table)}`.execute(db);
    await sql`
      create trigger ${sql.raw(`${table}_append_only`)} before update or delete on ${sql.table(table)}
      for each row execute function events_append_only_but_redaction()`.execute(db);
  }
  // Retention finds closed cases past their service's period quickly.
  await db.schema
    .createIndex('cases_retention')
    .on('cases')
    .columns(['service_code', 'resolved_at'])
    .where(sql.ref('anonymised_at'), 'is', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [table, fn] of [
    ['case_events', 'case_events_append_only'],
    ['call_events', 'append_only'],
  ] as const) {
    await sql`drop trigger ${sql.raw(`${table}_append_only`)} on ${sql.table(table)}`.execute(db);
    await sql`
      create trigger ${sql.raw(`${table}_append_only`)} before update or delete on ${sql.table(table)}
      for each row execute function ${sql.raw(fn)}()`.execute(db);
  }
  await sql`drop function events_append_only_but_redaction`.execute(db);
  await db.schema.dropIndex('cases_retention').execute();
  await db.schema.dropTable('legal_holds').execute();
  await db.schema.alterTable('cases').dropColumn('anonymised_at').execute();
  await db.schema.alterTable('citizens').dropColumn('erased_at').execute();
}
