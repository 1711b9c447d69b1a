import type { Kysely } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  // KPIs count events of a few types in a time range (solicitations, breaches, callbacks, surveys).
  await db.schema.createIndex('case_events_type_at_idx').on('case_events').columns(['type', 'at']).execute();
  // Cases closed per bucket, and the backlog's running sum of resolutions.
  await db.schema.createIndex('cases_resolved_at_idx').on('cases').column('resolved_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('cases_resolved_at_idx').execute();
  await db.schema.dropIndex('case_events_type_at_idx').execute();
}
