import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pino from 'pino';
import type { Db } from '../db/connection.ts';
import { appendAudit } from '../db/audit.repository.ts';
import { auditKeys } from '../platform/audit-keys.ts';
import { startThrowawayDatabase } from '../scripts/throwaway-platform.ts';
import { sealAll, startAuditSealer } from '../services/audit-sealer.ts';
import { verifyAudit } from '../services/audit.service.ts';

/**
 * `npm run bench:audit [appends] [concurrency]` (default 4,000 and 20): that many audit appends to
 * one municipality's chain in a throwaway embedded PostgreSQL, `concurrency` transactions at a
 * time, each holding its transaction open for a 2 ms write beside the record (as a case write
 * does); first the old way (the chain's head row locked FOR UPDATE until commit), then as
 * appendAudit does now with the sealer running. Prints appends/s and latency p50/p99 for both, and
 * how far the sealer lags and its pace on a backlog.
 */
const appends = Number(process.argv[2] ?? 4000);
const concurrency = Number(process.argv[3] ?? 20);
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

const { db, stop } = await startThrowawayDatabase(54353);
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sportello-bench-audit-'));
const keys = auditKeys({ DATA_DIR: dataDir });
// The head row the old appendAudit locked (audit_chains, dropped by the batches migration).
await sql`create table bench_chain_heads (chain text primary key, seq integer not null)`.execute(db);
await sql`insert into bench_chain_heads values ('milano', 0)`.execute(db);

const entry = (i: number) => ({
  actor: 'giulia.operatrice',
  role: 'operator',
  municipalityId: 'milano',
  action: 'note.added',
  targetType: 'case',
  targetId: `C-2026-${String(i).padStart(6, '0')}`,
  after: { i },
});

async function drive(name: string, append: (db: Db, i: number) => Promise<void>) {
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < appends) {
        const i = next++;
        const s = performance.now();
        await append(db, i);
        latencies.push(performance.now() - s);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  return { name, perSecond: appends / seconds, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
}

const caseWrite = (trx: Parameters<typeof appendAudit>[0]) => sql`select pg_sleep(0.002)`.execute(trx);
const old = await drive('old: head row locked', (db, i) =>
  db.transaction().execute(async (trx) => {
    await sql`select seq from bench_chain_heads where chain = 'milano' for update`.execute(trx);
    await caseWrite(trx);
    await appendAudit(trx, entry(i));
    await sql`update bench_chain_heads set seq = seq + 1 where chain = 'milano'`.execute(trx);
  }),
);
await sealAll(db, keys);

const sealer = startAuditSealer(db, keys, 200, pino({ level: 'error' }));
const fresh = await drive('new: no shared lock, sealed after', (db, i) =>
  db.transaction().execute(async (trx) => {
    await caseWrite(trx);
    await appendAudit(trx, entry(appends + i));
  }),
);
await sealer.stop();
const behind = (await verifyAudit(db, keys, ['milano'])).pending;
// A backlog sealed in one go: the sealer's own pace.
await drive('backlog', (db, i) => db.transaction().execute((trx) => appendAudit(trx, entry(2 * appends + i))));
const t0 = performance.now();
const sealed = await sealAll(db, keys);
const sealSeconds = (performance.now() - t0) / 1000;
const v = await verifyAudit(db, keys, ['milano']);

console.log(`${appends} appends to one chain, ${concurrency} at a time (2 ms of other work in each transaction)`);
for (const r of [old, fresh])
  console.log(
    `${r.name.padEnd(36)} ${r.perSecond.toFixed(0).padStart(6)} appends/s   p50 ${r.p50.toFixed(1)} ms   p99 ${r.p99.toFixed(1)} ms`,
  );
console.log(
  `sealer every 200 ms: ${behind} records still pending when the appends ended; a backlog of ${sealed} sealed at ${(sealed / sealSeconds).toFixed(0)} records/s`,
);
console.log(`verified: ${v.ok ? 'ok' : JSON.stringify(v.firstBreak)}, ${v.records} records in ${v.batches} batches, ${v.pending} pending`);
await stop();
rmSync(dataDir, { recursive: true, force: true });
