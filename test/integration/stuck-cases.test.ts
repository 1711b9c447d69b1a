import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, staffClient, type StaffClient, startTestApi, type TestApi } from '../helpers/app.ts';
import type { TestDatabase } from '../helpers/db.ts';

/**
 * A read-model write PostgreSQL refuses for good (here a CHECK constraint the test adds, standing for
 * any data the API's guards let through and the database does not take): the activity is not
 * retried, the case is listed as stuck for administrators, the workflow keeps the case and, once the
 * cause is removed, an administrator's retry writes it and resolves the row.
 */
let t: TestDatabase;
let api: TestApi;
let app: FastifyInstance;
let operator: StaffClient;
let admin: StaffClient;
let florenceAdmin: StaffClient;
beforeAll(async () => {
  // A staff change waiting on a stuck write answers 503 after this, instead of the default 30 s.
  api = await startTestApi({ env: { CASE_UPDATE_TIMEOUT_SECONDS: '5' } });
  ({ t, app } = api);
  operator = await staffClient(app, t.db, { role: 'operator', municipalities: ['milano'] });
  admin = await staffClient(app, t.db, { role: 'admin', municipalities: ['milano'] });
  florenceAdmin = await staffClient(app, t.db, { role: 'admin', municipalities: ['firenze'] });
});
afterAll(() => api?.stop());

const poisoned = 'VELENO';
const intake = {
  municipalityId: 'milano',
  serviceCode: 'general-information',
  channel: 'phone',
  subject: `Orari della biblioteca ${poisoned}`,
  citizen: { phone: '+393471234567', name: 'Mario Rossi' },
  details: { topic: 'biblioteche' },
};

