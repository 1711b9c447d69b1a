import { type Kysely, sql } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  // Appends no longer wait on a chain head: a record is inserted with its own leaf hash and no
  // position (seq and batch null), and one sealer per chain later numbers the pending records and
  // seals them into a batch whose Merkle root and signed head are kept in audit_batches
  // (services/audit-sealer.ts). The records of the old hash chain keep their seq, prev_hash and
  // hash, and are sealed as they are into each chain's first batch.
  await sql`drop trigger audit_log_append_only on audit_log`.execute(db);
  await db.schema.dropTable('audit_chains').execute();
  await sql`alter table audit_log alter column seq drop not null, alter column prev_hash drop not null`.execute(db);
  await db.schema.alterTable('audit_log').addColumn('batch', 'integer').execute();
  // The sealer's queue: what is still unsealed, per chain, in insertion order.
  await sql`create index audit_log_pending_idx on audit_log (chain, id) where batch is null`.execute(db);
  await sql`create index audit_log_batch_idx on audit_log (chain, batch, seq)`.execute(db);
  await sql`create index audit_log_at_idx on audit_log (at, id)`.execute(db);

  // Append-only but for the seal: a pending record may be given its position once, nothing else.
  await sql`
    create function audit_log_guard() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and old.batch is null and new.batch is not null and new.seq is not null
         and (old.seq is null or old.seq = new.seq)
         and (new.id, new.chain, new.at, new.actor, new.role, new.municipality_id, new.action, new.target_type, new.target_id,
              new.request_id, new.before_digest, new.after_digest, new.prev_hash, new.hash)
             is not distinct from
             (old.id, old.chain, old.at, old.actor, old.role, old.municipality_id, old.action, old.target_type, old.target_id,
              old.request_id, old.before_digest, old.after_digest, old.prev_hash, old.hash) then
        return new;
      end if;
      raise exception 'audit_log is append-only (% refused)', tg_op;
    end $$`.execute(db);
  await sql`
    create trigger audit_log_append_only before update or delete on audit_log
    for each row execute function audit_log_guard()`.execute(db);

  // One row per sealed batch: records first_seq..last_seq of the chain, their Merkle root, and the
  // head linking it to the previous batch's, signed with a key the database never holds.
  await db.schema
    .createTable('audit_batches')
    .addColumn('chain', 'text', (c) => c.notNull())
    .addColumn('batch', 'integer', (c) => c.notNull())
    .addColumn('first_seq', 'integer', (c) => c.notNull())
    .addColumn('last_seq', 'integer', (c) => c.notNull())
    .addColumn('root', 'text', (c) => c.notNull())
    .addColumn('prev_head', 'text', (c) => c.notNull())
    .addColumn('head', 'text', (c) => c.notNull())
    .addColumn('sealed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('audit_batches_pk', ['chain', 'batch'])
    .execute();
  await sql`
    create trigger audit_batches_append_only before update or delete on audit_batches
    for each row execute function append_only()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger audit_batches_append_only on audit_batches`.execute(db);
  await db.schema.dropTable('audit_batches').execute();
  await sql`drop trigger audit_log_append_only on audit_log`.execute(db);
  await sql`drop function audit_log_guard`.execute(db);
  for (const i of ['audit_log_pending_idx', 'audit_log_batch_idx', 'audit_log_at_idx']) await db.schema.dropIndex(i).execute();
  await db.schema.alterTable('audit_log').dropColumn('batch').execute();
  await db.schema
    .createTable('audit_chains')
    .addColumn('chain', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await sql`
    create trigger audit_log_append_only before update or delete on audit_log
    for each row execute function append_only()`.execute(db);
}
