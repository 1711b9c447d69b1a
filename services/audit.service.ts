import type { Db } from '../db/connection.ts';
import type { Executor } from '../db/database.ts';
import { batchHead, genesis, leafHash } from '../db/audit-format.ts';
import {
  auditRecord,
  batchesOf,
  batchOf,
  chainsPresent,
  listAuditRecords,
  pendingPage,
  recordBeyond,
  recordsOfBatch,
  type AuditBatchRow,
  type AuditRow,
} from '../db/audit.repository.ts';
import type { Page } from '../domain/page.ts';
import type { Principal } from '../domain/principal.ts';
import { type AnchoredHead, type AuditKeys, headSignatureHolds, latestAnchoredHead } from '../platform/audit-keys.ts';
import { inclusionProof, merkleRoot } from '../platform/merkle.ts';
import type { AuditBreak, AuditListQuery, AuditProof, AuditRecord, AuditVerification } from '../contracts/audit.ts';
import { ApiError } from './errors.ts';

/** One page of the audit records of the municipalities the caller serves, and of those of none (logins, API keys). */
export async function listAudit(db: Db, p: Principal, query: AuditListQuery, page: Page): Promise<{ rows: AuditRecord[]; total: number }> {
  const { from, to, ...f } = query.filter ?? {};
  const filter = { ...f, from: from ? new Date(from) : undefined, to: to ? new Date(to) : undefined };
  return listAuditRecords(db, p.municipalities, filter, query.sort?.[1] === 'ASC' ? 'asc' : 'desc', page);
}

/** Verifies the chains of the municipalities the caller serves, and the '*' chain. */
export const verifyAuditOf = (db: Db, keys: AuditKeys, p: Principal): Promise<AuditVerification> =>
  verifyAudit(db, keys, ['*', ...p.municipalities]);

interface Tally {
  records: number;
  batches: number;
  pending: number;
  unanchored: number;
}

/**
 * Checks every chain (or these) from its first batch: each record's leaf against its content, each
 * batch's records against its Merkle root, each head against its fields, the previous head and the
 * audit key's signature, and the chain's end against the anchor outside the database. Reports the
 * first thing that does not hold; records not sealed yet are checked against their own hash and
 * counted as pending.
 */
export async function verifyAudit(db: Db, keys: AuditKeys, chains?: string[]): Promise<AuditVerification> {
  const present = await chainsPresent(db, chains);
  const anchoredOnly = (chains ?? []).filter((c) => !present.includes(c) && latestAnchoredHead(keys, c));
  const all = [...present, ...anchoredOnly].sort();
  const tally: Tally = { records: 0, batches: 0, pending: 0, unanchored: 0 };
  for (const chain of all) {
    // The anchor first, then one snapshot of the chain: sealers working meanwhile (they anchor a
    // batch after committing it) can neither show a batch half-read nor an anchor past the snapshot.
    const anchor = latestAnchoredHead(keys, chain);
    const firstBreak = await db
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute((trx) => verifyChain(trx, keys, chain, anchor, tally));
    if (firstBreak) return { ok: false, chains: all.length, ...tally, firstBreak };
  }
  return { ok: true, chains: all.length, ...tally, firstBreak: null };
}

