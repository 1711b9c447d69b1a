import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPassword } from '../../catalog/demo.ts';
import { auditKeys } from '../../platform/audit-keys.ts';
import { sealAll } from '../../services/audit-sealer.ts';
import { verifyInclusion } from '../../platform/merkle.ts';
import { buildTestApp, expectProblem, staffClient, type StaffClient, startTestApi, type TestApi } from '../helpers/app.ts';
import type { TestDatabase } from '../helpers/db.ts';

let t: TestDatabase;
let api: TestApi;
let app: FastifyInstance;
let milanOperator: StaffClient;
let florenceOperator: StaffClient;
let admin: StaffClient;
let auditor: StaffClient;
beforeAll(async () => {
  api = await startTestApi({ env: { LOGIN_ATTEMPTS_PER_MINUTE: '3' } });
  ({ t, app } = api);
  milanOperator = await staffClient(app, t.db, { role: 'operator', municipalities: ['milano'] });
  florenceOperator = await staffClient(app, t.db, { role: 'operator', municipalities: ['firenze'] });
  admin = await staffClient(app, t.db, { role: 'admin', municipalities: ['milano'] });
  auditor = await staffClient(app, t.db, { role: 'auditor', municipalities: ['milano', 'firenze'] });
});
afterAll(() => api?.stop());

const potholeIntake = {
  municipalityId: 'milano',
  serviceCode: 'pothole-report',
  channel: 'phone',
  subject: 'Buca in viale Monza 40',
  citizen: { phone: '+393401112233' },
  details: { address: 'Viale Monza 40', danger: false },
};
async function openMilanCase(client = milanOperator): Promise<string> {
  const res = await client.inject({ method: 'POST', url: '/api/cases', payload: potholeIntake });
  expect(res.statusCode).toBe(201);
  return res.json().id;
}
const login = (email: string, password: string, headers: Record<string, string> = {}, remoteAddress = '127.0.0.1') =>
  app.inject({ method: 'POST', url: '/api/session', payload: { email, password }, headers, remoteAddress });

