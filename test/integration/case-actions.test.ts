import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instantOf, type LocalDate, localDateOf, nationalHolidays } from '../../domain/calendar.ts';
import { expectProblem, type StaffClient, staffClient, startTestApi, type TestApi } from '../helpers/app.ts';
import type { TestDatabase } from '../helpers/db.ts';

// The staff API's case actions: notes, the citizen's withdrawal, scheduled callbacks, live transfer.
let t: TestDatabase;
let api: TestApi;
let app: FastifyInstance;
let operator: StaffClient;
let clerk: StaffClient;
let auditor: StaffClient;
let florence: StaffClient;
beforeAll(async () => {
  api = await startTestApi();
  ({ t, app } = api);
  operator = await staffClient(app, t.db, { role: 'operator', municipalities: ['milano'] });
  clerk = await staffClient(app, t.db, { role: 'backoffice', municipalities: ['milano'], officeId: 'mi-tributi' });
  auditor = await staffClient(app, t.db, { role: 'auditor', municipalities: ['milano'] });
  florence = await staffClient(app, t.db, { role: 'operator', municipalities: ['firenze'] });
});
afterAll(() => api?.stop());

const tari = {
  municipalityId: 'milano',
  serviceCode: 'tari-refund',
  channel: 'phone',
  subject: 'Rimborso TARI 2025',
  citizen: { name: 'Anna Riva', phone: '+393471112223' },
  details: { taxYear: 2025, taxpayerFiscalCode: 'RSSMRA85T10A562S' },
};
const openTari = async () => (await operator.inject({ method: 'POST', url: '/api/cases', payload: tari })).json().id as string;
const act = (who: StaffClient, id: string, action: string, payload: object) =>
  who.inject({ method: 'POST', url: `/api/cases/${id}/${action}`, payload });
const detail = async (id: string) => (await operator.inject({ url: `/api/cases/${id}` })).json();

/** 10:00 in Rome on the first day from tomorrow that `ok` accepts (the demo window is Monday to Saturday, 09:00-19:00). */
function tenAm(ok: (weekday: number, d: LocalDate) => boolean): string {
  for (let t0 = Date.now() + 86_400_000; ; t0 += 86_400_000) {
    const d = localDateOf(t0);
    const iso = `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
    if (ok(new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay(), d) && !nationalHolidays(d.year).includes(iso)) {
      return new Date(instantOf(d, 10 * 60)).toISOString();
    }
  }
}

describe('notes', () => {
  it('are added by staff working on cases, audited, and refused once the case is closed', async () => {
    const id = await openTari();
    const res = await act(operator, id, 'notes', { text: 'Il cittadino richiamerà con la ricevuta' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id, status: 'open' });
    expect((await detail(id)).events.at(-1)).toMatchObject({
      type: 'note.added',
      actor: operator.id,
      data: { text: 'Il cittadino richiamerà con la ricevuta' },
    });
    expect((await act(clerk, id, 'notes', { text: 'Visto' })).statusCode).toBe(200);
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['actor', 'role', 'action'])
      .where('target_id', '=', id)
      .where('action', '=', 'note.added')
      .orderBy('seq')
      .execute();
    expect(audit).toEqual([
      { actor: operator.id, role: 'operator', action: 'note.added' },
      { actor: clerk.id, role: 'backoffice', action: 'note.added' },
    ]);

    expectProblem(await act(auditor, id, 'notes', { text: 'x' }), 403);
    expectProblem(await act(florence, id, 'notes', { text: 'x' }), 404);
    expect(expectProblem(await act(operator, id, 'notes', { text: ' ' }), 400).errors.map((e: { path: string }) => e.path)).toEqual([
      'body.text',
    ]);

    // Withdrawn: no survey, the case closes at once; a note is then refused.
    await act(operator, id, 'withdraw', {});
    await expect.poll(async () => (await detail(id)).stage).toBe('closed');
    expect(expectProblem(await act(operator, id, 'notes', { text: 'troppo tardi' }), 409).detail).toBe(`case ${id} is closed`);
  });
});

describe('scheduled callbacks and withdrawal', () => {
  it('books a call inside the window, refuses one outside it or in the past, and cancels it when the citizen withdraws', async () => {
    const id = await openTari();
    expect((await act(operator, id, 'transfer', {})).statusCode).toBe(200);
    expect(expectProblem(await act(operator, id, 'callbacks', { at: '2020-01-06T09:00:00Z' }), 409).detail).toBe(
      'the callback must be in the future',
    );
    const sunday = tenAm((weekday) => weekday === 0);
    expect(expectProblem(await act(operator, id, 'callbacks', { at: sunday }), 409).detail).toBe(
      `${sunday} is outside the callback window: mon, tue, wed, thu, fri, sat 09:00-19:00 (Europe/Rome, not on national holidays)`,
    );
    expect(expectProblem(await act(operator, id, 'callbacks', { at: 'domani' }), 400).errors.map((e: { path: string }) => e.path)).toEqual([
      'body.at',
    ]);
    const weekday = tenAm((d) => d >= 1 && d <= 5);
    expectProblem(await act(clerk, id, 'callbacks', { at: weekday }), 403);
    expectProblem(await act(florence, id, 'callbacks', { at: weekday }), 404);
    const booked = await act(operator, id, 'callbacks', { at: weekday, note: 'dopo le 10' });
    expect(booked.statusCode).toBe(200);
    expect((await detail(id)).events.at(-1)).toMatchObject({
      type: 'callback.scheduled',
      actor: operator.id,
      stage: 'office',
      data: { at: weekday, note: 'dopo le 10' },
    });
    expect(expectProblem(await act(operator, id, 'callbacks', { at: weekday }), 409).detail).toBe(
      `a callback is already scheduled at ${weekday}`,
    );

    expectProblem(await act(clerk, id, 'withdraw', {}), 403);
    expectProblem(await act(florence, id, 'withdraw', {}), 404);
    const withdrawn = await act(operator, id, 'withdraw', { note: 'Ha ricevuto il rimborso' });
    expect(withdrawn.statusCode).toBe(200);
    expect(withdrawn.json()).toMatchObject({ status: 'resolved', outcome: 'withdrawn' });
    expect(expectProblem(await act(operator, id, 'withdraw', {}), 409).detail).toBe(`case ${id} is already resolved`);
    await expect.poll(async () => (await detail(id)).stage).toBe('closed');
    const { events, tasks } = await detail(id);
    expect(events.slice(-6).map((e: { type: string }) => e.type)).toEqual([
      'callback.scheduled',
      'case.withdrawn',
      'case.resolved',
      'callback.cancelled',
      'citizen.notified',
      'case.closed',
    ]);
    expect(tasks[0]).toMatchObject({ status: 'done' });
  });
});

describe('live transfer', () => {
  it('is refused for a service transferred as a task only, changing nothing', async () => {
    const id = await openTari();
    expect(expectProblem(await act(operator, id, 'transfer', { live: true }), 409).detail).toBe(
      '"Rimborso TARI" is transferred as a task only: its definition allows no live transfer',
    );
    expect(expectProblem(await act(operator, id, 'transfer', { live: false }), 400).errors.map((e: { path: string }) => e.path)).toEqual([
      'body.live',
    ]);
    expect((await detail(id)).stage).toBe('intake');
  });
});