const stuckList = async (who: StaffClient, filter: object = {}) => {
  const res = await who.inject({ url: `/api/stuck-cases?filter=${encodeURIComponent(JSON.stringify(filter))}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Array<Record<string, unknown>>;
};

/** The attempts of each `recordCaseEvent` the workflow scheduled, as its history shows them. */
async function recordAttempts(caseId: string): Promise<{ failed: number[]; pending: number }> {
  const handle = api.w.client.workflow.getHandle(caseId);
  const history = await handle.fetchHistory();
  const failed = (history.events ?? [])
    .filter((e) => e.activityTaskFailedEventAttributes)
    .map((e) => {
      const started = history.events!.find(
        (s) => s.eventId?.toString() === e.activityTaskFailedEventAttributes!.startedEventId?.toString(),
      );
      return started?.activityTaskStartedEventAttributes?.attempt ?? -1;
    });
  const pending = (await handle.describe()).raw.pendingActivities?.length ?? 0;
  return { failed, pending };
}

describe('a case whose read-model write fails for good', () => {
  let caseId: string;

  it('is not retried: the opening answers 503 at once, and the case is listed as stuck with the SQLSTATE only', async () => {
    await sql`alter table cases add constraint test_poison_subject check (subject not like ${sql.lit(`%${poisoned}%`)}) not valid`.execute(
      t.db,
    );
    const started = Date.now();
    const res = await operator.inject({ method: 'POST', url: '/api/cases', payload: intake, headers: { 'idempotency-key': 'stuck-1' } });
    const body = expectProblem(res, 503);
    expect(res.headers['retry-after']).toBe('60');
    caseId = /case (C-\d{4}-\d{6})/.exec(body.detail as string)![1]!;
    expect(body.detail).toContain('stuck cases');
    // Not the 30 s the case engine is given: the refusal is known on the first attempt.
    expect(Date.now() - started).toBeLessThan(20_000);
    expect((await operator.inject({ url: `/api/cases/${caseId}` })).statusCode).toBe(404);

    await expect.poll(async () => (await stuckList(admin)).length).toBe(1);
    const [row] = await stuckList(admin);
    expect(row).toMatchObject({
      caseId,
      municipalityId: 'milano',
      workflowId: caseId,
      activity: 'recordCaseEvent',
      errorType: 'PoisonData',
      errorCode: '23514',
      attempts: 1,
      retryRequestedAt: null,
      resolvedAt: null,
    });
    // Codes and ids only: nothing the citizen or the operator typed.
    expect(JSON.stringify(row)).not.toMatch(/Rossi|3471234567|biblioteca/);
    // One attempt, failed, and nothing more scheduled: the workflow waits for a retry.
    await expect.poll(() => recordAttempts(caseId)).toEqual({ failed: [1], pending: 0 });
    const audit = await t.db.selectFrom('audit_log').select('action').where('target_id', '=', caseId).execute();
    expect(audit.map((a) => a.action)).toEqual(['case.stuck']);
  });

  it('is listed only to administrators of its municipality', async () => {
    expect(await stuckList(florenceAdmin)).toEqual([]);
    expectProblem(await operator.inject({ url: '/api/stuck-cases' }), 403);
    expectProblem(await operator.inject({ method: 'POST', url: `/api/stuck-cases/${caseId}/retry` }), 403);
    expectProblem(await florenceAdmin.inject({ method: 'POST', url: `/api/stuck-cases/${caseId}/retry` }), 404);
    expectProblem(await admin.inject({ method: 'POST', url: '/api/stuck-cases/C-2026-999999/retry' }), 404);
    expectProblem(await admin.inject({ method: 'POST', url: '/api/stuck-cases/not-a-case/retry' }), 400, ['params.caseId']);
    expectProblem(await admin.inject({ url: '/api/stuck-cases?filter={"resolved":"no"}' }), 400);
  });

  it('a retry before the cause is removed fails once more, and the case stays stuck', async () => {
    const res = await admin.inject({ method: 'POST', url: `/api/stuck-cases/${caseId}/retry` });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ caseId, retryRequestedAt: expect.any(String), resolvedAt: null });
    await expect.poll(async () => (await stuckList(admin))[0]?.attempts).toBe(2);
    await expect.poll(() => recordAttempts(caseId)).toEqual({ failed: [1, 1], pending: 0 });
    expect((await operator.inject({ url: `/api/cases/${caseId}` })).statusCode).toBe(404);
  });

  it('once the cause is removed, a retry writes the case, the case goes on and the row is resolved', async () => {
    await sql`alter table cases drop constraint test_poison_subject`.execute(t.db);
    const res = await admin.inject({ method: 'POST', url: `/api/stuck-cases/${caseId}/retry` });
    expect(res.statusCode, res.body).toBe(202);
    await expect.poll(async () => (await operator.inject({ url: `/api/cases/${caseId}` })).statusCode).toBe(200);
    await expect.poll(async () => (await stuckList(admin, { resolved: true })).map((r) => r.caseId)).toEqual([caseId]);
    expect(await stuckList(admin, { resolved: false })).toEqual([]);
    // The case's state was kept in the workflow: it opened with the subject it was given, and goes on.
    const detail = (await operator.inject({ url: `/api/cases/${caseId}` })).json();
    expect(detail).toMatchObject({ id: caseId, subject: intake.subject, status: 'open' });
    // The repeated request with its key now finds the case.
    const again = await operator.inject({ method: 'POST', url: '/api/cases', payload: intake, headers: { 'idempotency-key': 'stuck-1' } });
    expect(again.json()).toMatchObject({ id: caseId });
    const transfer = await operator.inject({ method: 'POST', url: `/api/cases/${caseId}/transfer`, payload: {} });
    expect(transfer.statusCode, transfer.body).toBe(200);
    await expect
      .poll(async () =>
        (await t.db.selectFrom('audit_log').select('action').where('target_id', '=', caseId).execute()).map((a) => a.action),
      )
      .toEqual(expect.arrayContaining(['case.stuck', 'case.stuck-retried', 'case.stuck-resolved', 'case.opened', 'case.transferred']));
    expectProblem(await admin.inject({ method: 'POST', url: `/api/stuck-cases/${caseId}/retry` }), 409);
  });
});

describe('a write that fails for good in the middle of a case', () => {
  it('holds the writes after it in order until the retry, then writes them all and resolves the row', async () => {
    const opened = await operator.inject({ method: 'POST', url: '/api/cases', payload: { ...intake, subject: 'Rimborso' } });
    expect(opened.statusCode, opened.body).toBe(201);
    const caseId = opened.json().id as string;
    expect((await operator.inject({ method: 'POST', url: `/api/cases/${caseId}/transfer`, payload: {} })).statusCode).toBe(200);
    const seqs = async () =>
      (await t.db.selectFrom('case_events').select(['seq', 'type']).where('case_id', '=', caseId).orderBy('seq').execute()).map(
        (e) => `${e.seq}:${e.type}`,
      );
    const before = await seqs();

    await sql`alter table case_events add constraint test_poison_note check (data->>'text' is null or data->>'text' not like ${sql.lit(`%${poisoned}%`)}) not valid`.execute(
      t.db,
    );
    // The note's write is refused: the staff request is answered 503 once its wait is over, and the case is listed.
    const note = await operator.inject({ method: 'POST', url: `/api/cases/${caseId}/notes`, payload: { text: `Nota ${poisoned}` } });
    expectProblem(note, 503);
    await expect.poll(async () => (await stuckList(admin, { caseId, resolved: false })).map((r) => r.errorCode)).toEqual(['23514']);
    // A later change waits behind it, and the staff member is told why.
    const second = await operator.inject({ method: 'POST', url: `/api/cases/${caseId}/notes`, payload: { text: 'Seconda nota' } });
    expect(expectProblem(second, 503).detail).toContain(`case ${caseId} is stuck`);
    // A later event (the citizen's solicitation) waits behind the stuck one: nothing is written out of order.
    expect(
      (await operator.inject({ method: 'POST', url: `/api/cases/${caseId}/solicitations`, payload: { channel: 'phone' } })).statusCode,
    ).toBe(202);
    await expect
      .poll(async () => (await api.w.client.workflow.getHandle(caseId).query('snapshot')) as { solicitations: number })
      .toMatchObject({
        solicitations: 1,
      });
    expect(await seqs()).toEqual(before);

    await sql`alter table case_events drop constraint test_poison_note`.execute(t.db);
    expect((await admin.inject({ method: 'POST', url: `/api/stuck-cases/${caseId}/retry` })).statusCode).toBe(202);
    const n = before.length;
    await expect.poll(seqs).toEqual([...before, `${n + 1}:note.added`, `${n + 2}:note.added`, `${n + 3}:citizen.solicited`]);
    await expect.poll(async () => (await stuckList(admin, { caseId }))[0]?.resolvedAt).toEqual(expect.any(String));
  });
});
