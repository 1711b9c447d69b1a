import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditKeys } from '../../platform/audit-keys.ts';
import { sealAll } from '../../services/audit-sealer.ts';
import { verifyAudit } from '../../services/audit.service.ts';
import { expectProblem, staffClient, type StaffClient, startTestApi, type TestApi } from '../helpers/app.ts';
import type { TestDatabase } from '../helpers/db.ts';

let t: TestDatabase;
let api: TestApi;
let app: FastifyInstance;
let admin: StaffClient; // serves both cities
let milanAdmin: StaffClient;
let operator: StaffClient;
beforeAll(async () => {
  api = await startTestApi();
  ({ t, app } = api);
  admin = await staffClient(app, t.db, { role: 'admin', municipalities: ['milano', 'firenze'] });
  milanAdmin = await staffClient(app, t.db, { role: 'admin', municipalities: ['milano'] });
  operator = await staffClient(app, t.db, { role: 'operator', municipalities: ['milano'] });
});
afterAll(() => api?.stop());

const auditOf = (targetId: string) =>
  t.db.selectFrom('audit_log').select(['action', 'actor', 'municipality_id']).where('target_id', '=', targetId).orderBy('id').execute();

const calendarSpec = { weekly: { mon: ['08:30-12:30'], tue: [], wed: [], thu: [], fri: ['08:30-12:30'], sat: [], sun: [] } };

describe('municipalities', () => {
  it('lists only the municipalities the caller serves, to any role; get answers 404 outside the scope', async () => {
    const res = await operator.inject({ url: '/api/municipalities' });
    expect(res.json()).toEqual([{ id: 'milano', name: 'Comune di Milano', istatCode: '015146' }]);
    expect(res.headers['content-range']).toBe('municipalities 0-0/1');
    expect((await operator.inject({ url: '/api/municipalities/milano' })).statusCode).toBe(200);
    expectProblem(await operator.inject({ url: '/api/municipalities/firenze' }), 404);
    expect((await admin.inject({ url: '/api/municipalities?filter={"id":["firenze"]}' })).json().map((m: { id: string }) => m.id)).toEqual([
      'firenze',
    ]);
  });

  it('lets an admin create one (then serving it), audited, idempotently; refuses taken ids, ISTAT codes and other roles', async () => {
    const body = { id: 'bergamo', name: 'Comune di Bergamo', istatCode: '016024' };
    const headers = { 'idempotency-key': 'mun-bergamo' };
    const created = await milanAdmin.inject({ method: 'POST', url: '/api/municipalities', payload: body, headers });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual(body);
    expect((await milanAdmin.inject({ method: 'POST', url: '/api/municipalities', payload: body, headers })).statusCode).toBe(200);
    expectProblem(
      await milanAdmin.inject({ method: 'POST', url: '/api/municipalities', payload: { ...body, name: 'Altro' }, headers }),
      409,
      ['headers.idempotency-key'],
    );
    expect((await milanAdmin.inject({ url: '/api/municipalities/bergamo' })).statusCode).toBe(200);
    expect(await auditOf('bergamo')).toEqual([{ action: 'municipality.created', actor: milanAdmin.id, municipality_id: 'bergamo' }]);
    expectProblem(await admin.inject({ method: 'POST', url: '/api/municipalities', payload: body }), 409, ['body.id']);
    expectProblem(await admin.inject({ method: 'POST', url: '/api/municipalities', payload: { ...body, id: 'brescia' } }), 409, [
      'body.istatCode',
    ]);
    expectProblem(
      await admin.inject({ method: 'POST', url: '/api/municipalities', payload: { id: 'X', name: '', istatCode: '12' } }),
      400,
      ['body.id', 'body.istatCode', 'body.name'],
    );
    expectProblem(await operator.inject({ method: 'POST', url: '/api/municipalities', payload: body }), 403);
  });

  it('updates a municipality the admin serves, 404 for another', async () => {
    const res = await milanAdmin.inject({ method: 'PUT', url: '/api/municipalities/bergamo', payload: { name: 'Città di Bergamo' } });
    expect(res.json()).toEqual({ id: 'bergamo', name: 'Città di Bergamo', istatCode: '016024' });
    expect((await auditOf('bergamo')).map((a) => a.action)).toEqual(['municipality.created', 'municipality.updated']);
    expectProblem(await milanAdmin.inject({ method: 'PUT', url: '/api/municipalities/firenze', payload: { name: 'x y' } }), 404);
    expectProblem(await milanAdmin.inject({ method: 'PUT', url: '/api/municipalities/bergamo', payload: {} }), 400);
  });
});

