import { createHash } from 'node:crypto';
import type { Selectable, Transaction } from 'kysely';
import type { Page } from '../domain/page.ts';
import type { AuditLogTable, Database, Executor } from './database.ts';

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

const genesis = '0'.repeat(64);
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** JSON with object keys sorted, so equal values always hash alike. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}
export const digest = (value: unknown) => (value === undefined ? null : sha256(canonical(value)));

type ChainedFields = Omit<Selectable<AuditLogTable>, 'id' | 'hash'>;
function linkHash(r: ChainedFields): string {
  const { prev_hash, ...content } = r;
  return sha256(`${prev_hash}\n${canonical(content)}`);
}

/**
 * Appends one record to its municipality's chain, inside the caller's transaction so the record
 * exists exactly when the change does. The chain head's row lock orders concurrent appends.
 */
export async function appendAudit(trx: Transaction<Database>, e: AuditEntry): Promise<void> {
  const chain = e.municipalityId ?? '*';
  await trx
    .insertInto('audit_chains')
    .values({ chain, seq: 0, hash: genesis })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const head = await trx
    .selectFrom('audit_chains')
    .select(['seq', 'hash'])
    .where('chain', '=', chain)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const record: ChainedFields = {
    chain,
    seq: head.seq + 1,
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
    prev_hash: head.hash,
  };
  const hash = linkHash(record);
  await trx
    .insertInto('audit_log')
    .values({ ...record, hash })
    .execute();
  await trx.updateTable('audit_chains').set({ seq: record.seq, hash }).where('chain', '=', chain).execute();
}

export interface ChainBreak {
  chain: string;
  seq: number;
  id: number | null;
  reason: string;
}
export interface VerifyResult {
  ok: boolean;
  chains: number;
  records: number;
  firstBreak: ChainBreak | null;
}

/**
 * Recomputes every chain from its first record: an edited record, a removed or inserted one, or a
 * moved head shows as the first link that does not hold.
 */
export async function verifyAudit(db: Executor, chains?: string[]): Promise<VerifyResult> {
  let q = db.selectFrom('audit_chains').selectAll().orderBy('chain');
  if (chains) q = q.where('chain', 'in', chains.length ? chains : ['']);
  const heads = await q.execute();
  let records = 0;
  for (const head of heads) {
    let prev = genesis;
    let seq = 0;
    let lastId = 0;
    for (;;) {
      // Keyset pages: a long chain never sits in memory whole.
      const page = await db
        .selectFrom('audit_log')
        .selectAll()
        .where('chain', '=', head.chain)
        .where('seq', '>', seq)
        .orderBy('seq')
        .limit(1000)
        .execute();
      for (const row of page) {
        records += 1;
        const broken = (reason: string): VerifyResult => ({
          ok: false,
          chains: heads.length,
          records,
          firstBreak: { chain: head.chain, seq: row.seq, id: row.id, reason },
        });
        if (row.seq !== seq + 1) return broken(`record ${seq + 1} is missing`);
        if (row.prev_hash !== prev) return broken('it does not follow the previous record');
        const { id: _id, hash, ...fields } = row;
        if (linkHash(fields) !== hash) return broken('its content does not match its hash');
        prev = hash;
        seq = row.seq;
        lastId = row.id;
      }
      if (page.length < 1000) break;
    }
    if (head.seq !== seq || head.hash !== prev) {
      return {
        ok: false,
        chains: heads.length,
        records,
        firstBreak: {
          chain: head.chain,
          seq: seq + 1,
          id: lastId || null,
          reason: `the chain ends at ${seq} but its head says ${head.seq}`,
        },
      };
    }
  }
  return { ok: true, chains: heads.length, records, firstBreak: null };
}

export interface AuditRecordRow {
  id: number;
  chain: string;
  seq: number;
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
