import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pino from 'pino';
import { Client, Connection } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { inject } from 'vitest';
import { createCaseActivities } from '../../activities/case-activities.ts';
import { recordCallEvent } from '../../db/calls.repository.ts';
import { insertPayloadKey, payloadKey } from '../../db/payload-keys.repository.ts';
import type { CallEvent } from '../../domain/call-events.ts';
import { auditKeys } from '../../platform/audit-keys.ts';
import { verifyAudit } from '../../services/audit.service.ts';
import { storeAttachment } from '../../services/attachments.service.ts';
import { createIngestion } from '../../services/call-ingestion.ts';
import { abandonedCallbackWorkflowId } from '../../services/callback-workflow-id.ts';
import { dataConverter, PayloadCipher, PayloadKeyDestroyed } from '../../services/payload-codec.ts';
import { ensureRetentionSchedule } from '../../services/retention-schedule.ts';
import { retentionScheduleId } from '../../workflows/retention.definitions.ts';
import { expectProblem, staffClient, type StaffClient, startTestApi, type TestApi } from '../helpers/app.ts';
import { testPayloadMasterKey, testWorkflowIdKey } from '../helpers/temporal.ts';

let api: TestApi;
let admin: StaffClient;
let operator: StaffClient;

// Everything that names the person, as the search of every table looks for it.
const person = {
  name: 'Ludovica Ferraris',
  phone: '+393401239876',
  email: 'ludovica.ferraris@example.org',
  fiscalCode: 'FRRLDV85M41F205X',
  address: 'Via Benedetto Marcello 14\n20124 Milano',
};
const searched = [person.name, 'Ferraris', '3401239876', '340 123 9876', person.email, person.fiscalCode, 'Benedetto Marcello'];

const caseEvents = async (id: string) => (await operator.inject({ url: `/api/cases/${id}` })).json().events as { type: string }[];
const recorded = (id: string, type: string) =>
  vi.waitFor(async () => expect((await caseEvents(id)).map((e) => e.type)).toContain(type), { timeout: 30_000, interval: 200 });

async function post(who: StaffClient, url: string, payload: object) {
  return who.inject({ method: 'POST', url, payload });
}

/** Resolves a case, answers its survey (with free text naming the person) and waits for it to close. */
async function resolveAndClose(id: string, comment: string) {
  const resolved = await post(operator, `/api/cases/${id}/resolve`, { outcome: 'resolved' });
  expect(resolved.statusCode, resolved.body).toBe(200);
  await recorded(id, 'survey.sent');
  const answered = await post(operator, `/api/cases/${id}/survey-answers`, { answers: { satisfaction: 2, solved: false, comment } });
  expect(answered.statusCode, answered.body).toBeLessThan(300);
  await recorded(id, 'case.closed');
}

/** The citizen's call on Milan's line, as the SIP adapter records it, then ingested: an answered call opens a case. */
async function callFrom(callId: string, caller: string) {
  const at = new Date().toISOString();
  const events: CallEvent[] = [
    { callId, seq: 1, at, type: 'initiated', direction: 'inbound', caller, called: '020202', line: 'milano', linkedCallId: null },
    { callId, seq: 2, at, type: 'queued', queue: 'generale', position: 1 },
    { callId, seq: 3, at, type: 'connected', agent: 'giulia.operatrice' },
  ];
  await api.t.db.transaction().execute(async (trx) => {
    for (const e of events) await recordCallEvent(trx, e);
  });
  const ingest = createIngestion({
    db: api.t.db,
    temporal: api.w.client,
    log: pino({ level: 'silent' }),
    taskQueue: api.w.taskQueue,
    telephonyTaskQueue: api.w.telephonyTaskQueue,
    updateTimeoutMs: 30_000,
    workflowIdKey: testWorkflowIdKey,
  });
  await ingest(events[2]!);
  const row = await api.t.db.selectFrom('cases').select('id').where('description', 'like', `%${callId}%`).executeTakeFirstOrThrow();
  return row.id;
}

