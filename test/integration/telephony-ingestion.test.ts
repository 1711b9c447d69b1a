import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allLines } from '../../db/lines.repository.ts';
import { seedDemoReferenceData } from '../../scripts/seed.ts';
import { CallEventRecorder } from '../../services/call-recorder.ts';
import { createIngestion } from '../../services/call-ingestion.ts';
import { type SipAdapter, startSipAdapter } from '../../telephony/sip/adapter.ts';
import { abandonedCallbackWorkflowId } from '../../services/callback-workflow-id.ts';
import { abandonedCallbackWorkflowType } from '../../workflows/abandoned-callback.definitions.ts';
import { buildTestApp, expectProblem } from '../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { freeUdpPort, killSipp, runSipp, sippAddress, uaAddress } from '../helpers/sipp.ts';
import { startTestWorkers, type TestWorkers, testWorkflowIdKey } from '../helpers/temporal.ts';

let t: TestDatabase;
let w: TestWorkers;
let sip: SipAdapter;
let app: FastifyInstance;
let pbxPort: number; // where SIPp plays the citizen's phone for callbacks

const allDays = (hours: string[]) => ({ mon: hours, tue: hours, wed: hours, thu: hours, fri: hours, sat: hours, sun: hours });

/** SIPp calls Milan's 020202 as `caller` (a prefix: its first call is `${caller}1`), presses 1 (queue mi-informazioni) and hangs up after `waitMs`. */
const queueCall = async (caller: string, waitMs: number) =>
  runSipp('queue-call.xml', [
    `${uaAddress}:${sip.ua.address.port}`,
    '-p',
    String(await freeUdpPort()),
    '-mp',
    String(await freeUdpPort()),
    '-s',
    '020202',
    '-key',
    'caller',
    caller,
    '-d',
    String(waitMs),
    '-m',
    '1',
    '-timeout',
    '20s',
    '-timeout_error',
  ]).done;
const until = async <T>(what: () => Promise<T | undefined | null | false>, timeoutMs = 15_000): Promise<T> => {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await what();
    if (value) return value;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
};
const caseEvents = (caseId: string, type: string) =>
  t.db.selectFrom('case_events').select(['data']).where('case_id', '=', caseId).where('type', '=', type).orderBy('seq').execute();

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemoReferenceData(t.db);
  // Deterministic hours whatever the time of the run: Milan's line always open, Florence's never.
  await t.db
    .insertInto('calendars')
    .values([
      {
        id: 'test-sempre',
        municipality_id: 'milano',
        name: 'Sempre',
        spec: JSON.stringify({ weekly: allDays(['00:00-24:00']), observeHolidays: false }),
      },
      { id: 'test-mai', municipality_id: 'firenze', name: 'Mai', spec: JSON.stringify({ weekly: allDays([]) }) },
    ])
    .execute();
  const milan = (await allLines(t.db)).find((l) => l.id === 'mi-020202')!;
  await t.db
    .updateTable('lines')
    .set({
      calendar_id: 'test-sempre',
      config: JSON.stringify({
        ...milan.config,
        callback: { ...milan.config.callback, attempts: 2, spacingMinutes: 0.01, minWaitSeconds: 0.5 },
      }),
    })
    .where('id', '=', 'mi-020202')
    .execute();
  await t.db.updateTable('lines').set({ calendar_id: 'test-mai' }).where('id', '=', 'fi-055055').execute();

  pbxPort = await freeUdpPort();
  const log = pino({ level: 'silent' });
  sip = await startSipAdapter(
    {
      SIP_BIND_ADDRESS: uaAddress,
      SIP_PORT: 0,
      SIP_PBX_ADDRESS: `${sippAddress}:${pbxPort}`,
      SIP_CALLER_ID: '020202',
      SIP_ANSWER_AFTER_MS: 100,
    },
    t.db,
    log,
    await allLines(t.db),
  );
  w = await startTestWorkers(t.db, { dialer: sip.dialer });
  sip.recorder.onRecorded = createIngestion({
    db: t.db,
    temporal: w.client,
    log,
    taskQueue: w.taskQueue,
    telephonyTaskQueue: w.telephonyTaskQueue,
    updateTimeoutMs: 30_000,
    workflowIdKey: testWorkflowIdKey,
  });
  app = await buildTestApp(t.db, w);
});
afterAll(async () => {
  killSipp();
  await sip?.stop();
  await app?.close();
  await w?.stop();
  await t?.drop();
});

