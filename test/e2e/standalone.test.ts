import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { projectRoot } from '../../platform/paths.ts';
import { seedDemoReferenceData } from '../../scripts/seed.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { freePort } from '../helpers/ports.ts';

/** One process of the platform started alone, as `npm run api|worker|telephony` does, against external services. */
class Proc {
  output = '';
  readonly exited: Promise<number | null>;
  readonly child: ChildProcess;
  constructor(script: string, env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, script)], {
      cwd: projectRoot, env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (c: Buffer) => { this.output += c.toString(); });
    this.child.stderr!.on('data', (c: Buffer) => { this.output += c.toString(); });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }
  async waitFor(text: string | RegExp, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(typeof text === 'string' ? this.output.includes(text) : text.test(this.output))) {
      if (this.child.exitCode !== null) throw new Error(`exited with ${this.child.exitCode}:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`no "${String(text)}" after ${timeoutMs / 1000}s:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  get running(): boolean { return this.child.exitCode === null && this.child.signalCode === null; }
}

let t: TestDatabase;
let env: NodeJS.ProcessEnv;
let apiPort: number;
const procs: Proc[] = [];
const start = (script: string, extra: NodeJS.ProcessEnv = {}) => { const p = new Proc(script, { ...env, ...extra }); procs.push(p); return p; };
const api = (p: string, init?: RequestInit) => fetch(`http://127.0.0.1:${apiPort}${p}`, init);

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemoReferenceData(t.db);
  apiPort = await freePort();
  const suffix = randomBytes(4).toString('hex');
  env = {
    DATABASE_URL: t.url, TEMPORAL_ADDRESS: inject('temporalAddress'), PORT: String(apiPort), NODE_ENV: 'production',
    CASE_TASK_QUEUE: `cases-${suffix}`, TELEPHONY_TASK_QUEUE: `telephony-${suffix}`, SHUTDOWN_GRACE_SECONDS: '30',
  };
});
afterAll(async () => {
  for (const p of procs) if (p.running) p.child.kill('SIGKILL');
  await t?.drop();
});

describe('each process on its own, against external PostgreSQL and Temporal', () => {
  it('refuses to start without its external services, naming the variables', async () => {
    const p = start('api/main.ts', { DATABASE_URL: '', TEMPORAL_ADDRESS: '' });
    expect(await p.exited).toBe(78);
    expect(p.output).toMatch(/DATABASE_URL: required[\s\S]*TEMPORAL_ADDRESS: required/);
  });

  it('serves cases with one API and separately started workers; a stopping worker finishes its in-flight activity', async () => {
    const apiProc = start('api/main.ts');
    let caseWorker = start('activities/case-worker.ts');
    const telephony = start('telephony/worker.ts');
    await Promise.all([apiProc.waitFor('API listening'), caseWorker.waitFor('case-worker polling'), telephony.waitFor('telephony polling')]);
    // Production logs are JSON lines.
    expect(apiProc.output.split('\n').find((l) => l.includes('API listening'))).toMatch(/^\{".*"msg":"API listening/);
    expect((await api('/ready')).status).toBe(200);

    const opened = await api('/api/cases', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ municipalityId: 'milano', serviceCode: 'change-of-residence', channel: 'web', subject: 'Cambio di residenza', citizen: { email: 'a@example.org' } }),
    });
    expect(opened.status).toBe(201);
    const { id } = await opened.json() as { id: string };

    // Hold the case row so the resolution's read-model write stays in flight.
    const blocker = new pg.Client({ connectionString: t.url });
    await blocker.connect();
    await blocker.query('begin');
    await blocker.query('select id from cases where id = $1 for update', [id]);
    const resolving = api(`/api/cases/${id}/resolve`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"outcome":"resolved"}',
    });
    const waitingOnLock = async () => (await blocker.query(
      "select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()")).rows[0].n;
    await expect.poll(waitingOnLock, { timeout: 20_000 }).toBe(1);

    caseWorker.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1500));
    expect(caseWorker.running).toBe(true); // still finishing the activity
    await blocker.query('commit');
    await blocker.end();
    expect(await caseWorker.exited).toBe(0);
    const events = await t.db.selectFrom('case_events').select('type').where('case_id', '=', id).orderBy('seq').execute();
    expect(events.map((e) => e.type)).toEqual(['case.opened', 'case.resolved']);

    // A new replica picks the case up where the stopped one left it.
    caseWorker = start('activities/case-worker.ts');
    const answer = await resolving;
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ id, status: 'resolved' });
    await expect.poll(async () => (await t.db.selectFrom('case_events').select('type').where('case_id', '=', id).execute()).length, { timeout: 20_000 }).toBe(3);

    for (const p of [apiProc, caseWorker, telephony]) p.child.kill('SIGTERM');
    expect(await Promise.all([apiProc.exited, caseWorker.exited, telephony.exited])).toEqual([0, 0, 0]);
  });
});
