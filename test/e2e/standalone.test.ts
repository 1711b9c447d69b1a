import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { seedDemoReferenceData } from '../../scripts/seed.ts';
import { testApiKey } from '../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { NodeScript } from '../helpers/platform.ts';
import { freePort } from '../helpers/ports.ts';
import { createTestNamespace } from '../helpers/temporal.ts';

let t: TestDatabase;
let env: NodeJS.ProcessEnv;
let apiPort: number;
const procs: NodeScript[] = [];
// Each process alone, as `npm run api|worker|telephony` starts it.
const start = (script: string, extra: NodeJS.ProcessEnv = {}) => {
  const p = new NodeScript(script, { LOG_LEVEL: 'info', ...env, ...extra });
  procs.push(p);
  return p;
};
let apiKey: string;
/** An integration's calls: its API key instead of a session. */
const api = (p: string, init: RequestInit = {}) =>
  fetch(`http://127.0.0.1:${apiPort}${p}`, {
    ...init,
    headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${apiKey}` },
  });

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemoReferenceData(t.db);
  ({ key: apiKey } = await testApiKey(t.db, 'operator', ['milano']));
  apiPort = await freePort();
  env = {
    DATABASE_URL: t.url,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: await createTestNamespace(),
    PORT: String(apiPort),
    NODE_ENV: 'production',
    SHUTDOWN_GRACE_SECONDS: '30',
  };
});
// A failed test's processes would hold its port for the next.
afterEach(async () => {
  const left = procs.filter((p) => p.running);
  for (const p of left) p.child.kill('SIGKILL');
  await Promise.all(left.map((p) => p.exited));
});
afterAll(async () => {
  await t?.drop();
});

describe('each process on its own, against external PostgreSQL and Temporal', () => {
  it('refuses to start without its external services, naming the variables', async () => {
    const p = start('workers/api.ts', { DATABASE_URL: '', TEMPORAL_ADDRESS: '' });
    expect(await p.exited).toBe(78);
    expect(p.output).toMatch(/DATABASE_URL: required[\s\S]*TEMPORAL_ADDRESS: required/);
  });

  it('answers 503 while no case worker runs, keeps the case, and completes it once a worker starts', async () => {
    const apiProc = start('workers/api.ts', { CASE_UPDATE_TIMEOUT_SECONDS: '2' });
    await apiProc.waitFor('API listening');
    const request = {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'sms-3401234567-1' },
      body: JSON.stringify({
        municipalityId: 'milano',
        serviceCode: 'pothole-report',
        channel: 'social',
        subject: 'Tombino rotto in via Tortona',
        details: { address: 'Via Tortona 27', danger: true },
      }),
    };
    const refused = await api('/api/cases', request);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/no case worker is running.*same Idempotency-Key/);
    expect(refused.headers.get('retry-after')).toBe('30');

    const worker = start('workers/case-worker.ts');
    await worker.waitFor('case-worker polling');
    // A client retries with the same key while it gets 503 (on a loaded machine the first write can outlast the 2 s deadline).
    let retried = await api('/api/cases', request);
    for (let tries = 1; retried.status === 503 && tries < 20; tries++) retried = await api('/api/cases', request);
    expect(retried.status).toBe(201);
    expect(await retried.json()).toMatchObject({ subject: 'Tombino rotto in via Tortona', status: 'open' });
    expect(await t.db.selectFrom('cases').select('id').where('subject', '=', 'Tombino rotto in via Tortona').execute()).toHaveLength(1);
    for (const p of [apiProc, worker]) p.child.kill('SIGTERM');
    expect(await Promise.all([apiProc.exited, worker.exited])).toEqual([0, 0]);
  }, 120_000);

  it('serves cases with one API and separately started workers; a stopping worker finishes its in-flight activity', async () => {
    const apiProc = start('workers/api.ts');
    let caseWorker = start('workers/case-worker.ts');
    const telephony = start('workers/telephony-worker.ts');
    await Promise.all([
      apiProc.waitFor('API listening'),
      caseWorker.waitFor('case-worker polling'),
      telephony.waitFor('telephony polling'),
    ]);
    // Production logs are JSON lines.
    expect(apiProc.output.split('\n').find((l) => l.includes('API listening'))).toMatch(/^\{".*"msg":"API listening/);
    expect((await api('/ready')).status).toBe(200);

    const opened = await api('/api/cases', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        municipalityId: 'milano',
        serviceCode: 'general-information',
        channel: 'web',
        subject: 'Documenti per il cambio di residenza',
        citizen: { email: 'a@example.org' },
        details: { topic: 'residenza' },
      }),
    });
    expect(opened.status).toBe(201);
    const { id } = (await opened.json()) as { id: string };

    // Hold the case row so the resolution's read-model write stays in flight.
    const blocker = new pg.Client({ connectionString: t.url });
    await blocker.connect();
    await blocker.query('begin');
    await blocker.query('select id from cases where id = $1 for update', [id]);
    const resolving = api(`/api/cases/${id}/resolve`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"outcome":"resolved"}',
    });
    const waitingOnLock = async () =>
      (
        await blocker.query(
          "select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()",
        )
      ).rows[0].n;
    await expect.poll(waitingOnLock).toBe(1);

    caseWorker.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1500));
    expect(caseWorker.running).toBe(true); // still finishing the activity
    await blocker.query('commit');
    await blocker.end();
    expect(await caseWorker.exited).toBe(0);
    const events = await t.db.selectFrom('case_events').select('type').where('case_id', '=', id).orderBy('seq').execute();
    expect(events.map((e) => e.type)).toEqual(['case.opened', 'citizen.acknowledged', 'case.resolved']);

    // A new replica picks the case up where the stopped one left it.
    caseWorker = start('workers/case-worker.ts');
    const answer = await resolving;
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ id, status: 'resolved' });
    await expect
      .poll(async () =>
        (await t.db.selectFrom('case_events').select('type').where('case_id', '=', id).orderBy('seq').execute()).map((e) => e.type),
      )
      .toEqual(['case.opened', 'citizen.acknowledged', 'case.resolved', 'citizen.notified', 'survey.sent']);

    for (const p of [apiProc, caseWorker, telephony]) p.child.kill('SIGTERM');
    expect(await Promise.all([apiProc.exited, caseWorker.exited, telephony.exited])).toEqual([0, 0, 0]);
  }, 180_000); // four process starts, each bundling or compiling on a busy 2-core machine
});
