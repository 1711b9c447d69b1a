import { sql, type Selectable, type Transaction } from 'kysely';
import type { Page } from '../domain/page.ts';
import { digest, leafHash, type RecordContent } from './audit-format.ts';
import type { AuditBatchesTable, AuditLogTable, Database, Executor } from './database.ts';

export { digest };

export interface AuditEntry {
  actor: string;
  role: string | null;
  /** Selects the chain; null for what belongs to no municipality (logins, API keys). */
  municipalityId: string | null;
  action: string;
  targetType: string;
  targetId: string;
  requestId?: string | null;
  /** The target before and after the change; only their digests are kept. */
  before?: unknown;
  after?: unknown;
  at?: Date;
}

/**
 * Appends one record to its municipality's chain, inside the caller's transaction so the record
 * exists exactly when the change does. It takes no lock but its own row's: the sealer gives it its
 * place in the chain after it commits (services/audit-sealer.ts).
 */
export async function appendAudit(trx: Transaction<Database>, e: AuditEntry): Promise<void> {
  const content: RecordContent = {
    chain: e.municipalityId ?? '*',
    at: e.at ?? new Date(),
    actor: e.actor,
    role: e.role,
    municipality_id: e.municipalityId,
    action: e.action,
    target_type: e.targetType,
    target_id: e.targetId,
    request_id: e.requestId ?? null,
    before_digest: digest(e.before),
    after_digest: digest(e.after),
  };
  await trx
    .insertInto('audit_log')
    .values({ ...content, seq: null, batch: null, prev_hash: null, hash: leafHash({ ...content, seq: null, prev_hash: null }) })
    .execute();
}

export type AuditRow = Selectable<AuditLogTable>;
export type AuditBatchRow = Selectable<AuditBatchesTable>;

/** The chains with records waiting for their seal. */
export async function chainsWithPending(db: Executor): Promise<string[]> {
  const rows = await db.selectFrom('audit_log').select('chain').distinct().where('batch', 'is', null).execute();
  return rows.map((r) => r.chain);
}

