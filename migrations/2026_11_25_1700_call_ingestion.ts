import type { Kysely } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  // The last event of each call the ingestion has acted on: a worker that stopped between recording
  // an event and acting on it (opening a case, starting a callback) finds the rest and acts on it.
  await db.schema
    .alterTable('calls')
    .addColumn('ingested_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('calls').dropColumn('ingested_seq').execute();
}