describe('calendars', () => {
  it('creates a calendar whose spec passes CalendarSchema, naming each bad field under body.spec', async () => {
    const res = await milanAdmin.inject({
      method: 'POST',
      url: '/api/calendars',
      payload: { id: 'mi-biblioteche', municipalityId: 'milano', name: 'Biblioteche', spec: calendarSpec },
    });
    expect(res.statusCode).toBe(201);
    // Stored with the schema's defaults.
    expect(res.json().spec).toMatchObject({
      timeZone: 'Europe/Rome',
      observeHolidays: true,
      localHolidays: [],
      weekly: { mon: ['08:30-12:30'] },
    });
    expect(await auditOf('mi-biblioteche')).toEqual([{ action: 'calendar.created', actor: milanAdmin.id, municipality_id: 'milano' }]);
    const bad = { ...calendarSpec, weekly: { ...calendarSpec.weekly, mon: ['12:30-08:30'], tue: ['8-12'] }, closures: ['2026-13-01'] };
    expectProblem(
      await milanAdmin.inject({
        method: 'POST',
        url: '/api/calendars',
        payload: { id: 'mi-bad', municipalityId: 'milano', name: 'Bad', spec: bad },
      }),
      400,
      ['body.spec.closures.0', 'body.spec.weekly.mon.0', 'body.spec.weekly.tue.0'],
    );
    expectProblem(
      await milanAdmin.inject({
        method: 'POST',
        url: '/api/calendars',
        payload: { id: 'fi-x', municipalityId: 'firenze', name: 'Firenze', spec: calendarSpec },
      }),
      403,
      ['body.municipalityId'],
    );
    expectProblem(
      await milanAdmin.inject({
        method: 'POST',
        url: '/api/calendars',
        payload: { id: 'mi-uffici', municipalityId: 'milano', name: 'Doppio', spec: calendarSpec },
      }),
      409,
      ['body.id'],
    );
  });

  it('lists and updates within scope', async () => {
    const list = await milanAdmin.inject({ url: '/api/calendars?sort=["name","ASC"]' });
    expect(list.json().map((c: { id: string }) => c.id)).toEqual(['mi-biblioteche', 'mi-020202', 'mi-uffici']);
    expect(list.headers['content-range']).toBe('calendars 0-2/3');
    const updated = await milanAdmin.inject({
      method: 'PUT',
      url: '/api/calendars/mi-biblioteche',
      payload: { spec: { ...calendarSpec, closures: ['2026-12-24'] } },
    });
    expect(updated.json()).toMatchObject({ name: 'Biblioteche', spec: { closures: ['2026-12-24'] } });
    expectProblem(await milanAdmin.inject({ method: 'PUT', url: '/api/calendars/fi-uffici', payload: { name: 'Mio' } }), 404);
    expectProblem(await operator.inject({ method: 'PUT', url: '/api/calendars/mi-uffici', payload: { name: 'Mio' } }), 403);
  });
});