describe('SIP calls into workflows', () => {
  it('a caller who hangs up in the queue is called back over SIP (answered), linked to the abandoned call; a second abandon the same day starts nothing', async () => {
    const phone = runSipp('callback-answered.xml', [
      '-p',
      String(pbxPort),
      '-mp',
      String(await freeUdpPort()),
      '-m',
      '1',
      '-timeout',
      '20s',
      '-timeout_error',
    ]);
    await phone.listening;
    const run = await queueCall('335111222', 1000);
    expect(run.code, run.output).toBe(0);
    await sip.recorder.flush();
    const abandoned = await t.db.selectFrom('calls').selectAll().where('caller', '=', '3351112221').executeTakeFirstOrThrow();
    expect(abandoned).toMatchObject({ state: 'ended', end_cause: 'abandoned', queue: 'mi-informazioni', ivr_choice: '1' });
    const queued = await t.db
      .selectFrom('call_events')
      .select('data')
      .where('call_id', '=', abandoned.id)
      .where('type', '=', 'queued')
      .executeTakeFirstOrThrow();
    expect(queued.data).toMatchObject({ queue: 'mi-informazioni', position: 1, priority: 'normal' });

    const workflowId = abandonedCallbackWorkflowId(testWorkflowIdKey, 'mi-020202', '3351112221', Date.now());
    const handle = w.client.workflow.getHandle(workflowId);
    // Workflow ids are readable by whoever reads Temporal: the one started holds the line and the day, and no digit of the number.
    await expect
      .poll(() =>
        handle
          .describe()
          .then((d) => d.type)
          .catch(() => null),
      )
      .toBe(abandonedCallbackWorkflowType);
    expect(workflowId).toMatch(/^callback-mi-020202-\d{4}-\d{2}-\d{2}-[a-p]{32}$/);
    const ids: string[] = [];
    for await (const wf of w.client.workflow.list()) ids.push(wf.workflowId);
    expect(ids).toContain(workflowId);
    expect(ids.filter((id) => /335111|1112221/.test(id))).toEqual([]);
    // The workflow answers once the citizen picked up; the operator's end of the call then hangs up.
    const callback = await until(async () =>
      t.db.selectFrom('calls').selectAll().where('id', '=', `${workflowId}:1`).where('state', '=', 'connected').executeTakeFirst(),
    );
    expect(callback).toMatchObject({
      direction: 'outbound',
      called: '3351112221',
      linked_call_id: abandoned.id,
      municipality_id: 'milano',
    });
    expect(await handle.result()).toEqual({
      result: 'answered',
      attempts: [{ attempt: 1, callId: `${workflowId}:1`, outcome: 'answered' }],
    });
    sip.ua.hangup(`${workflowId}:1`);
    const answered = await phone.done;
    expect(answered.code, answered.output).toBe(0);

    const { runId } = await handle.describe();
    const again = await queueCall('335111222', 1000);
    expect(again.code, again.output).toBe(0);
    await sip.recorder.flush();
    expect((await handle.describe()).runId).toBe(runId);
    const outbound = await t.db
      .selectFrom('calls')
      .select('id')
      .where('called', '=', '3351112221')
      .where('direction', '=', 'outbound')
      .execute();
    expect(outbound).toHaveLength(1);
  });

  it('an answered call opens a case for the operator (call.attached); the same caller’s next call attaches to that open case', async () => {
    const answer = async () => {
      const run = queueCall('336111333', 2500);
      const callId = await until(
        async () => sip.ua.waiting('mi-informazioni') > 0 && sip.ua.pickUp('mi-informazioni', 'giulia.operatrice'),
      );
      expect((await run).code).toBe(0);
      await sip.recorder.flush();
      return callId;
    };
    const first = await answer();
    const opened = await t.db
      .selectFrom('cases')
      .selectAll()
      .where(({ ref }) => ref('citizen', '->>').key('phone'), '=', '+393361113331')
      .execute();
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({
      municipality_id: 'milano',
      service_code: 'general-information',
      channel: 'phone',
      details: { topic: 'Informazioni generali' },
    });
    const caseId = opened[0]!.id;
    expect(await caseEvents(caseId, 'case.opened')).toHaveLength(1);
    await until(async () => (await caseEvents(caseId, 'call.attached')).length === 1);
    expect((await caseEvents(caseId, 'call.attached'))[0]!.data).toMatchObject({
      callId: first,
      agent: 'giulia.operatrice',
      lineId: 'mi-020202',
      caller: '3361113331',
    });

    const second = await answer();
    await until(async () => (await caseEvents(caseId, 'call.attached')).length === 2);
    expect((await caseEvents(caseId, 'call.attached'))[1]!.data).toMatchObject({ callId: second });
    expect(
      await t.db
        .selectFrom('cases')
        .select('id')
        .where(({ ref }) => ref('citizen', '->>').key('phone'), '=', '+393361113331')
        .execute(),
    ).toHaveLength(1);
    expect(await t.db.selectFrom('calls').select('state').where('id', '=', second).executeTakeFirst()).toEqual({ state: 'ended' });
  });
});