/** Every text, varchar, text[], json and jsonb column of every table, cast to text, searched for each term. */
async function hitsInEveryTable(terms: string[]): Promise<string[]> {
  const { rows: columns } = await sql<{ table_name: string; column_name: string }>`
    select c.table_name, c.column_name from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
    where c.table_schema = current_schema()
      and (c.data_type in ('text', 'character varying', 'json', 'jsonb', 'character') or (c.data_type = 'ARRAY' and c.udt_name in ('_text', '_varchar')))
    order by 1, 2`.execute(api.t.db);
  expect(columns.length).toBeGreaterThan(100);
  const patterns = terms.map((t) => `%${t}%`);
  const hits: string[] = [];
  for (const { table_name, column_name } of columns) {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from ${sql.table(table_name)} where ${sql.ref(column_name)}::text ilike any(${patterns}::text[])`.execute(
      api.t.db,
    );
    if (rows[0]!.n > 0) hits.push(`${table_name}.${column_name}: ${rows[0]!.n}`);
  }
  return hits;
}

/** A case workflow's history as Temporal serves it, not decoded. */
async function rawHistory(workflowId: string) {
  const { history } = await api.w.client.workflowService.getWorkflowExecutionHistory({
    namespace: api.w.namespace,
    execution: { workflowId },
  });
  return history!;
}
const payloadsOf = (h: proto.api.history.v1.IHistory) =>
  h.events!.flatMap((e) => [
    ...(e.workflowExecutionStartedEventAttributes?.input?.payloads ?? []),
    ...(e.activityTaskScheduledEventAttributes?.input?.payloads ?? []),
    ...(e.workflowExecutionCompletedEventAttributes?.result?.payloads ?? []),
    ...(e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args?.payloads ?? []),
  ]);

let citizenId: string;
let fromCall: string;
let fromWeb: string;

beforeAll(async () => {
  api = await startTestApi();
  admin = await staffClient(api.app, api.t.db, { role: 'admin', municipalities: ['milano'] });
  operator = await staffClient(api.app, api.t.db, { role: 'operator', municipalities: ['milano'] });
  // The designer's new version of general information: kept 24 months after closing, and a free-text survey question.
  const current = (await admin.inject({ url: '/api/definitions/general-information/versions/1' })).json().document;
  const next = {
    ...current,
    retentionMonths: 24,
    survey: {
      ...current.survey,
      questions: [...current.survey.questions, { key: 'comment', text: 'Vuole aggiungere qualcosa?', scale: 'free-text' }],
    },
  };
  const draft = await post(admin, '/api/definitions/general-information/drafts', next);
  expect(draft.statusCode, draft.body).toBe(201);
  expect(draft.json().document.retentionMonths).toBe(24);
  const published = await post(admin, `/api/definitions/general-information/versions/${draft.json().version}/publish`, {});
  expect(published.statusCode, published.body).toBe(200);

  // 1. The citizen calls; the operator notes their number as spoken.
  fromCall = await callFrom('sip-erasure-1', person.phone);
  const noted = await post(operator, `/api/cases/${fromCall}/notes`, { text: `Richiamare la sig.ra Ferraris al 340 123 9876` });
  expect(noted.statusCode, noted.body).toBe(200);
  await resolveAndClose(fromCall, 'Sono Ludovica Ferraris, nessuno mi ha richiamata');

  // 2. On the web with every identifier, a description naming them and a file they sent.
  const opened = await post(operator, '/api/cases', {
    municipalityId: 'milano',
    serviceCode: 'general-information',
    channel: 'web',
    subject: 'Orari anagrafe per Ludovica Ferraris',
    description: `Scrive ${person.name} (${person.email}, CF ${person.fiscalCode}) da via Benedetto Marcello 14.`,
    citizen: person,
    details: { topic: `carta d'identità di Ludovica Ferraris` },
  });
  expect(opened.statusCode, opened.body).toBe(201);
  fromWeb = opened.json().id;
  await storeAttachment(api.t.db, {
    caseId: fromWeb,
    municipalityId: 'milano',
    source: 'staff',
    fileName: 'ferraris-documento.txt',
    contentType: 'text/plain',
    content: Buffer.from(`Documento di ${person.name}, ${person.fiscalCode}`),
  });
  await recorded(fromWeb, 'case.opened');
  const row = await api.t.db.selectFrom('cases').select('citizen_id').where('id', '=', fromWeb).executeTakeFirstOrThrow();
  citizenId = row.citizen_id!;
  const other = await api.t.db.selectFrom('cases').select('citizen_id').where('id', '=', fromCall).executeTakeFirstOrThrow();
  expect(other.citizen_id).toBe(citizenId);
}, 180_000);
afterAll(() => api?.stop());