describe('offices', () => {
  it('creates an office on a calendar of its own municipality only', async () => {
    const office = {
      id: 'mi-biblioteca-sormani',
      municipalityId: 'milano',
      name: 'Biblioteca Sormani',
      email: 'Sormani@Comune.Milano.example',
      phone: '02 8846 3350',
      calendarId: 'mi-biblioteche',
    };
    const res = await milanAdmin.inject({ method: 'POST', url: '/api/offices', payload: office });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ ...office, email: 'sormani@comune.milano.example', phone: '0288463350' });
    expect(await auditOf(office.id)).toEqual([{ action: 'office.created', actor: milanAdmin.id, municipality_id: 'milano' }]);
    expectProblem(
      await admin.inject({ method: 'POST', url: '/api/offices', payload: { ...office, id: 'mi-altro', calendarId: 'fi-uffici' } }),
      422,
      ['body.calendarId'],
    );
    expectProblem(
      await admin.inject({ method: 'POST', url: '/api/offices', payload: { ...office, id: 'mi-altro', calendarId: 'nessuno' } }),
      422,
      ['body.calendarId'],
    );
    expectProblem(
      await milanAdmin.inject({
        method: 'POST',
        url: '/api/offices',
        payload: { ...office, id: 'fi-altro', municipalityId: 'firenze', calendarId: 'fi-uffici' },
      }),
      403,
      ['body.municipalityId'],
    );
    expectProblem(await admin.inject({ method: 'POST', url: '/api/offices', payload: office }), 409, ['body.id']);
    expectProblem(await operator.inject({ method: 'POST', url: '/api/offices', payload: office }), 403);
  });

  it('lists offices in scope to any role, filtered; updates with the calendar rule', async () => {
    const list = await operator.inject({ url: '/api/offices?filter={"q":"tributi"}' });
    expect(list.json().map((o: { id: string }) => o.id)).toEqual(['mi-tributi']);
    expectProblem(await operator.inject({ url: '/api/offices/fi-tributi' }), 404);
    const updated = await milanAdmin.inject({
      method: 'PUT',
      url: '/api/offices/mi-tributi',
      payload: { phone: '02 1234 5678', calendarId: 'mi-020202' },
    });
    expect(updated.json()).toMatchObject({ id: 'mi-tributi', name: 'Area Tributi', phone: '0212345678', calendarId: 'mi-020202' });
    expectProblem(await milanAdmin.inject({ method: 'PUT', url: '/api/offices/mi-tributi', payload: { calendarId: 'fi-uffici' } }), 422, [
      'body.calendarId',
    ]);
    expectProblem(await milanAdmin.inject({ method: 'PUT', url: '/api/offices/mi-tributi', payload: { municipalityId: 'firenze' } }), 400);
    const audit = await auditOf('mi-tributi');
    expect(audit.map((a) => a.action)).toEqual(['office.updated']);
  });
});

