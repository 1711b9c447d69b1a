import type { Db } from '../db/connection.ts';
import type { Executor } from '../db/database.ts';
import { batchHead, genesis } from '../db/audit-format.ts';
import {
  batchesOf,
  chainsWithPending,
  insertBatch,
  lastBatch,
  lockChainForSealing,
  pendingRecords,
  unlockChainForSealing,
  type AuditBatchRow,
} from '../db/audit.repository.ts';
import { anchorHead, type AuditKeys, latestAnchoredHead, signHead } from '../platform/audit-keys.ts';
import type { Logger } from '../platform/logger.ts';
import { merkleRoot } from '../platform/merkle.ts';

/** The most records one batch holds; a longer queue is sealed in several. */
const batchLimit = 5000;

export class AuditChainRewound extends Error {}

const anchored = (b: AuditBatchRow) => ({
  chain: b.chain,
  batch: b.batch,
  lastSeq: b.last_seq,
  head: b.head,
  keyId: b.key_id,
  signature: b.signature,
  sealedAt: b.sealed_at.toISOString(),
});

/**
 * Seals the chain's pending records into batches: consecutive seq in the order they are found,
 * a Merkle root over their leaves and a head over the previous head, the root, the range and the
 * time, signed; then appends the head to the anchor. One sealer per chain at a time (a session
 * advisory lock, held until the anchor is written, so the anchor's lines are in batch order). With
 * `wait` false, a chain another sealer holds is left to it. Returns the records sealed.
 */
export async function sealChain(db: Db, keys: AuditKeys, chain: string, wait = true): Promise<number> {
  return db.connection().execute(async (conn) => {
    if (!(await lockChainForSealing(conn, chain, wait))) return 0;
    try {
      await catchUpAnchor(conn, keys, chain);
      let sealed = 0;
      for (;;) {
        const batch = await conn.transaction().execute(async (trx) => {
          const last = await lastBatch(trx, chain);
          const pending = await pendingRecords(trx, chain, batchLimit);
          if (!pending.length) return null;
          const firstSeq = (last?.last_seq ?? 0) + 1;
          const fields = {
            chain,
            batch: (last?.batch ?? 0) + 1,
            firstSeq,
            lastSeq: firstSeq + pending.length - 1,
            // The leaves as the appender wrote them: a pending record edited since shows at verification.
            root: merkleRoot(pending.map((r) => r.hash)),
            prevHead: last?.head ?? genesis,
            sealedAt: new Date(),
          };
          const head = batchHead(fields);
          const row: AuditBatchRow = {
            chain,
            batch: fields.batch,
            first_seq: fields.firstSeq,
            last_seq: fields.lastSeq,
            root: fields.root,
            prev_head: fields.prevHead,
            head,
            sealed_at: fields.sealedAt,
            key_id: keys.keyId,
            signature: signHead(keys, head),
          };
          await insertBatch(
            trx,
            row,
            pending.map((r) => r.id),
          );
          return row;
        });
        if (!batch) return sealed;
        anchorHead(keys, anchored(batch));
        sealed += batch.last_seq - batch.first_seq + 1;
      }
    } finally {
      await unlockChainForSealing(conn, chain);
    }
  });
}

/**
 * Anchors the batches a sealer committed but did not live to anchor; refuses to go on from a chain
 * that ends before its anchor or disagrees with it (someone rewound or rewrote it: verification says
 * where, and sealing on top would bury it).
 */
async function catchUpAnchor(db: Executor, keys: AuditKeys, chain: string): Promise<void> {
  const anchor = latestAnchoredHead(keys, chain);
  const last = await lastBatch(db, chain);
  const anchoredBatch = anchor?.batch ?? 0;
  if (anchoredBatch > (last?.batch ?? 0))
    throw new AuditChainRewound(`audit chain ${chain} ends before its anchored batch ${anchoredBatch}`);
  if (anchor) {
    const [same] = await batchesOf(db, chain, anchor.batch - 1, 1);
    if (same?.head !== anchor.head) throw new AuditChainRewound(`audit chain ${chain} differs from its anchored batch ${anchor.batch}`);
  }
  for (let after = anchoredBatch; after < (last?.batch ?? 0);) {
    const page = await batchesOf(db, chain, after, 500);
    for (const b of page) anchorHead(keys, anchored(b));
    after = page.at(-1)?.batch ?? Infinity;
  }
}

/** Seals every chain's pending records now; what a test or an operator calls before verifying. */
export async function sealAll(db: Db, keys: AuditKeys, wait = true): Promise<number> {
  let sealed = 0;
  const failed: unknown[] = [];
  // A chain that cannot be sealed holds up no other.
  for (const chain of await chainsWithPending(db))
    sealed += await sealChain(db, keys, chain, wait).catch((err: unknown) => (failed.push(err), 0));
  if (failed.length) throw new AggregateError(failed, `${failed.length} audit chain(s) not sealed`);
  return sealed;
}

/**
 * Seals every `intervalMs` in the background (each API replica runs one; the lock lets one work per
 * chain). A failure is logged and retried at the next tick. `stop` waits for a seal under way.
 */
export function startAuditSealer(db: Db, keys: AuditKeys, intervalMs: number, logger: Logger): { stop: () => Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = sealAll(db, keys, false)
      .then(
        () => {},
        (err: unknown) => logger.error({ err }, 'sealing the audit trail failed; retrying'),
      )
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs).unref();
      });
  };
  timer = setTimeout(tick, intervalMs).unref();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
