import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaseActivities, type RecordCaseEvent } from '../../activities/case-activities.ts';
import { createDb, type Db } from '../../db/connection.ts';
import { batchHead, canonical } from '../../db/audit-format.ts';
import { appendAudit } from '../../db/audit.repository.ts';
import { auditKeys, type AuditKeys, headSignatureHolds, latestAnchoredHead, signHead } from '../../platform/audit-keys.ts';
import { merkleRoot, verifyInclusion } from '../../platform/merkle.ts';
import { seedDemoReferenceData } from '../../scripts/seed.ts';
import { AuditChainRewound, sealAll, sealChain } from '../../services/audit-sealer.ts';
import { auditProofOf, verifyAudit } from '../../services/audit.service.ts';
import type { Principal } from '../../domain/principal.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { createHash } from 'node:crypto';

let t: TestDatabase;
let dir: string;
let keys: AuditKeys;
beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemoReferenceData(t.db);
  dir = mkdtempSync(path.join(tmpdir(), 'sportello-audit-'));
  keys = auditKeys({ DATA_DIR: dir });
});
afterAll(async () => {
  await t.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** `n` records appended to `chain`, each in its own transaction, all at once. */
async function append(chain: string, n: number, db: Db = t.db, tag = 'x'): Promise<void> {
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      db.transaction().execute((trx) =>
        appendAudit(trx, {
          actor: `user-${i}`,
          role: 'operator',
          municipalityId: chain === '*' ? null : chain,
          action: 'note.added',
          targetType: 'case',
          targetId: `${tag}-${i}`,
          after: { i },
        }),
      ),
    ),
  );
}

/** What a superuser can do despite the append-only triggers. */
async function behindTheTrailsBack(statements: ReturnType<typeof sql>[]): Promise<void> {
  await t.db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx);
    for (const s of statements) await s.execute(trx);
  });
}

const anchorLines = (chain: string) =>
  readFileSync(path.join(keys.anchorDir, `${chain}.jsonl`), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { batch: number; head: string });

describe('the signing key and the anchor', () => {
  it('keeps a generated Ed25519 key in the data directory, readable by the service user only, and the same on the next start', () => {
    const file = path.join(dir, 'audit-signing.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(auditKeys({ DATA_DIR: dir }).keyId).toBe(keys.keyId);
    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(auditKeys({ DATA_DIR: dir, AUDIT_SIGNING_KEY: pem }).keyId).not.toBe(keys.keyId);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => auditKeys({ DATA_DIR: dir, AUDIT_SIGNING_KEY: rsa })).toThrow(/Ed25519/);
  });
});