// The session-level advisory lock that makes one sealer per chain, whatever the number of replicas.
const sealLock = (chain: string) => sql`hashtext('sportello-audit-seal'), hashtext(${chain})`;
export async function lockChainForSealing(db: Executor, chain: string, wait: boolean): Promise<boolean> {
  if (wait) {
    await sql`select pg_advisory_lock(${sealLock(chain)})`.execute(db);
    return true;
  }
  const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${sealLock(chain)}) as locked`.execute(db);
  return rows[0]!.locked;
}
export async function unlockChainForSealing(db: Executor, chain: string): Promise<void> {
  await sql`select pg_advisory_unlock(${sealLock(chain)})`.execute(db);
}

export async function lastBatch(db: Executor, chain: string): Promise<AuditBatchRow | undefined> {
  return db.selectFrom('audit_batches').selectAll().where('chain', '=', chain).orderBy('batch', 'desc').limit(1).executeTakeFirst();
}

/**
 * The chain's committed, unsealed records in the order they are sealed: the old chain's records by
 * their seq first, then by insertion. Uncommitted ones are invisible here and wait for a later batch.
 */
export async function pendingRecords(db: Executor, chain: string, limit: number): Promise<Pick<AuditRow, 'id' | 'seq' | 'hash'>[]> {
  return db
    .selectFrom('audit_log')
    .select(['id', 'seq', 'hash'])
    .where('chain', '=', chain)
    .where('batch', 'is', null)
    .orderBy(sql`seq asc nulls last`)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Writes a sealed batch and gives its records their seq (consecutive from the batch's first). */
export async function insertBatch(trx: Transaction<Database>, b: AuditBatchRow, ids: readonly number[]): Promise<void> {
  await trx.insertInto('audit_batches').values(b).execute();
  const seqs = ids.map((_, i) => b.first_seq + i);
  await sql`
    update audit_log a set seq = u.seq, batch = ${b.batch}
    from unnest(${ids}::bigint[], ${seqs}::int[]) as u(id, seq)
    where a.id = u.id`.execute(trx);
}

/** A chain's batches in order, from batch `after` + 1 on. */
export async function batchesOf(db: Executor, chain: string, after: number, limit: number): Promise<AuditBatchRow[]> {
  return db
    .selectFrom('audit_batches')
    .selectAll()
    .where('chain', '=', chain)
    .where('batch', '>', after)
    .orderBy('batch')
    .limit(limit)
    .execute();
}
export async function batchOf(db: Executor, chain: string, batch: number): Promise<AuditBatchRow | undefined> {
  return db.selectFrom('audit_batches').selectAll().where('chain', '=', chain).where('batch', '=', batch).executeTakeFirst();
}

/** The records that say they belong to this batch, by seq. */
export async function recordsOfBatch(db: Executor, chain: string, batch: number): Promise<AuditRow[]> {
  return db
    .selectFrom('audit_log')
    .selectAll()
    .where('chain', '=', chain)
    .where('batch', '=', batch)
    .orderBy('seq')
    .orderBy('id')
    .execute();
}

/** One page of a chain's pending records, by id. */
export async function pendingPage(db: Executor, chain: string, afterId: number, limit: number): Promise<AuditRow[]> {
  return db
    .selectFrom('audit_log')
    .selectAll()
    .where('chain', '=', chain)
    .where('batch', 'is', null)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** A record claiming a batch the chain never sealed, if any. */
export async function recordBeyond(db: Executor, chain: string, lastBatchNo: number): Promise<AuditRow | undefined> {
  return db
    .selectFrom('audit_log')
    .selectAll()
    .where('chain', '=', chain)
    .where('batch', '>', lastBatchNo)
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
}

/** Of these chains, those the database holds records or batches of. */
export async function chainsPresent(db: Executor, chains?: readonly string[]): Promise<string[]> {
  const only = chains ? (chains.length ? [...chains] : ['']) : undefined;
  let records = db.selectFrom('audit_log').select('chain').distinct();
  let batches = db.selectFrom('audit_batches').select('chain').distinct();
  if (only) {
    records = records.where('chain', 'in', only);
    batches = batches.where('chain', 'in', only);
  }
  const rows = await records.union(batches).execute();
  return rows.map((r) => r.chain).sort();
}

export async function auditRecord(db: Executor, id: number): Promise<AuditRow | undefined> {
  return db.selectFrom('audit_log').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface AuditRecordRow {
  id: number;
  chain: string;
  seq: number | null;
  batch: number | null;
  at: Date;
  actor: string;
  role: string | null;
  municipalityId: string | null;
  action: string;
  targetType: string;
  targetId: string;
  requestId: string | null;
  beforeDigest: string | null;
  afterDigest: string | null;
  hash: string;
}
export interface AuditFilter {
  actor?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  municipalityId?: string;
  from?: Date;
  to?: Date;
}

/** One page of the records of these municipalities' chains and of the '*' chain, by time (newest first unless `asc`). */
export async function listAuditRecords(
  db: Executor,
  municipalities: readonly string[],
  f: AuditFilter,
  order: 'asc' | 'desc',
  page: Page,
): Promise<{ rows: AuditRecordRow[]; total: number }> {
  // Records of no municipality ('*': logins, API keys) are visible to every auditor.
  let q = db.selectFrom('audit_log').where((eb) => eb.or([eb('chain', '=', '*'), eb('municipality_id', 'in', [...municipalities])]));
  if (f.actor) q = q.where('actor', '=', f.actor);
  if (f.action) q = q.where('action', '=', f.action);
  if (f.targetType) q = q.where('target_type', '=', f.targetType);
  if (f.targetId) q = q.where('target_id', '=', f.targetId);
  if (f.municipalityId) q = q.where('municipality_id', '=', f.municipalityId);
  if (f.from) q = q.where('at', '>=', f.from);
  if (f.to) q = q.where('at', '<', f.to);
  const [{ total }, rows] = await Promise.all([
    q.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
    q
      .select([
        'id',
        'chain',
        'seq',
        'batch',
        'at',
        'actor',
        'role',
        'municipality_id as municipalityId',
        'action',
        'target_type as targetType',
        'target_id as targetId',
        'request_id as requestId',
        'before_digest as beforeDigest',
        'after_digest as afterDigest',
        'hash',
      ])
      .orderBy('at', order)
      .orderBy('id', 'desc')
      .offset(page.offset)
      .limit(page.limit)
      .execute(),
  ]);
  return { rows, total: Number(total) };
}