describe('sessions', () => {
  it('lets a demo user in with a httpOnly, SameSite cookie and tells who it is', async () => {
    const res = await login('giulia.rossi@020202.example', demoPassword);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      user: { id: 'giulia.operatrice', displayName: 'Giulia Rossi', role: 'operator', officeId: null, municipalities: ['milano'] },
      csrfToken: expect.any(String),
      temporalUiUrl: null,
    });
    const cookie = res.cookies.find((c) => c.name === 'sportello_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', secure: true, path: '/' });
    const me = await app.inject({ url: '/api/session', headers: { cookie: `sportello_session=${cookie.value}` } });
    expect(me.json().user.id).toBe('giulia.operatrice');

    // Logged out, the cookie opens nothing.
    await app.inject({ method: 'DELETE', url: '/api/session', headers: { cookie: `sportello_session=${cookie.value}` } });
    expect((await app.inject({ url: '/api/cases', headers: { cookie: `sportello_session=${cookie.value}` } })).statusCode).toBe(401);
    const trail = await t.db
      .selectFrom('audit_log')
      .select(['action', 'role', 'chain'])
      .where('actor', '=', 'giulia.operatrice')
      .orderBy('id')
      .execute();
    // In the chain of her municipality, which its auditors read.
    expect(trail).toEqual([
      { action: 'session.login', role: 'operator', chain: 'milano' },
      { action: 'session.logout', role: null, chain: 'milano' },
    ]);
  });

  it('marks the cookie Secure under every NODE_ENV, unless turned off on purpose', async () => {
    for (const [env, secure] of [
      [{ NODE_ENV: 'development' }, true],
      [{ NODE_ENV: 'development', SESSION_COOKIE_SECURE: 'false' }, false],
    ] as const) {
      const other = await buildTestApp(t.db, api.w, env);
      try {
        const res = await other.inject({
          method: 'POST',
          url: '/api/session',
          payload: { email: 'giulia.rossi@020202.example', password: demoPassword },
        });
        expect(res.cookies.find((c) => c.name === 'sportello_session')?.secure ?? false).toBe(secure);
      } finally {
        await other.close();
      }
    }
  });

  it("tells the console where the Temporal UI shows a case's workflow, when one is configured", async () => {
    const withUi = await buildTestApp(t.db, api.w, { TEMPORAL_UI_URL: 'https://temporal.example/', TEMPORAL_NAMESPACE: 'sportello' });
    try {
      const someone = await staffClient(withUi, t.db, { role: 'auditor', municipalities: ['milano'] });
      expect((await someone.inject({ url: '/api/session' })).json().temporalUiUrl).toBe(
        'https://temporal.example/namespaces/sportello/workflows',
      );
    } finally {
      await withUi.close();
    }
  });

  it('refuses wrong passwords and unknown accounts alike, audits them without what was typed', async () => {
    const wrong = await login('paolo.greco@020202.example', 'not the password', {}, '192.0.2.8');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ status: 401, detail: 'wrong e-mail or password' });
    expect((await login('nobody@example.org', 'whatever', {}, '192.0.2.9')).json().detail).toBe('wrong e-mail or password');
    const failures = await t.db
      .selectFrom('audit_log')
      .select(['actor', 'action', 'target_id', 'chain'])
      .where('action', '=', 'session.login-failed')
      .orderBy('id')
      .execute();
    expect(failures).toEqual([
      { actor: 'paolo.supervisore', action: 'session.login-failed', target_id: 'paolo.supervisore', chain: 'milano' },
      { actor: 'unknown', action: 'session.login-failed', target_id: 'unknown', chain: '*' },
    ]);
    expect(JSON.stringify(await t.db.selectFrom('audit_log').selectAll().execute())).not.toContain('nobody@example.org');
  });

  // This app allows three failed log-ins a minute per account and per address.
  it('slows down one password sprayed over many accounts from one address', async () => {
    const from = '198.51.100.7';
    for (const email of ['a@x.example', 'b@x.example', 'c@x.example'])
      expect((await login(email, 'Spring2026!', {}, from)).statusCode).toBe(401);
    const limited = await login('paolo.greco@020202.example', demoPassword, {}, from);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
  });

  it('slows down guessing one account from many addresses, and lets the others in', async () => {
    for (const [i, from] of ['203.0.113.1', '203.0.113.2', '203.0.113.3'].entries())
      expect((await login('sara.conti@comune.fi.example', `guess ${i}`, {}, from)).statusCode).toBe(401);
    expect((await login('sara.conti@comune.fi.example', demoPassword, {}, '203.0.113.4')).statusCode).toBe(429);
    // Another account from the same address is not locked out.
    expect((await login('anna.marino@comune.milano.example', demoPassword, {}, '203.0.113.3')).statusCode).toBe(200);
  });

  it("keeps a platform administrator's log-ins in the '*' chain, a shared front office's in each municipality's", async () => {
    expect((await login('admin@sportello.example', demoPassword, {}, '192.0.2.50')).statusCode).toBe(200);
    const chainsOf = async (actor: string) =>
      (await t.db.selectFrom('audit_log').select('chain').where('actor', '=', actor).where('action', '=', 'session.login').execute()).map(
        (r) => r.chain,
      );
    expect(await chainsOf('admin')).toEqual(['*']);
    const both = await staffClient(app, t.db, { role: 'operator', municipalities: ['milano', 'firenze'] });
    expect((await chainsOf(both.id)).sort()).toEqual(['firenze', 'milano']);
  });

  it('counts no successful log-in: a whole front office behind one address logs in', async () => {
    const people = ['giulia.rossi@020202.example', 'paolo.greco@020202.example', 'marco.colombo@comune.milano.example'];
    for (const email of [...people, ...people]) expect((await login(email, demoPassword, {}, '192.0.2.200')).statusCode).toBe(200);
  });

  it('refuses a disabled account', async () => {
    await t.db.updateTable('staff_users').set({ disabled_at: new Date() }).where('id', '=', 'lorenzo.operatore').execute();
    expect((await login('lorenzo.bianchi@055055.example', demoPassword)).statusCode).toBe(401);
  });

  it('needs the CSRF token for changes made with a session cookie', async () => {
    const res = await login('elena.ricci@comune.milano.example', demoPassword);
    const cookie = `sportello_session=${res.cookies.find((c) => c.name === 'sportello_session')!.value}`;
    const forged = await app.inject({ method: 'POST', url: '/api/cases', payload: potholeIntake, headers: { cookie } });
    expect(forged.statusCode).toBe(403);
    expect(forged.json().detail).toMatch(/CSRF/);
    const wrongToken = await app.inject({
      method: 'POST',
      url: '/api/cases',
      payload: potholeIntake,
      headers: { cookie, 'x-csrf-token': 'x'.repeat(43) },
    });
    expect(wrongToken.statusCode).toBe(403);
  });
});