async function verifyChain(
  db: Executor,
  keys: AuditKeys,
  chain: string,
  anchor: AnchoredHead | null,
  tally: Tally,
): Promise<AuditBreak | null> {
  let prevHead = genesis;
  let nextSeq = 1;
  let lastBatchNo = 0;
  const at = (kind: AuditBreak['kind'], reason: string, where: { seq?: number; id?: number | null; batch?: number | null } = {}) => ({
    chain,
    seq: where.seq ?? nextSeq,
    id: where.id ?? null,
    batch: where.batch === undefined ? lastBatchNo + 1 : where.batch,
    kind,
    reason,
  });
  for (;;) {
    const page = await batchesOf(db, chain, lastBatchNo, 500);
    for (const b of page) {
      const broken = checkBatchHead(keys, b, lastBatchNo, nextSeq, prevHead);
      if (broken) return at(broken.kind, broken.reason, { batch: b.batch });
      const records = await recordsOfBatch(db, chain, b.batch);
      for (const [i, row] of records.entries()) {
        const seq = b.first_seq + i;
        if (row.seq !== seq) {
          return (row.seq ?? 0) > seq
            ? at('removed', `record ${seq} is missing`, { seq, batch: b.batch })
            : at('inserted', `record ${row.seq} is there more than once`, { seq: row.seq ?? seq, id: row.id, batch: b.batch });
        }
        if (seq > b.last_seq)
          return at('inserted', `batch ${b.batch} was sealed with records up to ${b.last_seq}`, { seq, id: row.id, batch: b.batch });
        tally.records += 1;
        if (leafHash(row) !== row.hash) return at('edited', 'its content does not match its hash', { seq, id: row.id, batch: b.batch });
      }
      const sealed = b.last_seq - b.first_seq + 1;
      if (records.length < sealed)
        return at('removed', `record ${b.first_seq + records.length} is missing`, { seq: b.first_seq + records.length, batch: b.batch });
      if (merkleRoot(records.map((r) => r.hash)) !== b.root)
        return at('edited', `a record of batch ${b.batch} was rewritten with its hash: the batch no longer matches its signed root`, {
          seq: b.first_seq,
          batch: b.batch,
        });
      tally.batches += 1;
      prevHead = b.head;
      nextSeq = b.last_seq + 1;
      lastBatchNo = b.batch;
    }
    if (page.length < 500) break;
  }
  const stray = await recordBeyond(db, chain, lastBatchNo);
  if (stray)
    return at('inserted', `it claims batch ${stray.batch}, which was never sealed`, {
      seq: stray.seq ?? nextSeq,
      id: stray.id,
      batch: stray.batch,
    });

  if (anchor && anchor.batch > lastBatchNo)
    return at(
      'rewound',
      `the chain ends at record ${nextSeq - 1} (batch ${lastBatchNo}) but the anchor holds record ${anchor.lastSeq} (batch ${anchor.batch})`,
    );
  if (anchor && (await batchOf(db, chain, anchor.batch))?.head !== anchor.head)
    return at('forged', `batch ${anchor.batch} differs from the head anchored outside the database`, {
      batch: anchor.batch,
      seq: anchor.lastSeq,
    });
  tally.unanchored += lastBatchNo - (anchor?.batch ?? 0);

  for (let after = 0; ;) {
    const page: AuditRow[] = await pendingPage(db, chain, after, 1000);
    for (const row of page) {
      tally.records += 1;
      tally.pending += 1;
      if (leafHash(row) !== row.hash)
        return at('edited', 'its content does not match its hash (not sealed yet)', { seq: nextSeq, id: row.id, batch: null });
    }
    if (page.length < 1000) break;
    after = page.at(-1)!.id;
  }
  return null;
}

function checkBatchHead(
  keys: AuditKeys,
  b: AuditBatchRow,
  lastBatchNo: number,
  nextSeq: number,
  prevHead: string,
): Pick<AuditBreak, 'kind' | 'reason'> | null {
  if (b.batch !== lastBatchNo + 1) return { kind: 'removed', reason: `batch ${lastBatchNo + 1} is missing` };
  if (b.first_seq !== nextSeq) return { kind: 'removed', reason: `batch ${b.batch} starts at record ${b.first_seq}, not ${nextSeq}` };
  if (b.prev_head !== prevHead) return { kind: 'forged', reason: `batch ${b.batch} does not follow the previous batch's head` };
  const fields = {
    chain: b.chain,
    batch: b.batch,
    firstSeq: b.first_seq,
    lastSeq: b.last_seq,
    root: b.root,
    prevHead: b.prev_head,
    sealedAt: b.sealed_at,
  };
  if (batchHead(fields) !== b.head) return { kind: 'forged', reason: `batch ${b.batch}'s head does not match its contents` };
  if (b.key_id !== keys.keyId || !headSignatureHolds(keys, b.head, b.signature))
    return { kind: 'forged', reason: `batch ${b.batch}'s head is not signed by the audit key` };
  return null;
}

/**
 * What shows one sealed record is in its chain without reading the rest: its leaf, its audit path
 * to the batch's Merkle root, and the batch's signed head (RFC 9162 inclusion proof).
 */
export async function auditProofOf(db: Db, p: Principal, id: number): Promise<AuditProof> {
  const row = await auditRecord(db, id);
  if (!row || (row.chain !== '*' && !p.municipalities.includes(row.chain))) throw new ApiError('not_found', `no audit record ${id}`);
  if (row.batch === null || row.seq === null) throw new ApiError('conflict', `audit record ${id} is not sealed yet; try again in a moment`);
  const batch = (await batchOf(db, row.chain, row.batch))!;
  const leaves = (await recordsOfBatch(db, row.chain, row.batch)).map((r) => r.hash);
  const index = row.seq - batch.first_seq;
  return {
    id,
    chain: row.chain,
    seq: row.seq,
    leaf: row.hash,
    index,
    size: leaves.length,
    path: inclusionProof(leaves, index),
    batch: {
      batch: batch.batch,
      firstSeq: batch.first_seq,
      lastSeq: batch.last_seq,
      root: batch.root,
      prevHead: batch.prev_head,
      head: batch.head,
      sealedAt: batch.sealed_at,
      keyId: batch.key_id,
      signature: batch.signature,
    },
  };
}