describe('users', () => {
  const clerk = {
    id: 'luca.tributi',
    displayName: 'Luca Ferri',
    email: 'Luca.Ferri@comune.milano.example',
    role: 'backoffice',
    officeId: 'mi-tributi',
    municipalities: ['milano'],
  };

  it('creates an account, never showing a password hash; enforces office, municipality and e-mail rules', async () => {
    const res = await milanAdmin.inject({ method: 'POST', url: '/api/users', payload: clerk, headers: { 'idempotency-key': 'user-luca' } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({
      ...clerk,
      email: 'luca.ferri@comune.milano.example',
      hasPassword: false,
      disabledAt: null,
      createdAt: expect.any(String),
    });
    expect(JSON.stringify(res.json())).not.toMatch(/password_?hash|scrypt/i);
    expect(
      (await milanAdmin.inject({ method: 'POST', url: '/api/users', payload: clerk, headers: { 'idempotency-key': 'user-luca' } }))
        .statusCode,
    ).toBe(200);
    expect(await auditOf('luca.tributi')).toEqual([{ action: 'staff-user.created', actor: milanAdmin.id, municipality_id: null }]);

    const post = (body: object, who = milanAdmin) => who.inject({ method: 'POST', url: '/api/users', payload: body });
    expectProblem(await post({ ...clerk, id: 'luca.due' }), 409, ['body.email']);
    expectProblem(await post({ ...clerk, id: 'luca.due', email: 'LUCA.FERRI@comune.milano.example' }), 409, ['body.email']);
    expectProblem(await post({ ...clerk, id: 'a.b', email: 'a@b.example', officeId: null }), 422, ['body.officeId']);
    expectProblem(await post({ ...clerk, id: 'a.b', email: 'a@b.example', municipalities: ['milano', 'firenze'] }), 403, [
      'body.municipalities.1',
    ]);
    // The office must be in one of the user's municipalities.
    expectProblem(
      await post({ ...clerk, id: 'a.b', email: 'a@b.example', officeId: 'fi-tributi', municipalities: ['milano'] }, admin),
      422,
      ['body.officeId'],
    );
    expectProblem(await post({ ...clerk, id: 'a.b', email: 'a@b.example', officeId: 'fi-tributi' }), 422, ['body.officeId']); // not an office Milan's admin sees
    expectProblem(
      await post({ ...clerk, id: 'a.b', email: 'a@b.example', officeId: 'mi-tributi', municipalities: ['firenze'] }, admin),
      422,
      ['body.officeId'],
    );
    expectProblem(await post({ ...clerk, id: 'a.b', email: 'a@b.example', role: 'chief' }), 400, ['body.role']);
    expectProblem(await post({ ...clerk, id: 'a.b', email: 'a@b.example' }, operator), 403);
  });

  it('lists and reads only accounts all of whose municipalities the admin serves', async () => {
    const ids = (await milanAdmin.inject({ url: '/api/users?range=[0,999]' })).json().map((u: { id: string }) => u.id);
    expect(ids).toEqual(expect.arrayContaining(['luca.tributi', 'giulia.operatrice', 'marco.tributi']));
    expect(ids).not.toContain('sara.anagrafe'); // Florence
    expect(ids).not.toContain('admin'); // both cities
    expectProblem(await milanAdmin.inject({ url: '/api/users/sara.anagrafe' }), 404);
    const clerks = await admin.inject({ url: '/api/users?filter={"role":"backoffice","municipalityId":"milano"}' });
    expect(
      clerks
        .json()
        .map((u: { id: string }) => u.id)
        .sort(),
    ).toEqual(['luca.tributi', 'marco.tributi']);
  });

  it("leaves administrator accounts to administrators serving every municipality, not to a municipality's admin", async () => {
    const newAdmin = { ...clerk, id: 'milano.admin2', email: 'admin2@comune.milano.example', role: 'admin', officeId: null };
    expectProblem(await milanAdmin.inject({ method: 'POST', url: '/api/users', payload: newAdmin }), 403, ['body.role']);
    expectProblem(
      await milanAdmin.inject({ method: 'PUT', url: '/api/users/luca.tributi', payload: { role: 'admin', officeId: null } }),
      403,
      ['body.role'],
    );
    expect((await admin.inject({ method: 'POST', url: '/api/users', payload: newAdmin })).statusCode).toBe(201);
    // Nor may a municipality's admin take over another administrator's account.
    expectProblem(
      await milanAdmin.inject({ method: 'POST', url: '/api/users/milano.admin2/password', payload: { password: 'una password lunga' } }),
      403,
      ['id'],
    );
    expectProblem(await milanAdmin.inject({ method: 'POST', url: '/api/users/milano.admin2/disable' }), 403, ['id']);
    expect((await admin.inject({ method: 'POST', url: '/api/users/milano.admin2/disable' })).statusCode).toBe(200);
    expect((await admin.inject({ method: 'POST', url: '/api/users/milano.admin2/enable' })).statusCode).toBe(200);
    expect((await auditOf('milano.admin2')).map((r) => r.action)).toEqual([
      'staff-user.created',
      'staff-user.disabled',
      'staff-user.enabled',
    ]);
  });

  it('sets a password (12 characters at least), after which the account logs in', async () => {
    expectProblem(
      await milanAdmin.inject({ method: 'POST', url: '/api/users/luca.tributi/password', payload: { password: 'short' } }),
      400,
      ['body.password'],
    );
    expect(
      (await milanAdmin.inject({ method: 'POST', url: '/api/users/luca.tributi/password', payload: { password: 'una password lunga' } }))
        .statusCode,
    ).toBe(204);
    const login = await app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { email: 'luca.ferri@comune.milano.example', password: 'una password lunga' },
    });
    expect(login.statusCode).toBe(200);
    expect(login.json().user).toMatchObject({ id: 'luca.tributi', role: 'backoffice', officeId: 'mi-tributi' });
    expect((await milanAdmin.inject({ url: '/api/users/luca.tributi' })).json().hasPassword).toBe(true);
    expectProblem(
      await milanAdmin.inject({ method: 'POST', url: '/api/users/sara.anagrafe/password', payload: { password: 'una password lunga' } }),
      404,
    );
  });

  it('disables an account (its sessions end at once) and enables it again', async () => {
    const login = await app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { email: 'luca.ferri@comune.milano.example', password: 'una password lunga' },
    });
    const cookie = login.cookies.find((c) => c.name === 'sportello_session')!;
    const asLuca = () => app.inject({ url: '/api/session', headers: { cookie: `${cookie.name}=${cookie.value}` } });
    expect((await asLuca()).statusCode).toBe(200);

    const disabled = await milanAdmin.inject({ method: 'POST', url: '/api/users/luca.tributi/disable' });
    expect(disabled.json().disabledAt).toEqual(expect.any(String));
    expect((await asLuca()).statusCode).toBe(401);
    const sessions = await t.db.selectFrom('staff_sessions').select('user_id').where('user_id', '=', 'luca.tributi').execute();
    expect(sessions).toEqual([]);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/api/session',
          payload: { email: 'luca.ferri@comune.milano.example', password: 'una password lunga' },
        })
      ).statusCode,
    ).toBe(401);
    expect((await milanAdmin.inject({ url: '/api/users?filter={"disabled":true}' })).json().map((u: { id: string }) => u.id)).toEqual([
      'luca.tributi',
    ]);

    expect((await milanAdmin.inject({ method: 'POST', url: '/api/users/luca.tributi/enable' })).json().disabledAt).toBeNull();
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/api/session',
          payload: { email: 'luca.ferri@comune.milano.example', password: 'una password lunga' },
        })
      ).statusCode,
    ).toBe(200);
    expect((await auditOf('luca.tributi')).map((a) => a.action)).toEqual([
      'staff-user.created',
      'staff-user.password-set',
      'session.login',
      'session.login',
      'staff-user.disabled',
      'session.login-failed',
      'staff-user.enabled',
      'session.login',
    ]);
    expectProblem(await milanAdmin.inject({ method: 'POST', url: `/api/users/${milanAdmin.id}/disable` }), 409);
  });

  it('updates an account under the same rules', async () => {
    const moved = await milanAdmin.inject({
      method: 'PUT',
      url: '/api/users/luca.tributi',
      payload: { officeId: 'mi-anagrafe', displayName: 'Luca Ferri Rossi' },
    });
    expect(moved.json()).toMatchObject({ officeId: 'mi-anagrafe', displayName: 'Luca Ferri Rossi', role: 'backoffice' });
    expectProblem(await milanAdmin.inject({ method: 'PUT', url: '/api/users/luca.tributi', payload: { officeId: null } }), 422, [
      'body.officeId',
    ]);
    expectProblem(
      await milanAdmin.inject({ method: 'PUT', url: '/api/users/luca.tributi', payload: { municipalities: ['firenze'] } }),
      403,
      ['body.municipalities.0'],
    );
    expectProblem(
      await milanAdmin.inject({ method: 'PUT', url: '/api/users/luca.tributi', payload: { email: 'giulia.rossi@020202.example' } }),
      409,
      ['body.email'],
    );
    const operatorNow = await milanAdmin.inject({
      method: 'PUT',
      url: '/api/users/luca.tributi',
      payload: { role: 'operator', officeId: null },
    });
    expect(operatorNow.json()).toMatchObject({ role: 'operator', officeId: null });
    expect((await auditOf('luca.tributi')).at(-1)).toEqual({ action: 'staff-user.updated', actor: milanAdmin.id, municipality_id: null });
  });

  it('keeps the audit chains whole', async () => {
    const keys = auditKeys({ DATA_DIR: api.dataDir });
    await sealAll(t.db, keys);
    expect(await verifyAudit(t.db, keys)).toMatchObject({ ok: true, pending: 0, firstBreak: null });
  });
});