describe('appending and sealing', () => {
  it('appends without a position, then seals into signed batches, anchored outside the database', async () => {
    await append('milano', 30);
    const pending = await t.db.selectFrom('audit_log').select(['seq', 'batch']).where('chain', '=', 'milano').execute();
    expect(pending).toHaveLength(30);
    expect(pending.every((r) => r.seq === null && r.batch === null)).toBe(true);
    expect(await verifyAudit(t.db, keys, ['milano'])).toMatchObject({ ok: true, records: 30, pending: 30, batches: 0 });

    expect(await sealAll(t.db, keys)).toBe(30);
    await append('milano', 5);
    expect(await sealAll(t.db, keys)).toBe(5);
    const seqs = (await t.db.selectFrom('audit_log').select('seq').where('chain', '=', 'milano').orderBy('seq').execute()).map(
      (r) => r.seq,
    );
    expect(seqs).toEqual(Array.from({ length: 35 }, (_, i) => i + 1));
    const batches = await t.db.selectFrom('audit_batches').selectAll().where('chain', '=', 'milano').orderBy('batch').execute();
    expect(batches.map((b) => [b.batch, b.first_seq, b.last_seq])).toEqual([
      [1, 1, 30],
      [2, 31, 35],
    ]);
    expect(batches[1]!.prev_head).toBe(batches[0]!.head);
    expect(headSignatureHolds(keys, batches[1]!.head, batches[1]!.signature)).toBe(true);
    expect(anchorLines('milano').map((a) => [a.batch, a.head])).toEqual(batches.map((b) => [b.batch, b.head]));
    expect(await verifyAudit(t.db, keys, ['milano'])).toEqual({
      ok: true,
      chains: 1,
      records: 35,
      batches: 2,
      pending: 0,
      unanchored: 0,
      firstBreak: null,
    });
  });

  it('proves one record is in its batch with an RFC 9162 audit path under the signed head', async () => {
    const auditor = { municipalities: ['milano'] } as unknown as Principal;
    const row = await t.db
      .selectFrom('audit_log')
      .select('id')
      .where('chain', '=', 'milano')
      .where('seq', '=', 13)
      .executeTakeFirstOrThrow();
    const proof = await auditProofOf(t.db, auditor, row.id);
    expect(proof).toMatchObject({ chain: 'milano', seq: 13, index: 12, size: 30 });
    expect(verifyInclusion(proof.leaf, proof.index, proof.size, proof.path, proof.batch.root)).toBe(true);
    expect(verifyInclusion(proof.leaf, proof.index + 1, proof.size, proof.path, proof.batch.root)).toBe(false);
    // Anyone with the public key alone checks the head.
    const b = proof.batch;
    const head = batchHead({
      chain: 'milano',
      batch: b.batch,
      firstSeq: b.firstSeq,
      lastSeq: b.lastSeq,
      root: b.root,
      prevHead: b.prevHead,
      sealedAt: b.sealedAt,
    });
    expect(head).toBe(b.head);
    const publicOnly = { ...keys, publicKey: createPublicKey(keys.publicKey.export({ type: 'spki', format: 'pem' })) };
    expect(headSignatureHolds(publicOnly, head, b.signature)).toBe(true);
    await expect(auditProofOf(t.db, { municipalities: ['firenze'] } as unknown as Principal, row.id)).rejects.toThrow(/no audit record/);
  });

  it('computes Merkle roots as RFC 6962 does', () => {
    const h = (s: string) => createHash('sha256').update(s).digest('hex');
    const leaf = (x: string) =>
      createHash('sha256')
        .update(Buffer.concat([Buffer.from([0]), Buffer.from(x, 'hex')]))
        .digest();
    const node = (l: Buffer, r: Buffer) =>
      createHash('sha256')
        .update(Buffer.concat([Buffer.from([1]), l, r]))
        .digest();
    const [a, b, c] = [h('a'), h('b'), h('c')];
    expect(merkleRoot([a])).toBe(leaf(a).toString('hex'));
    expect(merkleRoot([a, b, c])).toBe(node(node(leaf(a), leaf(b)), leaf(c)).toString('hex'));
  });

  it('seals the records of the old hash chain as they were, into the first batch', async () => {
    // Two records as the old appendAudit wrote them: seq given at once, hash over the previous one.
    let prev = '0'.repeat(64);
    for (const seq of [1, 2]) {
      const r = {
        chain: 'legacy',
        seq,
        at: new Date('2026-11-30T10:00:00Z'),
        actor: 'admin',
        role: 'admin',
        municipality_id: 'legacy',
        action: 'office.created',
        target_type: 'office',
        target_id: `o-${seq}`,
        request_id: null,
        before_digest: null,
        after_digest: null,
      };
      const hash = createHash('sha256')
        .update(`${prev}\n${canonical(r)}`)
        .digest('hex');
      await t.db
        .insertInto('audit_log')
        .values({ ...r, prev_hash: prev, hash, batch: null })
        .execute();
      prev = hash;
    }
    await append('legacy', 3);
    expect(await sealAll(t.db, keys)).toBe(5);
    const rows = await t.db.selectFrom('audit_log').select(['seq', 'target_id']).where('chain', '=', 'legacy').orderBy('seq').execute();
    expect(rows.slice(0, 2)).toEqual([
      { seq: 1, target_id: 'o-1' },
      { seq: 2, target_id: 'o-2' },
    ]);
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(await verifyAudit(t.db, keys, ['legacy'])).toMatchObject({ ok: true, records: 5, pending: 0 });
  });

  it('refuses changes to a record, even to seal it again', async () => {
    const { id } = await t.db
      .selectFrom('audit_log')
      .select('id')
      .where('chain', '=', 'milano')
      .where('seq', '=', 1)
      .executeTakeFirstOrThrow();
    await expect(sql`update audit_log set actor = 'x' where id = ${id}`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`update audit_log set seq = 99, batch = 9 where id = ${id}`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log where id = ${id}`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_batches where chain = 'milano'`.execute(t.db)).rejects.toThrow(/append-only/);
  });

  it('seals each record exactly once under two sealers racing while records keep coming', async () => {
    const other = createDb({ DATABASE_POOL_MAX: 10 }, t.url);
    try {
      let appending = true;
      const sealer = async (db: Db, wait: boolean) => {
        let sealed = 0;
        while (appending) sealed += await sealChain(db, keys, 'race', wait);
        return sealed + (await sealChain(db, keys, 'race', true));
      };
      const sealers = [sealer(t.db, true), sealer(other, false)];
      for (let round = 0; round < 10; round++) await append('race', 30, round % 2 ? t.db : other, `r${round}`);
      appending = false;
      const [a, b] = await Promise.all(sealers);
      expect(a! + b!).toBe(300);
      const rows = await t.db.selectFrom('audit_log').select(['seq', 'batch']).where('chain', '=', 'race').orderBy('seq').execute();
      expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
      const batches = await t.db
        .selectFrom('audit_batches')
        .select(['batch', 'head'])
        .where('chain', '=', 'race')
        .orderBy('batch')
        .execute();
      expect(batches.length).toBeGreaterThan(1);
      expect(anchorLines('race').map((l) => [l.batch, l.head])).toEqual(batches.map((x) => [x.batch, x.head]));
      expect(await verifyAudit(t.db, keys, ['race'])).toMatchObject({ ok: true, records: 300, pending: 0, unanchored: 0 });
    } finally {
      await other.destroy();
    }
  });
});

