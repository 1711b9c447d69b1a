import { type Kysely, sql } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  // A service has at most one draft being edited: the designer's next version.
  await db.schema
    .createIndex('service_definitions_one_draft')
    .on('service_definitions')
    .column('service_code')
    .unique()
    .where(sql.ref('status'), '=', 'draft')
    .execute();
  // The designer's question "which cases run on this version".
  await db.schema.createIndex('cases_definition_idx').on('cases').columns(['service_code', 'definition_version']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('cases_definition_idx').execute();
  await db.schema.dropIndex('service_definitions_one_draft').execute();
}