describe('erasing a citizen', () => {
  it('is refused while one of their cases is open (409 case_open), and to anyone but an administrator', async () => {
    const refused = expectProblem(await post(admin, `/api/citizens/${citizenId}/erase`, { reason: 'Richiesta prot. 2026/123' }), 409);
    expect(refused.type).toBe('urn:sportello:problem:case_open');
    expect(refused.errors).toEqual([{ path: `cases.${fromWeb}`, message: 'open' }]);
    expectProblem(await post(operator, `/api/citizens/${citizenId}/erase`, { reason: 'Richiesta prot. 2026/123' }), 403);
    expectProblem(await post(admin, `/api/citizens/${citizenId}/erase`, { reason: '' }), 400, ['body.reason']);
    expectProblem(await post(admin, '/api/citizens/nobody/erase', { reason: 'Richiesta prot. 2026/123' }), 404);
  });

  it('is refused under a legal hold (409 legal_hold) until the hold is released', async () => {
    await resolveAndClose(fromWeb, `Grazie, ${person.name} (${person.phone})`);
    const hold = await post(admin, '/api/legal-holds', { targetType: 'case', targetId: fromCall, reason: 'Ricorso al TAR n. 456/2026' });
    expect(hold.statusCode, hold.body).toBe(201);
    expect(hold.json()).toMatchObject({ municipalityId: 'milano', targetType: 'case', targetId: fromCall, releasedAt: null });
    expectProblem(await post(admin, '/api/legal-holds', { targetType: 'case', targetId: 'nope', reason: 'Ricorso' }), 404, [
      'body.targetId',
    ]);
    const listed = (await admin.inject({ url: `/api/legal-holds?active=true&targetId=${fromCall}` })).json();
    expect(listed.map((h: { id: string }) => h.id)).toEqual([hold.json().id]);

    const refused = expectProblem(await post(admin, `/api/citizens/${citizenId}/erase`, { reason: 'Richiesta prot. 2026/123' }), 409);
    expect(refused.type).toBe('urn:sportello:problem:legal_hold');

    const released = await admin.inject({ method: 'DELETE', url: `/api/legal-holds/${hold.json().id}` });
    expect(released.statusCode, released.body).toBe(200);
    expect(released.json()).toMatchObject({ releasedBy: admin.id, releasedAt: expect.any(String) });
    expectProblem(await admin.inject({ method: 'DELETE', url: `/api/legal-holds/${hold.json().id}` }), 409);
  });

  it('leaves none of their data in any table, Temporal histories undecodable, and the audit chain verifying', async () => {
    // Before: the person is everywhere (the search can find them).
    const before = await hitsInEveryTable(searched);
    expect(before).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^citizens\.name/),
        expect.stringMatching(/^cases\.citizen/),
        expect.stringMatching(/^calls\.caller/),
        expect.stringMatching(/^outbound_messages\.recipient/),
        expect.stringMatching(/^case_events\.data/),
      ]),
    );
    const history = await rawHistory(fromWeb);
    const encrypted = payloadsOf(history);
    expect(encrypted.length).toBeGreaterThan(3);
    expect((await new PayloadCipher(api.t.db, testPayloadMasterKey).decode(encrypted)).length).toBe(encrypted.length);

    // An abandoned call's callback workflow: its key goes too, whether its id is today's keyed hash
    // of line, number and day or, from before, named after the number (renamed then, too).
    const callbackId = `callback-mi-020202-${person.phone}-2026-12-06`;
    const keyedCallbackId = abandonedCallbackWorkflowId(testWorkflowIdKey, 'mi-020202', person.phone, Date.now());
    for (const id of [callbackId, keyedCallbackId])
      await insertPayloadKey(api.t.db, { id, wrapped: randomBytes(60), master_key_id: testPayloadMasterKey.id });

    const res = await post(admin, `/api/citizens/${citizenId}/erase`, { reason: 'Richiesta prot. 2026/123' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      citizenId,
      records: [citizenId],
      cases: [fromCall, fromWeb].sort(),
      calls: 1,
      attachments: 1,
      payloadKeys: 4,
    });
    expect(await payloadKey(api.t.db, callbackId)).toBeUndefined();
    expect(await payloadKey(api.t.db, keyedCallbackId)).toBeUndefined();
    expect(res.json().messages).toBeGreaterThanOrEqual(4);
    expectProblem(await post(admin, `/api/citizens/${citizenId}/erase`, { reason: 'Richiesta prot. 2026/123' }), 409);

    // Redaction rewrites an event's data and nothing else; without it, events stay append-only.
    await expect(
      api.t.db.transaction().execute(async (trx) => {
        await sql`select set_config('sportello.redaction', 'on', true)`.execute(trx);
        await sql`update case_events set type = 'forged' where case_id = ${fromWeb}`.execute(trx);
      }),
    ).rejects.toThrow(/append-only/);
    await expect(sql`update case_events set data = '{}' where case_id = ${fromWeb}`.execute(api.t.db)).rejects.toThrow(/append-only/);

    // Every table, every text and JSON column: nothing.
    expect(await hitsInEveryTable(searched)).toEqual([]);
    const file = await api.t.db
      .selectFrom('attachments')
      .select(['size', 'content'])
      .where('case_id', '=', fromWeb)
      .executeTakeFirstOrThrow();
    expect(file).toEqual({ size: 0, content: Buffer.alloc(0) });
    const links = await api.t.db.selectFrom('citizen_links').select('revoked_at').where('case_id', 'in', [fromCall, fromWeb]).execute();
    expect(links.length).toBeGreaterThan(0);
    expect(links.every((l) => l.revoked_at !== null)).toBe(true);
    const record = await api.t.db.selectFrom('citizens').selectAll().where('id', '=', citizenId).executeTakeFirstOrThrow();
    expect(record).toMatchObject({ name: null, phones: [], emails: [], fiscal_code: null, address: null, erased_at: expect.any(Date) });
    // The case keeps what the municipality's figures need, not who.
    expect((await operator.inject({ url: `/api/cases/${fromWeb}` })).json()).toMatchObject({
      status: 'resolved',
      outcome: 'resolved',
      citizen: {},
    });

    // Temporal: the raw history holds ciphertext only, and no client with the codec can read it any more.
    for (const id of [fromCall, fromWeb]) {
      const raw = Buffer.from(proto.api.history.v1.History.encode(await rawHistory(id)).finish()).toString('latin1');
      for (const term of searched) expect(raw.toLowerCase()).not.toContain(term.toLowerCase());
    }
    await expect(new PayloadCipher(api.t.db, testPayloadMasterKey).decode(encrypted)).rejects.toBeInstanceOf(PayloadKeyDestroyed);
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    try {
      const withCodec = new Client({
        connection,
        namespace: api.w.namespace,
        dataConverter: dataConverter(api.t.db, testPayloadMasterKey),
      });
      await expect(withCodec.workflow.getHandle(fromWeb).result()).rejects.toThrow(/erased/);
      const withoutCodec = new Client({ connection, namespace: api.w.namespace });
      await expect(withoutCodec.workflow.getHandle(fromCall).result()).rejects.toThrow();
    } finally {
      await connection.close();
    }

    // The audit trail: the erasure recorded by digests, and every chain still verifying.
    const audited = await api.t.db
      .selectFrom('audit_log')
      .select(['action', 'target_id'])
      .where('action', 'in', ['citizen.erased', 'case.anonymised'])
      .execute();
    expect(audited).toEqual(
      expect.arrayContaining([
        { action: 'citizen.erased', target_id: citizenId },
        { action: 'case.anonymised', target_id: fromCall },
        { action: 'case.anonymised', target_id: fromWeb },
      ]),
    );
    expect(await verifyAudit(api.t.db, auditKeys({ DATA_DIR: api.dataDir }))).toMatchObject({ ok: true });
  });

  it('leaves a later case of the same number to a new record', async () => {
    const res = await post(operator, '/api/cases', {
      municipalityId: 'milano',
      serviceCode: 'general-information',
      channel: 'phone',
      subject: 'Orari',
      citizen: { phone: person.phone },
      details: { topic: 'orari' },
    });
    expect(res.statusCode, res.body).toBe(201);
    await recorded(res.json().id, 'case.opened');
    const row = await api.t.db.selectFrom('cases').select('citizen_id').where('id', '=', res.json().id).executeTakeFirstOrThrow();
    expect(row.citizen_id).not.toBe(citizenId);
  });
});

