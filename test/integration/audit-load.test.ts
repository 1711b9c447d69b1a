import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditKeys } from '../../platform/audit-keys.ts';
import { sealAll } from '../../services/audit-sealer.ts';
import { verifyAudit } from '../../services/audit.service.ts';
import { buildTestApp, staffClient, type StaffClient } from '../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { startTestWorkers, type TestWorkers } from '../helpers/temporal.ts';
import { createDb, type Db } from '../../db/connection.ts';
import { seedDemoReferenceData } from '../../scripts/seed.ts';

let t: TestDatabase;
let wide: Db;
let w: TestWorkers;
let app: FastifyInstance;
let dataDir: string;
let operator: StaffClient;
beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemoReferenceData(t.db);
  // The case worker with a pool as wide as the load, as in production (not the test database's 5).
  wide = createDb({ DATABASE_POOL_MAX: 30 }, t.url);
  w = await startTestWorkers(wide);
  dataDir = mkdtempSync(path.join(tmpdir(), 'sportello-audit-load-'));
  app = await buildTestApp(t.db, w, { DATA_DIR: dataDir });
  operator = await staffClient(app, t.db, { role: 'operator', municipalities: ['milano'] });
});
afterAll(async () => {
  await app?.close();
  await w?.stop();
  await wide?.destroy();
  await t?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

const deadlocks = async () =>
  Number(
    (await sql<{ n: string }>`select deadlocks as n from pg_stat_database where datname = current_database()`.execute(t.db)).rows[0]!.n,
  );

describe('the case lifecycle under load', () => {
  it('50 cases of one municipality at once through the workflow: zero deadlocks, every event audited, the chain verified', async () => {
    const before = await deadlocks();
    // Opened, noted, then closed or sent to the office: every case of the same service and hour, so each
    // read-model write touches the same KPI rollup rows and the same audit chain.
    const ids = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const opened = await operator.inject({
          method: 'POST',
          url: '/api/cases',
          payload: {
            municipalityId: 'milano',
            serviceCode: 'general-information',
            channel: 'phone',
            subject: `Orari ${i}`,
            citizen: {},
            details: { topic: 'orari' },
          },
        });
        expect(opened.statusCode, opened.body).toBe(201);
        const id = opened.json().id as string;
        // Half are closed by the operator, half sent to the office (a task, its KPI rows).
        const steps = [
          ['notes', { text: 'Richiamare dopo le 15' }],
          i % 2 ? ['transfer', {}] : ['resolve', { outcome: 'redirected' }],
        ] as const;
        for (const [action, payload] of steps) {
          const res = await operator.inject({ method: 'POST', url: `/api/cases/${id}/${action}`, payload });
          expect(res.statusCode, `${action}: ${res.body}`).toBeLessThan(300);
        }
        return id;
      }),
    );
    const settled = async () => {
      const resolved = await t.db.selectFrom('cases').select('id').where('id', 'in', ids).where('status', '=', 'resolved').execute();
      const tasks = await t.db.selectFrom('tasks').select('case_id').where('case_id', 'in', ids).execute();
      return [resolved.length, tasks.length];
    };
    await expect.poll(settled, { timeout: 60_000 }).toEqual([25, 25]);

    // A backend's statistics reach pg_stat_database when it has been idle a while or exits: end
    // the pools' backends (they reconnect on demand) and wait for them to be gone.
    const others = sql`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`;
    await sql`select pg_terminate_backend(pid) from (${others}) o`.execute(t.db);
    await expect.poll(async () => (await others.execute(t.db)).rows.length).toBe(0);
    await sql`select pg_stat_clear_snapshot()`.execute(t.db);
    expect((await deadlocks()) - before).toBe(0);

    // Each event and its audit record are written in one transaction: counted in one snapshot,
    // they are equal even while the workflows write on.
    const caseIds = sql.join(ids);
    const { rows } = await sql<{ events: number; audited: number }>`
      select (select count(*)::int from case_events where case_id in (${caseIds})) as events,
             (select count(*)::int from audit_log where target_type = 'case' and target_id in (${caseIds})) as audited`.execute(t.db);
    expect(rows[0]!.audited).toBe(rows[0]!.events);
    expect(rows[0]!.events).toBeGreaterThanOrEqual(150);
    const keys = auditKeys({ DATA_DIR: dataDir });
    await sealAll(t.db, keys);
    expect(await verifyAudit(t.db, keys, ['milano'])).toMatchObject({ ok: true, firstBreak: null });
  }, 120_000);
});
