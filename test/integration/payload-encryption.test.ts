import { temporal } from '@temporalio/proto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { destroyPayloadKeys } from '../../db/payload-keys.repository.ts';
import { PayloadCipher, PayloadKeyDestroyed } from '../../services/payload-codec.ts';
import { expectProblem, staffClient, startTestApi, testApiKey, type StaffClient, type TestApi } from '../helpers/app.ts';
import { testPayloadMasterKey } from '../helpers/temporal.ts';

let api: TestApi;
let operator: StaffClient;
let auditor: StaffClient;
let otherAuditor: StaffClient;
beforeAll(async () => {
  api = await startTestApi();
  operator = await staffClient(api.app, api.t.db, { role: 'operator', municipalities: ['milano'] });
  auditor = await staffClient(api.app, api.t.db, { role: 'auditor', municipalities: ['milano'] });
  otherAuditor = await staffClient(api.app, api.t.db, { role: 'auditor', municipalities: ['firenze'] });
});
afterAll(() => api?.stop());

// What the operator typed about the citizen: none of it may be readable in Temporal.
const personal = ['Giorgio Gallo', '3471234567', 'GLLGRG80A01F205Z', 'FX123AB', 'permesso ma ha ricevuto'];
const intake = {
  municipalityId: 'milano',
  serviceCode: 'area-c-fine-dispute',
  channel: 'phone',
  subject: 'Multa Area C',
  description: 'Il cittadino ha il permesso ma ha ricevuto la sanzione.',
  citizen: { name: 'Giorgio Gallo', phone: '+393471234567', fiscalCode: 'GLLGRG80A01F205Z' },
  details: { plate: 'FX123AB', violationNumber: 'AC-2026-0042', reason: 'resident-permit' },
};

/** The workflow's history as Temporal stores and serves it, undecoded. */
async function rawHistory(workflowId: string) {
  const { history } = await api.w.client.workflowService.getWorkflowExecutionHistory({
    namespace: api.w.namespace,
    execution: { workflowId },
  });
  return history!;
}
const bytesOf = (h: temporal.api.history.v1.IHistory) => Buffer.from(temporal.api.history.v1.History.encode(h).finish()).toString('latin1');
const asJson = (p: temporal.api.common.v1.IPayload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? []).toString('base64'),
});
const decodedText = (body: { payloads: { data: string }[] }) =>
  body.payloads.map((p) => Buffer.from(p.data, 'base64').toString('utf8')).join('\n');