describe('after a crash between recording and acting', () => {
  it("acts on the recorded events it had not acted on: the abandoned caller's callback still starts", async () => {
    const recorder = new CallEventRecorder(t.db, pino({ level: 'silent' }));
    recorder.onRecorded = async () => {
      throw new Error('the worker stopped here');
    };
    const callId = 'crash-test-call';
    // On Florence's line, which never opens in this test: no call can be placed, the caller gets the text.
    recorder.record({
      callId,
      type: 'initiated',
      direction: 'inbound',
      caller: '3371234567',
      called: '055055',
      line: 'firenze',
      linkedCallId: null,
    });
    recorder.record({ callId, type: 'ivr-choice', menu: 'main', digits: '1' });
    recorder.record({ callId, type: 'queued', queue: 'fi-informazioni', position: 1 });
    recorder.record({ callId, type: 'abandoned', phase: 'queued', waitSeconds: 95 });
    recorder.record({ callId, type: 'ended', cause: 'abandoned' });
    await recorder.flush();
    expect(await t.db.selectFrom('calls').select(['last_seq', 'ingested_seq']).where('id', '=', callId).executeTakeFirst()).toEqual({
      last_seq: 5,
      ingested_seq: 0,
    });

    // The restarted worker's catch-up, with a working ingestion.
    recorder.onRecorded = sip.recorder.onRecorded;
    expect(await recorder.catchUp()).toBe(5);
    expect(await t.db.selectFrom('calls').select('ingested_seq').where('id', '=', callId).executeTakeFirst()).toEqual({ ingested_seq: 5 });
    const started = await t.db
      .selectFrom('call_events')
      .select('at')
      .where('call_id', '=', callId)
      .where('type', '=', 'abandoned')
      .executeTakeFirstOrThrow();
    const handle = w.client.workflow.getHandle(
      abandonedCallbackWorkflowId(testWorkflowIdKey, 'fi-055055', '3371234567', started.at.getTime()),
    );
    expect((await handle.describe()).type).toBe('abandonedCallbackWorkflow');
    expect(await recorder.catchUp()).toBe(0);
    expect(await handle.result()).toEqual({ attempts: [], result: 'fallback' });
  });
});

