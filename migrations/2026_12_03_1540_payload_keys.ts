import { type Kysely, sql } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  // One AES-256 key per workflow (a case's workflow id is its case id), wrapped with the master key
  // of the configuration, which the database never holds. Destroying a key (wrapped set to null)
  // makes every Temporal payload of that workflow unreadable for good: the erasure of its data there.
  await db.schema
    .createTable('payload_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('wrapped', 'bytea')
    .addColumn('master_key_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('destroyed_at', 'timestamptz')
    .addCheckConstraint('payload_keys_destroyed', sql`(wrapped is null) = (destroyed_at is not null)`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('payload_keys').execute();
}