describe('roles and municipalities', () => {
  it('answers 401 without credentials and 403 for a role the route does not allow', async () => {
    const anonymous = await app.inject({ url: '/api/cases' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['content-type']).toMatch(/^application\/problem\+json/);
    const designer = await staffClient(app, t.db, { role: 'designer', municipalities: ['milano'] });
    const refused = await designer.inject({ method: 'POST', url: '/api/cases', payload: potholeIntake });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().detail).toBe('the designer role may not POST /api/cases');
  });

  it("never shows another municipality's case: absent from lists, 404 by id, 403 to open one there", async () => {
    const id = await openMilanCase();
    const list = (await florenceOperator.inject({ url: '/api/cases?range=[0,999]' })).json() as { id: string; municipalityId: string }[];
    expect(list.every((c) => c.municipalityId === 'firenze')).toBe(true);
    expect((await florenceOperator.inject({ url: '/api/cases?filter={"municipalityId":"milano"}' })).json()).toEqual([]);
    const byId = await florenceOperator.inject({ url: `/api/cases/${id}` });
    expect(byId.statusCode).toBe(404);
    expect(byId.json().detail).toBe(`case ${id} was not found`);
    expect((await florenceOperator.inject({ method: 'POST', url: `/api/cases/${id}/transfer`, payload: {} })).statusCode).toBe(404);
    const elsewhere = await florenceOperator.inject({ method: 'POST', url: '/api/cases', payload: potholeIntake });
    expect(elsewhere.statusCode).toBe(403);
    expect(elsewhere.json().errors).toEqual([{ path: 'body.municipalityId', message: 'not one of firenze' }]);
    expect((await florenceOperator.inject({ url: '/api/municipalities' })).json().map((m: { id: string }) => m.id)).toEqual(['firenze']);
  });
});

describe('office tasks', () => {
  it("gives each office its own queue, most urgent first, and lets only the office's staff claim", async () => {
    const first = await openMilanCase();
    const second = await openMilanCase();
    for (const id of [first, second]) await milanOperator.inject({ method: 'POST', url: `/api/cases/${id}/transfer`, payload: {} });
    const roads = await staffClient(app, t.db, { role: 'backoffice', municipalities: ['milano'], officeId: 'mi-strade' });
    const taxes = await staffClient(app, t.db, { role: 'backoffice', municipalities: ['milano'], officeId: 'mi-tributi' });

    const queue = (await roads.inject({ url: '/api/tasks' })).json() as { id: string; caseId: string; dueAt: string; officeId: string }[];
    expect(queue.map((q) => q.caseId)).toEqual(expect.arrayContaining([first, second]));
    expect(queue.every((q) => q.officeId === 'mi-strade')).toBe(true);
    expect(queue.map((q) => q.dueAt)).toEqual(queue.map((q) => q.dueAt).sort());
    // Another office's staff see an empty queue, even when asking for the roads office's.
    expect((await taxes.inject({ url: '/api/tasks?filter={"officeId":"mi-strade"}' })).json()).toEqual([]);
    // Escalated by the SLA timer (set on the projection here): the supervisors' list of escalations.
    await t.db.updateTable('tasks').set({ sla_state: 'breached', escalated: true }).where('case_id', '=', second).execute();
    const supervisor = await staffClient(app, t.db, { role: 'supervisor', municipalities: ['milano'] });
    expect(
      (await supervisor.inject({ url: '/api/tasks?filter={"escalated":true}' })).json().map((q: { caseId: string }) => q.caseId),
    ).toEqual([second]);
    expect((await supervisor.inject({ url: '/api/tasks?filter={"escalated":"yes"}' })).statusCode).toBe(400);
    const notTheirs = await taxes.inject({ method: 'POST', url: `/api/tasks/${first}:1/claim`, payload: {} });
    expect(notTheirs.statusCode).toBe(409);
    expect(notTheirs.json().detail).toBe('the task belongs to office mi-strade');

    expect((await roads.inject({ method: 'POST', url: `/api/tasks/${first}:1/claim`, payload: {} })).statusCode).toBe(200);
    expect((await roads.inject({ url: '/api/tasks?filter={"mine":true}' })).json().map((q: { caseId: string }) => q.caseId)).toEqual([
      first,
    ]);
    const done = await roads.inject({
      method: 'POST',
      url: `/api/tasks/${first}:1/complete`,
      payload: { answer: 'Buca chiusa il 25/11', outcome: 'resolved' },
    });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ id: first, status: 'resolved', outcome: 'resolved' });

    // A task handed to an office of another city, or to none, is refused before the workflow sees it.
    const elsewhere = await roads.inject({ method: 'POST', url: `/api/tasks/${second}:1/reassign`, payload: { toOffice: 'fi-urp' } });
    expect(elsewhere.statusCode).toBe(422);
    expect(elsewhere.json().errors[0].path).toBe('body.toOffice');
    expect(
      (
        await roads.inject({
          method: 'POST',
          url: `/api/tasks/${second}:1/reassign`,
          payload: { toOffice: 'mi-pronto-intervento', reason: 'urgente' },
        })
      ).statusCode,
    ).toBe(200);
    expect((await florenceOperator.inject({ url: '/api/tasks' })).statusCode).toBe(403);
  });
});

