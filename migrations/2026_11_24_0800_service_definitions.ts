import { type Kysely, sql } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('calendars')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('municipality_id', 'text', (c) => c.notNull().references('municipalities.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('spec', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // An office's SLA clock runs on its calendar.
  await db.schema
    .alterTable('offices')
    .addColumn('calendar_id', 'text', (c) => c.references('calendars.id'))
    .execute();

  // Versions of each service's definition: drafts are edited, published ones never change.
  await db.schema
    .createTable('service_definitions')
    .addColumn('service_code', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().check(sql`version > 0`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft','published')`))
    .addColumn('document', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('published_at', 'timestamptz')
    .addPrimaryKeyConstraint('service_definitions_pk', ['service_code', 'version'])
    .execute();
  await sql`
    create function service_definitions_published_immutable() returns trigger language plpgsql as $$
    begin
      if old.status = 'published' then
        raise exception 'service definition % version % is published and cannot change', old.service_code, old.version;
      end if;
      return case when tg_op = 'DELETE' then old else new end;
    end $$`.execute(db);
  await sql`
    create trigger service_definitions_published_immutable before update or delete on service_definitions
    for each row execute function service_definitions_published_immutable()`.execute(db);

  // A case pins the definition version it started on; its intake details follow that version's fields.
  await db.schema
    .alterTable('cases')
    .addColumn('definition_version', 'integer')
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await db.schema.alterTable('case_events').addColumn('definition_version', 'integer').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('case_events').dropColumn('definition_version').execute();
  await db.schema.alterTable('cases').dropColumn('details').dropColumn('definition_version').execute();
  await db.schema.dropTable('service_definitions').execute();
  await sql`drop function service_definitions_published_immutable`.execute(db);
  await db.schema.alterTable('offices').dropColumn('calendar_id').execute();
  await db.schema.dropTable('calendars').execute();
}