describe('CTI webhook (Zammad generic CTI)', () => {
  const cti = (line: string, body: Record<string, unknown> | string, token = `demo-cti-token-${line.slice(3)}`) =>
    app.inject({
      method: 'POST',
      url: `/api/cti/${line}?token=${encodeURIComponent(token)}`,
      ...(typeof body === 'string'
        ? { payload: body, headers: { 'content-type': 'application/x-www-form-urlencoded' } }
        : { payload: body }),
    });
  const eventsOf = async (callId: string) =>
    (await t.db.selectFrom('call_events').select('data').where('call_id', '=', callId).orderBy('seq').execute()).map((r) => r.data);

  it('newCall (form-encoded, user[]), answer and hangup become call events and a case with the call attached; repeats change nothing', async () => {
    const newCall = 'event=newCall&direction=in&from=3471112233&to=020202&callId=cti-1&user%5B%5D=Giulia&queue=mi-informazioni';
    expect((await cti('mi-020202', newCall)).json()).toEqual({});
    expect((await cti('mi-020202', newCall)).statusCode).toBe(200);
    const answer = {
      event: 'answer',
      callId: 'cti-1',
      user: 'giulia.operatrice',
      answeringNumber: '201',
      direction: 'in',
      from: '3471112233',
      to: '020202',
    };
    expect((await cti('mi-020202', answer)).statusCode).toBe(200);
    expect((await cti('mi-020202', answer)).statusCode).toBe(200);
    const hangup = 'event=hangup&callId=cti-1&cause=normalClearing&direction=in&from=3471112233&to=020202&answeringNumber=201';
    expect((await cti('mi-020202', hangup)).statusCode).toBe(200);
    expect((await cti('mi-020202', hangup)).statusCode).toBe(200);
    expect(await eventsOf('cti-1')).toMatchObject([
      { seq: 1, type: 'initiated', direction: 'inbound', caller: '3471112233', called: '020202', line: 'milano' },
      { seq: 2, type: 'queued', queue: 'mi-informazioni', priority: 'normal' },
      { seq: 3, type: 'connected', agent: 'giulia.operatrice' },
      { seq: 4, type: 'ended', cause: 'normal' },
    ]);
    const opened = await t.db
      .selectFrom('cases')
      .select('id')
      .where(({ ref }) => ref('citizen', '->>').key('phone'), '=', '+393471112233')
      .executeTakeFirstOrThrow();
    await until(async () => (await caseEvents(opened.id, 'call.attached')).length === 1);
  });

  it('answers routing per Zammad: a profiled caller is dialled to the priority number, a closed rejecting line rejects as busy', async () => {
    const profiled = await cti('mi-020202', {
      event: 'newCall',
      direction: 'in',
      from: '3401234000',
      to: '020202',
      callId: 'cti-2',
      user: ['Giulia'],
    });
    expect(profiled.json()).toEqual({ action: 'dial', number: '0202029' });
    const closed = await cti('fi-055055', { event: 'newCall', direction: 'in', from: '3479998877', to: '055055', callId: 'cti-3' });
    expect(closed.json()).toEqual({ action: 'reject', reason: 'busy' });
    // Cancelled while ringing: an abandon, no callback (only a queue abandon earns one).
    await cti('fi-055055', { event: 'hangup', callId: 'cti-3', cause: 'cancel' });
    expect((await eventsOf('cti-3')).map((e) => e.type)).toEqual(['initiated', 'abandoned', 'ended']);
  });

  it('refuses a wrong or missing token (401), malformed events (400) and calls it never heard of (422)', async () => {
    expectProblem(await cti('mi-020202', { event: 'hangup', callId: 'cti-1', cause: 'cancel' }, 'wrong'), 401);
    expectProblem(await cti('fi-055055', { event: 'hangup', callId: 'cti-1', cause: 'cancel' }, 'demo-cti-token-020202'), 401);
    expectProblem(await app.inject({ method: 'POST', url: '/api/cti/mi-020202', payload: { event: 'newCall' } }), 401);
    expectProblem(await cti('mi-020202', { event: 'hangup', callId: 'cti-1', cause: 'exploded' }), 400);
    expectProblem(await cti('mi-020202', { event: 'ring', callId: 'cti-1' }), 400);
    expectProblem(await cti('mi-020202', 'event=newCall&direction=sideways&from=1&to=020202&callId=x'), 400);
    expectProblem(await cti('mi-020202', '%%%not a form'), 400);
    expectProblem(await cti('mi-020202', { event: 'answer', callId: 'never-seen', user: 'x' }), 422, ['body.callId']);
  });
});