describe('an insider with write access to the database', () => {
  it('deleting the newest records and rewinding the chain is caught by the anchor, and the sealer stops there', async () => {
    await append('rewind', 10);
    await sealAll(t.db, keys);
    await append('rewind', 4, t.db, 'late');
    await sealAll(t.db, keys);
    expect(await verifyAudit(t.db, keys, ['rewind'])).toMatchObject({ ok: true, batches: 2 });
    // The newest batch and its records go; what is left is a perfectly consistent, signed chain.
    await behindTheTrailsBack([
      sql`delete from audit_log where chain = 'rewind' and batch = 2`,
      sql`delete from audit_batches where chain = 'rewind' and batch = 2`,
    ]);
    expect(await verifyAudit(t.db, keys, ['rewind'])).toMatchObject({
      ok: false,
      firstBreak: {
        chain: 'rewind',
        seq: 11,
        batch: 2,
        kind: 'rewound',
        reason: 'the chain ends at record 10 (batch 1) but the anchor holds record 14 (batch 2)',
      },
    });
    // Whole chains removed are missed no less.
    await behindTheTrailsBack([sql`delete from audit_log where chain = 'rewind'`, sql`delete from audit_batches where chain = 'rewind'`]);
    expect((await verifyAudit(t.db, keys, ['rewind'])).firstBreak).toMatchObject({ kind: 'rewound', seq: 1 });
    // New records are not sealed on top of a rewound chain, which would bury the break.
    await append('rewind', 1, t.db, 'after');
    await expect(sealChain(t.db, keys, 'rewind')).rejects.toThrow(AuditChainRewound);
  });

  it('deleting a sealed record is named', async () => {
    await append('gap', 6);
    await sealChain(t.db, keys, 'gap');
    await behindTheTrailsBack([sql`delete from audit_log where chain = 'gap' and seq = 4`]);
    expect((await verifyAudit(t.db, keys, ['gap'])).firstBreak).toMatchObject({
      seq: 4,
      id: null,
      batch: 1,
      kind: 'removed',
      reason: 'record 4 is missing',
    });
  });

  it('editing a record is named, and recomputing its hash breaks the signed Merkle root', async () => {
    await append('edit', 8);
    await sealChain(t.db, keys, 'edit');
    const victim = await t.db
      .selectFrom('audit_log')
      .selectAll()
      .where('chain', '=', 'edit')
      .where('seq', '=', 5)
      .executeTakeFirstOrThrow();
    await behindTheTrailsBack([sql`update audit_log set actor = 'someone-else' where id = ${victim.id}`]);
    expect((await verifyAudit(t.db, keys, ['edit'])).firstBreak).toEqual({
      chain: 'edit',
      seq: 5,
      id: victim.id,
      batch: 1,
      kind: 'edited',
      reason: 'its content does not match its hash',
    });
    // The insider knows the leaf formula (it is in the source) and recomputes the hash.
    const { leafHash } = await import('../../db/audit-format.ts');
    const rehashed = leafHash({ ...victim, actor: 'someone-else' });
    await behindTheTrailsBack([sql`update audit_log set hash = ${rehashed} where id = ${victim.id}`]);
    expect((await verifyAudit(t.db, keys, ['edit'])).firstBreak).toMatchObject({
      seq: 1,
      batch: 1,
      kind: 'edited',
      reason: 'a record of batch 1 was rewritten with its hash: the batch no longer matches its signed root',
    });

    // Then the root and the head too: without the private key the signature cannot follow.
    const b = await t.db.selectFrom('audit_batches').selectAll().where('chain', '=', 'edit').executeTakeFirstOrThrow();
    const leaves = (await t.db.selectFrom('audit_log').select('hash').where('chain', '=', 'edit').orderBy('seq').execute()).map(
      (r) => r.hash,
    );
    const root = merkleRoot(leaves);
    const head = batchHead({ chain: 'edit', batch: 1, firstSeq: 1, lastSeq: 8, root, prevHead: b.prev_head, sealedAt: b.sealed_at });
    await behindTheTrailsBack([sql`update audit_batches set root = ${root}, head = ${head} where chain = 'edit'`]);
    expect((await verifyAudit(t.db, keys, ['edit'])).firstBreak).toMatchObject({
      batch: 1,
      kind: 'forged',
      reason: "batch 1's head is not signed by the audit key",
    });
    // Nor with a key of the insider's own (a different key id, or the same id with another signature).
    const forger = auditKeys({
      DATA_DIR: dir,
      AUDIT_SIGNING_KEY: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    });
    await behindTheTrailsBack([sql`update audit_batches set signature = ${signHead(forger, head)} where chain = 'edit'`]);
    expect((await verifyAudit(t.db, keys, ['edit'])).firstBreak).toMatchObject({ kind: 'forged' });
    // And the anchor, outside, still holds the true head.
    expect(latestAnchoredHead(keys, 'edit')?.head).toBe(b.head);
  });

  it('a pending record edited without its hash is named before it is sealed', async () => {
    await append('fresh', 3);
    const [victim] = await t.db.selectFrom('audit_log').select('id').where('chain', '=', 'fresh').orderBy('id').limit(1).execute();
    await behindTheTrailsBack([sql`update audit_log set target_id = 'other' where id = ${victim!.id}`]);
    expect((await verifyAudit(t.db, keys, ['fresh'])).firstBreak).toMatchObject({ id: victim!.id, batch: null, kind: 'edited' });
  });
});