describe('API keys', () => {
  it('are shown once, work as Bearer tokens within their scope, and stop working when revoked', async () => {
    const request = {
      method: 'POST' as const,
      url: '/api/api-keys',
      payload: { name: 'Centralino IVR', role: 'operator', municipalities: ['milano'] },
      headers: { 'idempotency-key': 'ivr-key-1' },
    };
    const created = await admin.inject(request);
    expect(created.statusCode).toBe(201);
    const { id, key } = created.json();
    expect(key).toMatch(/^sk_[0-9a-f]{12}_/);
    // Repeated, the request answers the same key, without the secret (kept nowhere); another body with the same Idempotency-Key is refused.
    const repeated = await admin.inject(request);
    expect(repeated.statusCode).toBe(200);
    expect(repeated.json()).toEqual(expect.objectContaining({ id, name: 'Centralino IVR' }));
    expect(repeated.json()).not.toHaveProperty('key');
    expect((await admin.inject({ ...request, payload: { ...request.payload, name: 'Altro' } })).statusCode).toBe(409);
    const listing = await admin.inject({ url: '/api/api-keys' });
    expect(listing.statusCode, listing.body).toBe(200);
    const listed = listing.json();
    expect(listed.find((k: { id: string }) => k.id === id)).not.toHaveProperty('key');
    expect(JSON.stringify(await t.db.selectFrom('api_keys').selectAll().execute())).not.toContain(key);

    const bearer = { authorization: `Bearer ${key}` };
    const opened = await app.inject({ method: 'POST', url: '/api/cases', payload: potholeIntake, headers: bearer });
    expect(opened.statusCode).toBe(201);
    expect((await app.inject({ url: `/api/cases/${opened.json().id}`, headers: { 'x-api-key': key } })).json().events[0].actor).toBe(
      `api-key:${id}`,
    );
    expect(
      (await app.inject({ method: 'POST', url: '/api/cases', payload: { ...potholeIntake, municipalityId: 'firenze' }, headers: bearer }))
        .statusCode,
    ).toBe(403);

    expect((await admin.inject({ method: 'POST', url: `/api/api-keys/${id}/revoke`, payload: {} })).statusCode).toBe(200);
    const revoked = await app.inject({ url: '/api/cases', headers: bearer });
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().detail).toBe('the API key is unknown, expired or revoked');
  });

  it('cannot reach further than their creator, nor be admin keys, nor be born expired', async () => {
    const wider = await admin.inject({
      method: 'POST',
      url: '/api/api-keys',
      payload: { name: 'Portale', role: 'operator', municipalities: ['milano', 'firenze'] },
    });
    expect(wider.statusCode).toBe(403);
    expect(wider.json().errors).toEqual([{ path: 'body.municipalities.1', message: 'you do not serve "firenze"' }]);
    expect(
      (
        await admin.inject({ method: 'POST', url: '/api/api-keys', payload: { name: 'Tutto', role: 'admin', municipalities: ['milano'] } })
      ).json().errors[0].path,
    ).toBe('body.role');
    const expired = await admin.inject({
      method: 'POST',
      url: '/api/api-keys',
      payload: { name: 'Scaduta', role: 'operator', municipalities: ['milano'], expiresAt: '2020-01-01T00:00:00Z' },
    });
    expect(expired.statusCode).toBe(422);
    expect((await milanOperator.inject({ url: '/api/api-keys' })).statusCode).toBe(403);
  });
});

