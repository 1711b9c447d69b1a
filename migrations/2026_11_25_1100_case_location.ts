import type { Kysely } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  // Where a request is about ({lat, long, address}), as Open311 apps send it; null for most cases.
  await db.schema.alterTable('cases').addColumn('location', 'jsonb').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('cases').dropColumn('location').execute();
}