describe('case writes under load', () => {
  const at = new Date().toISOString();
  const task = (caseId: string, status: 'open' | 'done') => ({
    id: `${caseId}-t`,
    officeId: 'mi-tributi',
    assignee: status === 'done' ? 'marco.tributi' : null,
    status,
    createdAt: at,
    warningAt: new Date(Date.now() + 86_400_000).toISOString(),
    dueAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
    slaState: 'on-track' as const,
    escalated: false,
    waitingSince: null,
    pausedBusinessMs: 0,
  });
  // One case's life as the workflow records it: opened, sent to an office, the citizen asked for
  // more, the task done, resolved. Every case of the same municipality, service and hour, so every
  // transaction touches the same KPI rollup rows.
  const lifecycle = (caseId: string): RecordCaseEvent[] => {
    const base = { caseId, at, actor: 'giulia.operatrice', actorRole: 'operator', municipalityId: 'milano', definitionVersion: 1 };
    return [
      {
        ...base,
        seq: 1,
        type: 'case.opened',
        data: {},
        status: 'open',
        stage: 'intake',
        outcome: null,
        intake: {
          municipalityId: 'milano',
          serviceCode: 'tari-refund',
          channel: 'phone',
          subject: 'Rimborso TARI',
          description: '',
          citizen: {},
          details: {},
        },
      },
      {
        ...base,
        seq: 2,
        type: 'case.transferred',
        data: {},
        status: 'open',
        stage: 'office',
        outcome: null,
        officeId: 'mi-tributi',
        task: task(caseId, 'open'),
      },
      {
        ...base,
        seq: 3,
        type: 'citizen.solicited',
        data: {},
        status: 'open',
        stage: 'office',
        outcome: null,
        officeId: 'mi-tributi',
        solicitations: 1,
      },
      {
        ...base,
        seq: 4,
        type: 'task.completed',
        data: {},
        status: 'open',
        stage: 'office',
        outcome: null,
        officeId: 'mi-tributi',
        task: task(caseId, 'done'),
      },
      {
        ...base,
        seq: 5,
        type: 'case.resolved',
        data: {},
        status: 'resolved',
        stage: 'resolved',
        outcome: 'resolved',
        officeId: 'mi-tributi',
      },
    ];
  };
  const deadlocks = async () =>
    Number(
      (await sql<{ n: string }>`select deadlocks as n from pg_stat_database where datname = current_database()`.execute(t.db)).rows[0]!.n,
    );

  it('50 cases written at once: no deadlock, one audit record per event, every one sealed', async () => {
    const url = new URL(t.url);
    url.searchParams.set('application_name', 'audit-load');
    const wide = createDb({ DATABASE_POOL_MAX: 50 }, url.toString());
    const { recordCaseEvent } = createCaseActivities({ db: wide });
    const before = await deadlocks();
    const ids = Array.from({ length: 50 }, (_, i) => `C-2026-9${String(i).padStart(5, '0')}`);
    // Each case's events in order, as its workflow sends them; the 50 cases side by side. A
    // deadlock would also reject here (no activity retry in between).
    const outcomes = await Promise.allSettled(
      ids.map(async (id) => {
        for (const e of lifecycle(id)) await recordCaseEvent(e);
      }),
    );
    // A backend's statistics reach pg_stat_database when it goes idle for a while or exits: close
    // the pool and wait for its backends to be gone.
    await wide.destroy();
    await expect
      .poll(
        async () =>
          (await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where application_name = 'audit-load'`.execute(t.db))
            .rows[0]!.n,
      )
      .toBe(0);
    await sql`select pg_stat_clear_snapshot()`.execute(t.db);
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    expect((await deadlocks()) - before).toBe(0);
    const audited = await t.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('target_id', 'in', ids)
      .executeTakeFirstOrThrow();
    expect(Number(audited.n)).toBe(250);
    const resolved = await t.db.selectFrom('cases').select('id').where('id', 'in', ids).where('status', '=', 'resolved').execute();
    expect(resolved).toHaveLength(50);
    await sealChain(t.db, keys, 'milano');
    expect(await verifyAudit(t.db, keys, ['milano'])).toMatchObject({ ok: true, pending: 0 });
  });
});
