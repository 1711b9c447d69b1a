import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPassword } from '../../catalog/demo.ts';
import { resolveTemporalCli } from '../../platform/tools.ts';
import { type ApiFetch, logIn } from '../../scripts/api-session.ts';
import {
  type NodeScript,
  platformDatabaseUrl,
  type PlatformPorts,
  platformReady,
  startPlatform,
  startRunningPlatform,
} from '../helpers/platform.ts';

let env: NodeJS.ProcessEnv;
let ports: PlatformPorts;
let dataDir: string;
let run: NodeScript;
const runs: NodeScript[] = [];
const api = (p: string) => `http://127.0.0.1:${ports.api}${p}`;
const startRun = (extra: NodeJS.ProcessEnv = {}) => {
  const r = startPlatform({ ...env, ...extra });
  runs.push(r);
  return r;
};

async function sql<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: platformDatabaseUrl(dataDir, ports.postgres) });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** The demo administrator's session (it serves both demo cities); a restart keeps it valid. */
let admin: ApiFetch;
const asAdmin = async () => (admin ??= await logIn(api(''), 'admin@sportello.example', demoPassword));

async function openCase(subject: string) {
  const res = await (
    await asAdmin()
  )('/api/cases', {
    method: 'POST',
    body: JSON.stringify({
      municipalityId: 'milano',
      serviceCode: 'general-information',
      channel: 'phone',
      subject,
      citizen: { phone: '+393401234567' },
      details: { topic: 'tributi' },
    }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; status: string };
}

// What these tests wait for (a restart, a workflow's next steps, an orderly stop) takes seconds here
// and minutes on a loaded machine: they poll for it, and the limits only catch a hang.
const hang = 300_000;

async function eventually<T>(probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = hang / 2): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Intakes kept going by a few clients at once, as operators would while a server dies: each repeats
 * its request with the same idempotency key until it is answered, then opens the next one.
 */
// Bounded below the rate limit per staff member (1,200 a minute) with the test's own requests.
function intakeLoad(tag: string, clients = 3) {
  let stopping = false;
  const answered = new Map<string, string>();
  const unexpected: string[] = [];
  const client = async (n: number) => {
    for (let i = 0; !stopping; i++) {
      const key = `${tag}-${n}-${i}`;
      for (;;) {
        const res = await (
          await asAdmin()
        )('/api/cases', {
          method: 'POST',
          headers: { 'idempotency-key': key },
          body: JSON.stringify({
            municipalityId: 'milano',
            serviceCode: 'general-information',
            channel: 'phone',
            subject: `Carico ${key}`,
            citizen: { phone: '+393401234567' },
            details: { topic: 'tributi' },
          }),
        }).catch((e: Error) => e);
        await new Promise((r) => setTimeout(r, 300));
        if (res instanceof Error) unexpected.push(`${key}: ${res.message}`);
        else if (res.ok) {
          answered.set(key, ((await res.json()) as { id: string }).id);
          break;
        } else if (res.status !== 503) unexpected.push(`${key}: ${res.status} ${await res.text()}`);
        else await res.arrayBuffer();
      }
    }
  };
  const running = Promise.all(Array.from({ length: clients }, (_, n) => client(n)));
  return {
    answered,
    /** Lets each client finish the request it is repeating, and gives what they saw. */
    stop: async () => {
      stopping = true;
      await running;
      return { answered, unexpected };
    },
  };
}

/** Processes of a run: its servers name the data directory on their command line, its Node processes in DATA_DIR. */
function processesOf(dir: string): string[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .flatMap((pid) => {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
        const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
        return cmd.includes(dir) || environ.includes(`DATA_DIR=${dir}`) ? [cmd] : [];
      } catch {
        return [];
      }
    });
}

beforeAll(async () => {
  // A generous grace, so that Ctrl-C on a loaded machine is still an orderly stop, not a kill.
  ({ run, env, ports, dataDir } = await startRunningPlatform({
    DEMO_HISTORY_MONTHS: '2',
    DEMO_HISTORY_SCALE: '0.001',
    SHUTDOWN_GRACE_SECONDS: '120',
  }));
  runs.push(run);
});
afterAll(async () => {
  for (const r of runs) await r.stop('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
});

describe.sequential('the platform, started as a user starts it', { timeout: hang }, () => {
  it('prints where everything is', () => {
    expect(run.output).toContain(`console       http://127.0.0.1:${ports.api}/admin/`);
    expect(run.output).toContain(`API docs      http://127.0.0.1:${ports.api}/docs`);
    // The dev server's web UI would show every workflow's inputs to anyone on the host: off unless asked for.
    expect(run.output).toContain('Temporal UI   off (TEMPORAL_DEV_UI=true turns it on');
    expect(run.output).toMatch(
      /PostgreSQL {4}postgres:\/\/sportello@127\.0\.0\.1:\d+\/sportello \(passwords in .*postgres\.credentials\.json\)/,
    );
    // Each process's lines carry its name.
    expect(run.output).toMatch(/^sportello\s+\| migration 2026_11_24_0700_foundation: applied$/m);
  });

  it('keeps its database closed: generated passwords readable by its user only, the application no superuser', async () => {
    const file = path.join(dataDir, 'postgres.credentials.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const legacy = new pg.Client({ connectionString: `postgres://postgres:sportello@127.0.0.1:${ports.postgres}/postgres` });
    await expect(legacy.connect()).rejects.toThrow(/password authentication failed/);
    const [me] = await sql<{ rolsuper: boolean; rolcreaterole: boolean; rolcreatedb: boolean }>(
      'select rolsuper, rolcreaterole, rolcreatedb from pg_roles where rolname = current_user',
    );
    expect(me).toEqual({ rolsuper: false, rolcreaterole: false, rolcreatedb: false });
    await expect(sql('select * from pg_authid')).rejects.toThrow(/permission denied/);
    await expect(sql("copy (select 1) to program 'true'")).rejects.toThrow(/permission denied|must be superuser/);
    // The tables the platform made are its own.
    expect(await sql("select tablename from pg_tables where schemaname = 'public' and tableowner <> 'sportello'")).toEqual([]);
  });

  it('serves the console, the API docs and readiness', async () => {
    expect((await fetch(api('/ready'))).status).toBe(200);
    const consolePage = await fetch(api('/admin/'));
    expect(consolePage.status).toBe(200);
    expect(await consolePage.text()).toContain('<div id="root">');
    expect((await fetch(api('/docs'))).status).toBe(200);
  });

  it('seeded the demo data once', async () => {
    expect(await sql('select id from municipalities order by id')).toEqual([{ id: 'firenze' }, { id: 'milano' }]);
    const roles = await sql<{ role: string }>('select distinct role from staff_users order by role');
    expect(roles.map((r) => r.role)).toEqual(['admin', 'auditor', 'backoffice', 'designer', 'operator', 'supervisor']);
    const demo = await (await asAdmin())(`/api/cases?filter=${encodeURIComponent(JSON.stringify({ q: 'Rimborso TARI 2025' }))}`);
    expect(await demo.json()).toMatchObject([{ subject: 'Rimborso TARI 2025 pagata due volte' }]);
    // Two months of simulated history, every case of it closed.
    expect(run.output).toMatch(/demo history: \d+ simulated calls and \d+ cases over 2 months/);
    const [history] = await sql<{ calls: number; open: number }>(
      "select (select count(*)::int from calls where id like 'sim-%') as calls, (select count(*)::int from cases where id like 'SIM-%' and status = 'open') as open",
    );
    expect(history!.calls).toBeGreaterThan(50);
    expect(history!.open).toBe(0);
  });

  it('refuses a second start on the same data directory, leaving the first untouched', async () => {
    const second = startRun();
    expect(await second.exited).toBe(1);
    expect(second.output).toMatch(/Sportello is already running from .* \(supervisor pid \d+/);
    expect((await fetch(api('/ready'))).status).toBe(200);
  });

  it('opens and resolves a case over HTTP; PostgreSQL and Temporal both show it resolved', async () => {
    const opened = await openCase('Scadenza della seconda rata TARI');
    const resolved = await (
      await asAdmin()
    )(`/api/cases/${opened.id}/resolve`, {
      method: 'POST',
      body: JSON.stringify({ outcome: 'resolved', note: 'Rimborso disposto' }),
    });
    expect(resolved.status).toBe(200);
    // The citizen is informed and asked for feedback; the case waits for the answer.
    const events = await eventually(
      () => sql<{ type: string }>('select type from case_events where case_id = $1 order by seq', [opened.id]),
      (rows) => rows.length === 5,
    );
    expect(events.map((e) => e.type)).toEqual(['case.opened', 'citizen.acknowledged', 'case.resolved', 'citizen.notified', 'survey.sent']);
    expect(await sql('select status, outcome from cases where id = $1', [opened.id])).toEqual([
      { status: 'resolved', outcome: 'resolved' },
    ]);

    const listed = execFileSync(
      resolveTemporalCli(process.env.TEMPORAL_CLI),
      [
        'workflow',
        'list',
        '--address',
        `127.0.0.1:${ports.temporal}`,
        '--output',
        'json',
        '--query',
        `WorkflowId = '${opened.id}' AND CaseStatus = 'resolved' AND CaseStage = 'survey' AND CaseMunicipality = 'milano'`,
      ],
      { encoding: 'utf8' },
    );
    const workflows = JSON.parse(listed) as { execution: { workflowId: string } }[];
    expect(workflows.map((w) => w.execution.workflowId)).toEqual([opened.id]);
  });

  it('loses no case when killed with SIGKILL, and finishes the cases that were in flight', async () => {
    const inFlight = await openCase('Pratica aperta prima del crash');
    run.child.kill('SIGKILL');
    await run.exited;

    run = startRun();
    await platformReady(run);
    expect(run.output).toMatch(/previous run ended without stopping/);
    const after = (await (await (await asAdmin())(`/api/cases/${inFlight.id}`)).json()) as { status: string };
    expect(after.status).toBe('open');
    const resolved = await (
      await asAdmin()
    )(`/api/cases/${inFlight.id}/resolve`, {
      method: 'POST',
      body: JSON.stringify({ outcome: 'redirected' }),
    });
    expect(resolved.status).toBe(200);
    const events = await eventually(
      () => sql<{ type: string }>('select type from case_events where case_id = $1 order by seq', [inFlight.id]),
      (rows) => rows.length === 5,
    );
    expect(events.map((e) => e.type)).toEqual(['case.opened', 'citizen.acknowledged', 'case.resolved', 'citizen.notified', 'survey.sent']);
    // The demo cases were not opened a second time.
    expect(await sql("select count(*)::int as n from cases where id not like 'SIM-%'")).toEqual([{ n: 6 }]);
  });

  it('survives its own PostgreSQL and Temporal dying: 503 meanwhile, never 500, and carries on by itself', async () => {
    const serverPid = (name: RegExp) =>
      Number(
        readdirSync('/proc').find((pid) => {
          try {
            return name.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '));
          } catch {
            return false;
          }
        }),
      );
    const list = async () => {
      const res = await (await asAdmin())('/api/cases?range=[0,0]');
      return { status: res.status, retryAfter: res.headers.get('retry-after'), type: res.headers.get('content-type') };
    };
    const postgres = serverPid(new RegExp(`^\\S*postgres -D ${dataDir}/postgres `));
    expect(postgres).toBeGreaterThan(0);
    const load = intakeLoad('guasti');
    await eventually(
      async () => load.answered.size,
      (n) => n >= 3,
    );
    process.kill(postgres, 'SIGKILL');
    const seen: Awaited<ReturnType<typeof list>>[] = [];
    // Until it has been seen failing and then serving again.
    await eventually(
      async () => {
        seen.push(await list());
        return seen;
      },
      (s) => s.some((r) => r.status !== 200) && s.at(-1)!.status === 200,
    );
    const failures = seen.filter((r) => r.status !== 200);
    expect(failures.length).toBeGreaterThan(0);
    for (const f of failures)
      expect(f).toEqual({ status: 503, retryAfter: '5', type: expect.stringMatching(/^application\/problem\+json/) });
    expect(run.output).toMatch(/PostgreSQL exited \(SIGKILL\): starting it again/);
    // The API may serve again before the supervisor's own check of the restarted server has said so.
    await run.waitFor('PostgreSQL is back', { timeoutMs: hang / 2 });

    const temporal = serverPid(new RegExp(`temporal server start-dev .*${dataDir}/temporal\\.db`));
    expect(temporal).toBeGreaterThan(0);
    process.kill(temporal, 'SIGKILL');
    // Opened while Temporal is away or coming back: the same key repeated until it is answered.
    const intake = {
      municipalityId: 'milano',
      serviceCode: 'general-information',
      channel: 'phone',
      subject: 'Aperta mentre Temporal ripartiva',
      citizen: { phone: '+393401234567' },
      details: { topic: 'tributi' },
    };
    const statuses: number[] = [];
    const opened = await eventually(
      async () => {
        const res = await (
          await asAdmin()
        )('/api/cases', {
          method: 'POST',
          headers: { 'idempotency-key': 'while-temporal-restarts' },
          body: JSON.stringify(intake),
        });
        statuses.push(res.status);
        return res.ok ? ((await res.json()) as { id: string }) : null;
      },
      (c) => c !== null,
    );
    expect(statuses.filter((s) => s !== 201 && s !== 200 && s !== 503)).toEqual([]);
    // The case may open before the supervisor's own check of the restarted server has said so.
    await run.waitFor('Temporal is back', { timeoutMs: hang / 2 });
    const events = await eventually(
      () => sql<{ type: string }>('select type from case_events where case_id = $1 order by seq', [opened!.id]),
      (rows) => rows.length > 0,
    );
    expect(events[0]!.type).toBe('case.opened');
    // Ready again once the case workers poll the restarted server again (they reconnect by themselves).
    expect(
      await eventually(
        async () => (await fetch(api('/ready'))).status,
        (status) => status === 200,
      ),
    ).toBe(200);

    // The intakes made under load through both deaths: each answered once, none lost, none twice.
    const before = load.answered.size;
    await eventually(
      async () => load.answered.size,
      (n) => n >= before + 3,
    );
    // The clients never pause more than a moment: their requests met both outages (answered 503,
    // or held until the server was back).
    const { answered, unexpected } = await load.stop();
    expect(unexpected).toEqual([]);
    const ids = [...answered.values()];
    expect(new Set(ids).size).toBe(ids.length);
    const stored = await eventually(
      () => sql<{ id: string; subject: string }>("select id, subject from cases where subject like 'Carico guasti-%'"),
      (rows) => rows.length >= ids.length,
    );
    expect(new Map(stored.map((r) => [r.subject.slice('Carico '.length), r.id]))).toEqual(answered);
    // Neither the API nor a worker had to be restarted for it.
    expect(run.output).not.toMatch(/^(api|case-worker)\s+\| exited/m);
  });

  it('stops cleanly on Ctrl-C, leaving no process and no lock behind', async () => {
    expect(await run.stop('SIGINT')).toBe(0);
    expect(run.output).not.toMatch(/did not stop within/);
    expect(run.output).toMatch(/^sportello\s+\| stopped$/m);
    expect(existsSync(path.join(dataDir, 'sportello.lock'))).toBe(false);
    expect(processesOf(dataDir)).toEqual([]);
  });
});

describe('configuration errors', () => {
  it('stop start-up with a message naming the variable', async () => {
    const bad = startRun({ PORT: 'eighty', DATA_DIR: path.join(dataDir, 'never') });
    expect(await bad.exited).toBe(78);
    expect(bad.output).toMatch(/Invalid configuration:\n\s+PORT: /);
    expect(existsSync(path.join(dataDir, 'never'))).toBe(false);
  });
});
