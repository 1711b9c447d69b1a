import type { FastifyInstance } from 'fastify';
import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseListQueries } from '../../db/cases.repository.ts';
import { taskListQueries } from '../../db/tasks.repository.ts';
import { buildTestApp, expectProblem, staffClient, type StaffClient, startTestApi, type TestApi, testApiKey } from '../helpers/app.ts';
import type { Db } from '../../db/connection.ts';
import type { Executor } from '../../db/database.ts';

/**
 * Large lists: a capped total in Content-Range, free text through the trigram index, the
 * simulator's case ids, and rate limits per caller. Rows are written with one INSERT … SELECT
 * generate_series: no workflow behind them is needed to list them.
 */
let api: TestApi;
let app: FastifyInstance;
let db: Db;
let operator: StaffClient;
beforeAll(async () => {
  api = await startTestApi({ workers: false });
  ({ app } = api);
  db = api.t.db;
  operator = await staffClient(app, db, { role: 'supervisor', municipalities: ['milano'] });
});
afterAll(() => api?.stop());

/**
 * `n` open Milan cases C-2031-<from…>, their subject `subject`, each with an open task of
 * mi-anagrafe. The read model's triggers (KPI rollups) are off for the insert: they cost
 * milliseconds a row, and no KPI is read here.
 */
const insertCases = (from: number, n: number, subject: string, slaState = 'on-track') =>
  db.connection().execute(async (c) => {
    await sql`set session_replication_role = replica`.execute(c);
    await insertRows(c, from, n, subject, slaState);
    await sql`reset session_replication_role`.execute(c);
  });

async function insertRows(db: Executor, from: number, n: number, subject: string, slaState: string) {
  await sql`
    insert into cases (id, municipality_id, service_code, channel, subject, description, citizen, status, stage,
                       created_at, updated_at, last_seq, definition_version, office_id)
    select 'C-2031-' || lpad(i::text, 6, '0'), 'milano', 'general-information', 'web', ${subject}, 'generato', '{}'::jsonb,
           'open', 'office', now() - i * interval '1 second', now(), 0, 1, 'mi-anagrafe'
    from generate_series(${from}::int, ${from + n - 1}::int) i`.execute(db);
  await sql`
    insert into tasks (id, case_id, office_id, status, warning_at, due_at, sla_state, escalated, created_at, updated_at, last_seq)
    select 'C-2031-' || lpad(i::text, 6, '0') || ':1', 'C-2031-' || lpad(i::text, 6, '0'), 'mi-anagrafe', 'open',
           now() + interval '1 day', now() + i * interval '1 minute', ${slaState}, false, now(), now(), 0
    from generate_series(${from}::int, ${from + n - 1}::int) i`.execute(db);
}

const list = (resource: string, filter: object, range = [0, 24]) =>
  operator.inject({
    url: `/api/${resource}?filter=${encodeURIComponent(JSON.stringify(filter))}&range=${encodeURIComponent(JSON.stringify(range))}`,
  });

