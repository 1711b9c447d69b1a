import { type Kysely, sql } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  // The links to the citizens' own pages of their cases. The token is never stored: it is an HMAC of
  // the case id and the nonce under a configured secret (so every message can carry it again), and
  // it is looked up by its SHA-256. One live link per case; a revoked one stays as a record.
  await db.schema
    .createTable('citizen_links')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('revoked_by', 'text')
    // Set once the case is closed: its closure plus the configured lifetime.
    .addColumn('expires_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('citizen_links_live_idx')
    .on('citizen_links')
    .column('case_id')
    .unique()
    .where(sql.ref('revoked_at'), 'is', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('citizen_links').execute();
}
