import type { Kysely } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  // Cases closed per bucket and the backlog's running sum of resolutions scan a range of resolved_at
  // (events by type and time already have case_events_type_at_idx, cases by creation cases_created_at_idx).
  await db.schema.createIndex('cases_resolved_at_idx').on('cases').column('resolved_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('cases_resolved_at_idx').execute();
}