describe('a large list counts up to a thousand', () => {
  beforeAll(() => insertCases(1, 1000, 'Cartella esattoriale'));

  it('is exact up to 1,000 rows, and says so', async () => {
    const res = await list('cases', { q: 'esattoriale' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toHaveLength(25);
    expect(res.headers['content-range']).toBe('cases 0-24/1000');
    expect(res.headers['x-total-exact']).toBe('true');
  });

  it('beyond, answers a lower bound: "more than 1,000", which react-admin still reads as a number', async () => {
    await insertCases(1001, 1, 'Cartella esattoriale');
    const cases = await list('cases', { q: 'esattoriale' });
    expect(cases.headers['content-range']).toBe('cases 0-24/1001');
    expect(cases.headers['x-total-exact']).toBe('false');
    // Pages beyond the thousandth row still come, newest first.
    const far = await list('cases', { q: 'esattoriale' }, [1000, 1024]);
    expect(far.json().map((c: { id: string }) => c.id)).toEqual(['C-2031-001001']);
    expect(far.headers['content-range']).toBe('cases 1000-1000/1001');
    const tasks = await list('tasks', { officeId: 'mi-anagrafe' });
    expect(tasks.headers['content-range']).toBe('tasks 0-24/1001');
    expect(tasks.headers['x-total-exact']).toBe('false');
    // A narrow filter is still counted exactly.
    const one = await list('cases', { q: 'C-2031-000007' });
    expect([one.headers['content-range'], one.headers['x-total-exact']]).toEqual(['cases 0-0/1', 'true']);
  });
});

/** The plan's node types and index names, for a query as the repository builds it. */
async function planOf(query: { sql: string; parameters: readonly unknown[] }): Promise<string> {
  // One connection, so that the setting applies to the EXPLAIN: a table of thousands of rows
  // would be read whole otherwise, which says nothing about ten million.
  return db.connection().execute(async (c) => {
    await sql`set enable_seqscan = off`.execute(c);
    const { rows } = await c.executeQuery<{ 'QUERY PLAN': unknown }>(
      CompiledQuery.raw(`explain (format json) ${query.sql}`, [...query.parameters]),
    );
    await sql`reset enable_seqscan`.execute(c);
    return JSON.stringify(rows[0]!['QUERY PLAN']);
  });
}

it('lets a page on an allowed origin read the total and whether it is exact', async () => {
  const withCors = await buildTestApp(db, api.w, { CORS_ORIGINS: 'https://portale.comune.milano.example' });
  try {
    const key = await testApiKey(db, 'operator', ['milano']);
    const res = await withCors.inject({
      url: '/api/cases',
      headers: { 'x-api-key': key.key, origin: 'https://portale.comune.milano.example' },
    });
    expect(res.statusCode).toBe(200);
    expect(String(res.headers['access-control-expose-headers']).toLowerCase().split(/,\s*/)).toEqual(
      expect.arrayContaining(['content-range', 'x-total-exact', 'retry-after']),
    );
  } finally {
    await withCors.close();
  }
});

describe('indexes behind the filters', () => {
  beforeAll(async () => {
    await insertCases(2001, 200, 'Buca in strada', 'breached');
    await insertCases(2201, 3, 'Passo carrabile');
    // Enough rows that reading the municipality's cases costs more than the index would.
    await insertCases(3001, 30_000, 'Lampione spento');
    // The planner's statistics, as autovacuum would gather them on a real table.
    await sql`analyze cases, tasks`.execute(db);
  });

  it('free text goes through the trigram index, matching or not', async () => {
    for (const q of ['carrabile', 'nessuna-corrispondenza']) {
      const queries = caseListQueries(db, ['milano'], { q }, ['createdAt', 'DESC'], { offset: 0, limit: 25 });
      expect(await planOf(queries.count.compile(db)), q).toContain('cases_text_trgm_idx');
    }
    expect((await list('cases', { q: 'nessuna-corrispondenza' })).headers['content-range']).toBe('cases */0');
  });

  it('a breached-SLA queue reads the open tasks by SLA state', async () => {
    const queries = taskListQueries(db, ['milano'], { slaState: 'breached' }, 'ASC', { offset: 0, limit: 25 });
    expect(await planOf(queries.count.compile(db))).toContain('tasks_open_sla_idx');
    const res = await list('tasks', { slaState: 'breached' });
    expect(res.json()[0]).toMatchObject({ slaState: 'breached', subject: 'Buca in strada' });
    expect([res.headers['content-range'], res.headers['x-total-exact']]).toEqual(['tasks 0-24/200', 'true']);
  });
});

describe("the simulator's cases", () => {
  it('open from the list that shows them', async () => {
    const id = 'SIM-milano-20250106s3-1a2';
    await sql`
      insert into cases (id, municipality_id, service_code, channel, subject, description, citizen, status, stage,
                         created_at, updated_at, last_seq, definition_version)
      values (${id}, 'milano', 'general-information', 'phone', 'Simulato', '', '{}'::jsonb, 'open', 'intake', now(), now(), 0, 1)`.execute(
      db,
    );
    const listed = await list('cases', { q: 'Simulato' });
    expect(listed.json().map((c: { id: string }) => c.id)).toEqual([id]);
    const detail = await operator.inject({ url: `/api/cases/${id}` });
    expect(detail.statusCode, detail.body).toBe(200);
    expect(detail.json()).toMatchObject({ id, subject: 'Simulato' });
    expectProblem(await operator.inject({ url: `/api/cases/SIM-milano'` }), 400, ['params.id']);
  });
});

describe('rate limits per caller', () => {
  let limited: FastifyInstance;
  beforeAll(async () => {
    limited = await buildTestApp(db, api.w, { RATE_LIMIT_PER_MINUTE: '3' });
  });
  afterAll(() => limited?.close());

  const get = (headers: Record<string, string>, remoteAddress = '10.1.2.3') =>
    limited.inject({ url: '/api/municipalities', headers, remoteAddress });

  it('counts each staff member on their own, though a front office shares one address', async () => {
    const anna = await staffClient(limited, db, { role: 'operator', municipalities: ['milano'] });
    const marco = await staffClient(limited, db, { role: 'operator', municipalities: ['milano'] });
    const annaGet = () => anna.inject({ url: '/api/municipalities', remoteAddress: '10.1.2.3' });
    for (let i = 0; i < 3; i++) expect((await annaGet()).statusCode).toBe(200);
    const refused = await annaGet();
    const problem = expectProblem(refused, 429);
    expect(problem.type).toBe('urn:sportello:problem:too_many_requests');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // Marco, behind the same NAT address, is not held back by Anna's requests.
    expect((await marco.inject({ url: '/api/municipalities', remoteAddress: '10.1.2.3' })).statusCode).toBe(200);
  });

  it('gives an API key its own limit when it has one, and the default otherwise', async () => {
    const portal = await testApiKey(db, 'operator', ['milano']);
    await db.updateTable('api_keys').set({ rate_limit_per_minute: 6 }).where('id', '=', portal.id).execute();
    const plain = await testApiKey(db, 'operator', ['milano']);
    const statuses = async (key: string, n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push((await get({ 'x-api-key': key })).statusCode);
      return out;
    };
    expect(await statuses(portal.key, 7)).toEqual([200, 200, 200, 200, 200, 200, 429]);
    expect(await statuses(plain.key, 4)).toEqual([200, 200, 200, 429]);
  });

  it('counts anonymous requests (public routes) by address', async () => {
    // Logging out without a session: a public route.
    const anonymous = (remoteAddress: string) => limited.inject({ method: 'DELETE', url: '/api/session', remoteAddress });
    const first = (await anonymous('10.9.9.9')).statusCode;
    expect(first).toBeLessThan(300);
    for (let i = 0; i < 2; i++) expect((await anonymous('10.9.9.9')).statusCode).toBe(first);
    expectProblem(await anonymous('10.9.9.9'), 429);
    expect((await anonymous('10.9.9.10')).statusCode).toBe(first);
  });

  it('lets an administrator give a new key its own limit, shown with the key', async () => {
    const admin = await staffClient(app, db, { role: 'admin', municipalities: ['milano'] });
    const created = await admin.inject({
      method: 'POST',
      url: '/api/api-keys',
      payload: { name: 'Portale cittadino', role: 'operator', municipalities: ['milano'], rateLimitPerMinute: 6000 },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ rateLimitPerMinute: 6000 });
    const listed = (await admin.inject({ url: '/api/api-keys' })).json();
    expect(listed.find((k: { id: string }) => k.id === created.json().id)).toMatchObject({ rateLimitPerMinute: 6000 });
    expectProblem(
      await admin.inject({
        method: 'POST',
        url: '/api/api-keys',
        payload: { name: 'Zero', role: 'operator', municipalities: ['milano'], rateLimitPerMinute: 0 },
      }),
      400,
      ['body.rateLimitPerMinute'],
    );
  });
});