describe('audit trail', () => {
  it('records who changed a case, with role and request, in the same transaction as the change', async () => {
    const id = await openMilanCase();
    const transfer = await milanOperator.inject({ method: 'POST', url: `/api/cases/${id}/transfer`, payload: { note: 'urgente' } });
    const records = (
      await auditor.inject({ url: `/api/audit?filter=${encodeURIComponent(JSON.stringify({ targetId: id }))}&sort=["at","ASC"]` })
    ).json();
    // The system's own records (the citizen's acknowledgement) interleave with the staff's.
    const staffRecords = records.filter((r: { actor: string }) => r.actor !== 'system');
    expect(staffRecords.slice(0, 2)).toEqual([
      expect.objectContaining({
        action: 'case.opened',
        actor: milanOperator.id,
        role: 'operator',
        municipalityId: 'milano',
        targetType: 'case',
        chain: 'milano',
      }),
      expect.objectContaining({
        action: 'case.transferred',
        actor: milanOperator.id,
        role: 'operator',
        requestId: transfer.headers['request-id'] ?? expect.any(String),
      }),
    ]);
    // Each case event has exactly one audit record.
    const { n } = await t.db
      .selectFrom('case_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('case_id', '=', id)
      .executeTakeFirstOrThrow();
    await expect
      .poll(
        async () =>
          (await auditor.inject({ url: `/api/audit?filter=${encodeURIComponent(JSON.stringify({ targetId: id }))}` })).json().length,
      )
      .toBeGreaterThanOrEqual(Number(n));
    expect((await milanOperator.inject({ url: '/api/audit' })).statusCode).toBe(403);
  });

  it('verifies every chain, and names the first record altered behind its back', async () => {
    await sealAll(t.db, auditKeys({ DATA_DIR: api.dataDir }));
    const before = (await auditor.inject({ url: '/api/audit/verify' })).json();
    expect(before).toMatchObject({ ok: true, firstBreak: null });
    expect(before.records).toBeGreaterThan(5);

    const victim = await t.db
      .selectFrom('audit_log')
      .select(['id', 'seq'])
      .where('chain', '=', 'milano')
      .where('batch', 'is not', null)
      .orderBy('seq')
      .offset(2)
      .limit(1)
      .executeTakeFirstOrThrow();
    // One record's inclusion proof, as an outside checker would take it: leaf, path, signed root.
    const proof = (await auditor.inject({ url: `/api/audit/${victim.id}/proof` })).json();
    expect(proof).toMatchObject({ id: victim.id, chain: 'milano', seq: victim.seq });
    expect(verifyInclusion(proof.leaf, proof.index, proof.size, proof.path, proof.batch.root)).toBe(true);
    expectProblem(await auditor.inject({ url: '/api/audit/abc/proof' }), 400, ['params.id']);
    // The trail refuses changes; someone with the database's superuser powers gets round that.
    await expect(sql`update audit_log set actor = 'someone-else' where id = ${victim.id}`.execute(t.db)).rejects.toThrow(/append-only/);
    await sql`alter table audit_log disable trigger audit_log_append_only`.execute(t.db);
    await sql`update audit_log set actor = 'someone-else' where id = ${victim.id}`.execute(t.db);
    await sql`alter table audit_log enable trigger audit_log_append_only`.execute(t.db);

    const after = (await auditor.inject({ url: '/api/audit/verify' })).json();
    expect(after).toMatchObject({
      ok: false,
      firstBreak: { chain: 'milano', seq: victim.seq, id: victim.id, kind: 'edited', reason: 'its content does not match its hash' },
    });
  });
});

describe('HTTP hardening', () => {
  it('sends security headers and no CORS permission by default', async () => {
    const res = await app.inject({ url: '/health', headers: { origin: 'https://evil.example' } });
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});
