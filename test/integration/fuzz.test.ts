import { auditKeys } from '../../platform/audit-keys.ts';
import { sealAll } from '../../services/audit-sealer.ts';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffClient, type StaffClient, startTestApi, type TestApi } from '../helpers/app.ts';
import type { TestDatabase } from '../helpers/db.ts';

/**
 * Malformed input to every /api route, as an administrator (the role every route lets through to
 * its validation): whatever arrives, the answer is never a 5xx and nothing is written.
 */
let t: TestDatabase;
let api: TestApi;
let app: FastifyInstance;
let admin: StaffClient;
beforeAll(async () => {
  api = await startTestApi();
  ({ t, app } = api);
  await app.ready();
  admin = await staffClient(app, t.db, { role: 'admin', municipalities: ['milano', 'firenze'] });
});
afterAll(() => api?.stop());

/** Rows in every table of the schema: any write shows as a change. */
async function footprint(): Promise<Record<string, number>> {
  const tables = await sql<{
    name: string;
  }>`select tablename as name from pg_tables where schemaname = 'public' and tablename not like 'kysely_%'`.execute(t.db);
  const counts = await Promise.all(
    tables.rows.map(
      async ({ name }) =>
        [name, (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(name)}`.execute(t.db)).rows[0]!.n] as const,
    ),
  );
  return Object.fromEntries(counts);
}

// Path segments and query values that are wrong in every way: empty, huge, unicode, traversal, SQL, JSON.
const segment = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.constantFrom('', '..', '%00', "1' or '1'='1", 'C-2026-', 'C-9999-999999', '{}', '[]', 'null', '-1', '1e309', '😀'),
  fc.integer().map(String),
);
const queryValue = fc.oneof(
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 200 }),
  fc.constantFrom('[0,99999]', '["x","UP"]', '{"__proto__":{"x":1}}', '[', ''),
);
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 500 }),
  fc.constantFrom(
    '{',
    '{"a":',
    'null',
    '[]',
    '{"__proto__":{"polluted":true}}',
    '{"constructor":{"prototype":{}}}',
    `"${'x'.repeat(10_000)}"`,
  ),
);

describe('fuzzing every route', () => {
  it('answers malformed ids, queries and bodies without a 5xx and without writing', async () => {
    // The session's own routes take no input to get wrong (and logging out would end this test's session).
    // Open311's routes answer in GeoReport's own error shape, not problem+json: their tests cover them.
    const routes = app.routeAccess.filter((r) => r.url !== '/api/session' && r.url.startsWith('/api'));
    expect(routes.length).toBeGreaterThan(40);
    // The audit sealer seals what setting up wrote (the log-in) before the count, not during it.
    await sealAll(t.db, auditKeys({ DATA_DIR: api.dataDir }));
    const before = await footprint();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.array(segment, { minLength: 3, maxLength: 3 }),
        fc.dictionary(fc.constantFrom('filter', 'range', 'sort', 'q', 'phone', 'from', 'to', 'x'), queryValue),
        body,
        async (route, segments, query, payload) => {
          let i = 0;
          const url = route.url.replace(/:[A-Za-z]+/g, () => encodeURIComponent(segments[i++]!));
          const qs = new URLSearchParams(query).toString();
          const res = await admin.inject({
            method: route.method as 'GET',
            url: qs ? `${url}?${qs}` : url,
            ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload, headers: { 'content-type': 'application/json' } }),
          });
          const seen = `${route.method} ${url}?${qs} ${payload.slice(0, 200)} → ${res.body.slice(0, 300)}`;
          expect(res.statusCode, seen).toBeLessThan(500);
          // Webhooks authenticate their caller by a token or secret, not the session: without it, 401 is the answer.
          const webhooks = ['/api/cti/:lineId', '/api/notifications/sms/reports'];
          if (!webhooks.includes(route.url)) expect(res.statusCode, seen).not.toBe(401);
          if (res.statusCode >= 400) expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        },
      ),
      { numRuns: 1500, seed: Number(process.env.FUZZ_SEED ?? 20261125) },
    );
    expect(await footprint()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