describe("a case's data in Temporal", () => {
  let caseId: string;
  let input: temporal.api.common.v1.IPayload[];

  it('is encrypted in the history, while the case runs as before', async () => {
    const opened = await operator.inject({ method: 'POST', url: '/api/cases', payload: intake });
    expect(opened.statusCode, opened.body).toBe(201);
    caseId = opened.json().id;
    const noted = await operator.inject({
      method: 'POST',
      url: `/api/cases/${caseId}/notes`,
      payload: { text: 'Richiamare Giorgio Gallo' },
    });
    expect(noted.statusCode, noted.body).toBeLessThan(300);
    // The case workflow read its input and the update: the read model holds what was typed.
    const shown = await operator.inject({ method: 'GET', url: `/api/cases/${caseId}` });
    expect(shown.json()).toMatchObject({ citizen: { name: 'Giorgio Gallo' } });

    const history = await rawHistory(caseId);
    const text = bytesOf(history);
    for (const value of personal) expect(text).not.toContain(value);
    const started = history.events![0]!.workflowExecutionStartedEventAttributes!;
    input = started.input!.payloads!;
    expect(input.length).toBeGreaterThan(0);
    for (const p of input) expect(Buffer.from(p.metadata!.encoding!).toString()).toBe('binary/encrypted');
    expect(history.events!.length).toBeGreaterThan(3);
  });

  it("is decoded by the codec endpoint for auditors of the case's municipality only, and each reading is audited", async () => {
    const body = { payloads: input.map(asJson) };
    const read = await auditor.inject({ method: 'POST', url: '/api/temporal-codec/decode', payload: body });
    expect(read.statusCode, read.body).toBe(200);
    expect(decodedText(read.json())).toContain('Giorgio Gallo');
    expect(read.json().payloads[0].metadata.encoding).toBe(Buffer.from('json/plain').toString('base64'));

    // As the Temporal CLI calls it: `--codec-auth 'Bearer <key>'`.
    const { key } = await testApiKey(api.t.db, 'auditor', ['milano']);
    const cli = await api.app.inject({
      method: 'POST',
      url: '/api/temporal-codec/decode',
      headers: { authorization: `Bearer ${key}`, 'x-namespace': api.w.namespace },
      payload: body,
    });
    expect(decodedText(cli.json())).toContain('Giorgio Gallo');

    const elsewhere = await otherAuditor.inject({ method: 'POST', url: '/api/temporal-codec/decode', payload: body });
    expect(elsewhere.statusCode).toBe(200);
    expect(elsewhere.json()).toEqual(body);
    expectProblem(await operator.inject({ method: 'POST', url: '/api/temporal-codec/decode', payload: body }), 403);
    expectProblem(await api.app.inject({ method: 'POST', url: '/api/temporal-codec/decode', payload: body }), 401);
    expectProblem(
      await auditor.inject({ method: 'POST', url: '/api/temporal-codec/decode', payload: { payloads: [{ data: '%%' }] } }),
      400,
      ['body.payloads.0.data'],
    );

    const audited = await api.t.db
      .selectFrom('audit_log')
      .select(['actor', 'target_id'])
      .where('action', '=', 'temporal.payloads.decoded')
      .execute();
    expect(audited).toEqual([
      { actor: auditor.id, target_id: caseId },
      { actor: expect.any(String), target_id: caseId },
    ]);
  });

  it("keeps failures' messages and stack traces encrypted too", async () => {
    // With no published complaint service, filing a complaint fails in an activity, for good.
    // Published definitions are immutable: the test steps round the trigger that says so.
    const setComplaintStatus = (status: 'draft' | 'published') =>
      api.t.db.transaction().execute(async (tx) => {
        await sql`alter table service_definitions disable trigger user`.execute(tx);
        await tx.updateTable('service_definitions').set({ status }).where('service_code', '=', 'complaint').execute();
        await sql`alter table service_definitions enable trigger user`.execute(tx);
      });
    await setComplaintStatus('draft');
    try {
      const opened = await operator.inject({ method: 'POST', url: '/api/cases', payload: intake });
      expect(opened.statusCode, opened.body).toBe(201);
      const id = opened.json().id as string;
      const filed = await operator.inject({
        method: 'POST',
        url: `/api/cases/${id}/complaints`,
        payload: { channel: 'phone', text: 'Giorgio Gallo non è soddisfatto' },
      });
      expect(filed.statusCode, filed.body).toBe(202);
      const failed = await expect
        .poll(
          async () => (await rawHistory(id)).events!.find((e) => e.activityTaskFailedEventAttributes)?.activityTaskFailedEventAttributes,
          {
            timeout: 60_000,
          },
        )
        .toBeTruthy()
        .then(
          async () => (await rawHistory(id)).events!.find((e) => e.activityTaskFailedEventAttributes)!.activityTaskFailedEventAttributes!,
        );
      expect(failed.failure!.message).toBe('Encoded failure');
      expect(Buffer.from(failed.failure!.encodedAttributes!.metadata!.encoding!).toString()).toBe('binary/encrypted');
      const text = bytesOf(await rawHistory(id));
      expect(text).not.toContain('no published definition');
      expect(text).not.toContain('case-activities');
      // The case goes on, the complaint recorded as not opened.
      await expect
        .poll(async () => (await operator.inject({ url: `/api/cases/${id}` })).json().events.map((e: { type: string }) => e.type), {
          timeout: 60_000,
        })
        .toContain('complaint.not_opened');
      expect((await api.w.client.workflow.getHandle(id).describe()).status.name).toBe('RUNNING');
      // The codec gives the message back to those allowed to read it.
      const read = await auditor.inject({
        method: 'POST',
        url: '/api/temporal-codec/decode',
        payload: { payloads: [asJson(failed.failure!.encodedAttributes!)] },
      });
      expect(decodedText(read.json())).toContain('no published definition for \\"complaint\\"');
    } finally {
      await setComplaintStatus('published');
    }
  });

  it('becomes unreadable for good once the case key is destroyed; payloads from before encryption read as they are', async () => {
    const plain = { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('{"old":true}') };
    const cipher = new PayloadCipher(api.t.db, testPayloadMasterKey);
    expect(await cipher.decode([plain])).toEqual([plain]);
    expect((await cipher.decode(input)).length).toBe(input.length);

    expect(await destroyPayloadKeys(api.t.db, [caseId])).toBe(1);
    const later = new PayloadCipher(api.t.db, testPayloadMasterKey);
    await expect(later.decode(input)).rejects.toBeInstanceOf(PayloadKeyDestroyed);
    const row = await api.t.db.selectFrom('payload_keys').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ wrapped: null, destroyed_at: expect.any(Date) });
  });
});