describe('erasing a citizen who shares a phone with another', () => {
  it("leaves the other person's cases as they are, open or not", async () => {
    const open = async (citizen: object) => {
      const res = await post(operator, '/api/cases', {
        municipalityId: 'milano',
        serviceCode: 'general-information',
        channel: 'phone',
        subject: 'Orari',
        citizen,
        details: { topic: 'orari' },
      });
      expect(res.statusCode, res.body).toBe(201);
      await recorded(res.json().id, 'case.opened');
      return res.json().id as string;
    };
    const phone = '+393409990077';
    const giacomo = await open({ name: 'Giacomo Sala', phone, fiscalCode: 'SLAGCM70A01F205K' });
    // Another fiscal code: another person, another record, though the phone is the household's.
    const elena = await open({ name: 'Elena Riva', phone, fiscalCode: 'RVILNE75A41F205T' });
    await resolveAndClose(giacomo, 'ok');
    const ids = await api.t.db.selectFrom('cases').select(['id', 'citizen_id']).where('id', 'in', [giacomo, elena]).execute();
    const recordOf = Object.fromEntries(ids.map((r) => [r.id, r.citizen_id]));
    expect(recordOf[giacomo]).not.toBe(recordOf[elena]);

    const res = await post(admin, `/api/citizens/${recordOf[giacomo]}/erase`, { reason: 'Richiesta prot. 2026/124' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().cases).toEqual([giacomo]);
    expect((await operator.inject({ url: `/api/cases/${elena}` })).json().citizen).toEqual({
      name: 'Elena Riva',
      phone,
      fiscalCode: 'RVILNE75A41F205T',
    });
    expect(await hitsInEveryTable(['Giacomo', 'SLAGCM70A01F205K'])).toEqual([]);
  });
});

describe('retention', () => {
  const later = (months: number) => new Date(Date.now() + months * 31 * 24 * 3_600_000).toISOString();
  let kept: string;
  let held: string;

  it("anonymises closed cases past their service's retention, skipping those under a legal hold", async () => {
    const open = async (name: string, phone: string) => {
      const res = await post(operator, '/api/cases', {
        municipalityId: 'milano',
        serviceCode: 'general-information',
        channel: 'phone',
        subject: `Telefonata di ${name}`,
        description: `${name} chiede gli orari; numero ${phone}.`,
        citizen: { name, phone },
        details: { topic: 'orari' },
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    kept = await open('Ottavio Brambilla', '+393409990001');
    held = await open('Serena Pozzoli', '+393409990002');
    await resolveAndClose(kept, 'Ottavio Brambilla ringrazia');
    await resolveAndClose(held, 'Serena Pozzoli ringrazia');
    const hold = await post(admin, '/api/legal-holds', { targetType: 'case', targetId: held, reason: 'Esposto in procura' });
    expect(hold.statusCode, hold.body).toBe(201);

    const activities = createCaseActivities({ db: api.t.db });
    // Within the 24 months: nothing.
    expect((await activities.applyRetention({ at: later(23) })).anonymised).toEqual([]);
    // Past them: the closed case, through the workflow the nightly schedule runs.
    const result = await api.w.client.workflow.execute('retentionWorkflow', {
      taskQueue: api.w.taskQueue,
      workflowId: `retention-test-${Date.now()}`,
      args: [{ at: later(25) }],
    });
    expect(result.anonymised).toContain(kept);
    expect(result.anonymised).not.toContain(held);
    const hits = await hitsInEveryTable(['Ottavio Brambilla', 'Brambilla', '3409990001']);
    // The registry keeps the person (they may call again); the case no longer names them.
    expect(hits).toEqual(['citizens.name: 1', 'citizens.name_key: 1', 'citizens.phones: 1']);
    const anonymised = await api.t.db
      .selectFrom('cases')
      .select(['citizen_id', 'anonymised_at'])
      .where('id', '=', kept)
      .executeTakeFirstOrThrow();
    expect(anonymised).toEqual({ citizen_id: null, anonymised_at: expect.any(Date) });
    const audited = await api.t.db
      .selectFrom('audit_log')
      .select(['actor'])
      .where('action', '=', 'case.anonymised')
      .where('target_id', '=', kept)
      .execute();
    expect(audited).toEqual([{ actor: 'system:retention' }]);
    expect((await hitsInEveryTable(['Serena Pozzoli'])).length).toBeGreaterThan(2);

    // Released: the next run takes it.
    await admin.inject({ method: 'DELETE', url: `/api/legal-holds/${hold.json().id}` });
    expect((await activities.applyRetention({ at: later(25) })).anonymised).toEqual([held]);
    expect(await hitsInEveryTable(['Serena Pozzoli', 'Pozzoli', '3409990002'])).toEqual([
      'citizens.name: 1',
      'citizens.name_key: 1',
      'citizens.phones: 1',
    ]);
    expect(await verifyAudit(api.t.db, auditKeys({ DATA_DIR: api.dataDir }))).toMatchObject({ ok: true });
  }, 180_000);

  it('runs nightly from a Temporal Schedule the case worker creates once', async () => {
    expect(await ensureRetentionSchedule(api.w.client, api.w.taskQueue)).toBe(true);
    expect(await ensureRetentionSchedule(api.w.client, api.w.taskQueue)).toBe(false);
    const schedule = await api.w.client.schedule.getHandle(retentionScheduleId).describe();
    expect(schedule.action).toMatchObject({ type: 'startWorkflow', workflowType: 'retentionWorkflow' });
    expect(schedule.spec.timezone).toBe('Europe/Rome');
    await api.w.client.schedule.getHandle(retentionScheduleId).delete();
  });
});
