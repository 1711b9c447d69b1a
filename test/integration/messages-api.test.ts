import { insertCaseRow } from '../helpers/case-rows.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueMessage, recordFailed } from '../../db/outbound-messages.repository.ts';
import { expectProblem, staffClient, type StaffClient, startTestApi, type TestApi } from '../helpers/app.ts';

/** What staff see of the outbox: the failed messages list, a retry (audited), and a case's messages. */
let api: TestApi;
let supervisor: StaffClient;
let operator: StaffClient;
const caseId = 'C-2026-800001';
let failed: number;
let sent: number;

beforeAll(async () => {
  api = await startTestApi({ workers: false });
  const { db } = api.t;
  await insertCaseRow(db, { id: caseId, citizen: { email: 'bounce@example.org', phone: '+393401112233' } });
  const message = (dedupKey: string, channel: 'email' | 'sms', recipient: string) =>
    enqueueMessage(db, { caseId, municipalityId: 'milano', dedupKey, channel, recipient, subject: `${caseId}: esito`, body: 'Risolta.' });
  failed = (await message('a', 'email', 'bounce@example.org'))!;
  await recordFailed(db, failed, 'EENVELOPE 550: mailbox unavailable');
  sent = (await message('b', 'sms', '+393401112233'))!;
  supervisor = await staffClient(api.app, db, { role: 'supervisor', municipalities: ['milano'] });
  operator = await staffClient(api.app, db, { role: 'operator', municipalities: ['milano'] });
});
afterAll(() => api?.stop());

describe('messages for staff', () => {
  it('lists the failed messages with the reason', async () => {
    const res = await supervisor.inject({ url: `/api/messages?filter=${encodeURIComponent('{"status":"failed"}')}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-range']).toBe('messages 0-0/1');
    expect(res.json()).toEqual([
      expect.objectContaining({ id: failed, caseId, channel: 'email', status: 'failed', lastError: 'EENVELOPE 550: mailbox unavailable' }),
    ]);
  });

  it('refuses an unknown filter, naming it', async () => {
    expectProblem(await supervisor.inject({ url: `/api/messages?filter=${encodeURIComponent('{"state":"failed"}')}` }), 400, [
      'querystring.filter',
    ]);
  });

  it("shows a case's messages to whoever reads cases", async () => {
    const res = await operator.inject({ url: `/api/cases/${caseId}/messages` });
    expect(res.statusCode).toBe(200);
    expect(res.json().map((m: { id: number; status: string }) => [m.id, m.status])).toEqual([
      [failed, 'failed'],
      [sent, 'queued'],
    ]);
    expect((await operator.inject({ url: '/api/cases/C-2026-899999/messages' })).statusCode).toBe(404);
  });

  it('queues a failed message again, audited, and only a failed one', async () => {
    const res = await supervisor.inject({ method: 'POST', url: `/api/messages/${failed}/retry`, payload: {} });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: failed, status: 'queued', attempts: 0, failedAt: null });
    const audit = await api.t.db.selectFrom('audit_log').selectAll().where('action', '=', 'message.retried').execute();
    expect(audit).toEqual([expect.objectContaining({ actor: supervisor.id, target_id: String(failed), municipality_id: 'milano' })]);
    expectProblem(await supervisor.inject({ method: 'POST', url: `/api/messages/${failed}/retry`, payload: {} }), 409);
    expectProblem(await supervisor.inject({ method: 'POST', url: '/api/messages/999999/retry', payload: {} }), 404);
  });
});
