import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allLines } from '../../db/lines.repository.ts';
import { seedDemoReferenceData } from '../../scripts/seed.ts';
import { createIngestion } from '../../services/call-ingestion.ts';
import { type AriAdapter, startAriAdapter } from '../../telephony/ari/adapter.ts';
import { abandonedCallbackWorkflowId } from '../../services/callback-workflow-id.ts';
import { type AriStandIn, startAriStandIn } from '../helpers/ari.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { startTestWorkers, type TestWorkers, testWorkflowIdKey } from '../helpers/temporal.ts';

// The Stasis application against a stand-in of Asterisk's ARI: each test plays the event sequence
// Asterisk sends for a call (as the ARI reference describes it) and checks the REST requests the
// application made and the call events, cases and workflows that came of them.
let t: TestDatabase;
let w: TestWorkers;
let pbx: AriStandIn;
let ari: AriAdapter;
const password = 'ari-s3cret:pass';
const logged: string[] = [];

const allDays = (hours: string[]) => ({ mon: hours, tue: hours, wed: hours, thu: hours, fri: hours, sat: hours, sun: hours });
const eventsOf = async (callId: string) => {
  await ari.recorder.flush();
  return (await t.db.selectFrom('call_events').select('data').where('call_id', '=', callId).orderBy('seq').execute()).map((r) => r.data);
};
const callRow = async (callId: string) => {
  await ari.recorder.flush();
  return t.db.selectFrom('calls').selectAll().where('id', '=', callId).executeTakeFirst();
};
const caseEvents = (caseId: string, type: string) =>
  t.db.selectFrom('case_events').select(['data']).where('case_id', '=', caseId).where('type', '=', type).orderBy('seq').execute();

/** A caller reaches Milan's 020202 through `Stasis(sportello)` and presses `digit` once the IVR answered. */
async function callAndPress(id: string, caller: string, digit: string) {
  const from = pbx.requests.length;
  pbx.inbound({ id, caller, exten: '020202' });
  await pbx.next('POST', `/channels/${id}/play`, from);
  pbx.event('ChannelDtmfReceived', id, { digit, duration_ms: 120 });
  return from;
}
/** The originate that dials `endpoint`, after request `from`. */
const originated = (endpoint: string, from: number) => pbx.next('POST', '/channels', from, (r) => r.query.endpoint === endpoint);
const queued = (id: string, from: number) =>
  pbx.next('POST', '/bridges/sportello-queue-mi-informazioni/addChannel', from).then(async () => {
    await expect.poll(async () => (await eventsOf(id)).some((e) => e.type === 'queued')).toBe(true);
  });

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemoReferenceData(t.db);
  await t.db
    .insertInto('calendars')
    .values({
      id: 'test-sempre',
      municipality_id: 'milano',
      name: 'Sempre',
      spec: JSON.stringify({ weekly: allDays(['00:00-24:00']), observeHolidays: false }),
    })
    .execute();
  const milan = (await allLines(t.db)).find((l) => l.id === 'mi-020202')!;
  await t.db
    .updateTable('lines')
    .set({
      calendar_id: 'test-sempre',
      config: JSON.stringify({ ...milan.config, callback: { ...milan.config.callback, attempts: 1, minWaitSeconds: 0.2 } }),
    })
    .where('id', '=', 'mi-020202')
    .execute();

  pbx = await startAriStandIn({ username: 'sportello', password, app: 'sportello' });
  const log = pino({ level: 'debug' }, { write: (line: string) => void logged.push(line) });
  ari = await startAriAdapter(
    {
      ARI_URL: pbx.url,
      ARI_USERNAME: 'sportello',
      ARI_PASSWORD: password,
      ARI_APP: 'sportello',
      ARI_ENDPOINT_TEMPLATE: 'PJSIP/{number}@trunk',
      ARI_AGENT_ENDPOINT_TEMPLATE: 'PJSIP/{extension}',
      ARI_CALLER_ID: '020202',
      ARI_IVR_PROMPT: 'sound:sportello-{line}',
      ARI_TRANSFER_CONTEXT: 'sportello-transfer',
      ARI_MOH_CLASS: 'default',
      ARI_AGENT_RING_SECONDS: 20,
    },
    t.db,
    log,
    await allLines(t.db),
  );
  expect(ari.app.connected).toBe(true);
  w = await startTestWorkers(t.db, { dialer: ari.app });
  ari.recorder.onRecorded = createIngestion({
    db: t.db,
    temporal: w.client,
    log,
    taskQueue: w.taskQueue,
    telephonyTaskQueue: w.telephonyTaskQueue,
    updateTimeoutMs: 30_000,
    workflowIdKey: testWorkflowIdKey,
  });
});
afterAll(async () => {
  await ari?.stop();
  await w?.stop();
  await pbx?.close();
  await t?.drop();
  // Whatever went wrong or right, the ARI password never reached a log line.
  expect(logged.join('\n')).not.toContain('s3cret');
});

describe('inbound calls through the Stasis application', () => {
  it('answers, plays the IVR, queues on a key (profiled callers first), connects the operator who answered, and the case opens', async () => {
    const from = await callAndPress('1733.1', '3371110001', '1');
    await queued('1733.1', from);
    // A profiled (elderly) caller arriving later waits ahead of the first.
    const from2 = await callAndPress('1733.2', '+393401234000', '1');
    await queued('1733.2', from2);
    expect(ari.app.waiting('mi-informazioni')).toBe(2);

    expect(pbx.made('POST', '/channels/1733.1/answer', from)).toHaveLength(1);
    expect(pbx.made('POST', '/channels/1733.1/play', from)[0]!.query).toMatchObject({ media: 'sound:sportello-mi-020202' });
    expect(pbx.made('POST', '/bridges/sportello-queue-mi-informazioni', from)[0]!.query).toMatchObject({ type: 'holding' });
    expect(pbx.made('POST', '/bridges/sportello-queue-mi-informazioni/moh', from)[0]!.query).toEqual({ mohClass: 'default' });
    expect(pbx.made('POST', '/bridges/sportello-queue-mi-informazioni/addChannel', from)[0]!.query).toEqual({
      channel: '1733.1',
      role: 'participant',
    });
    expect(await eventsOf('1733.2')).toMatchObject([
      { seq: 1, type: 'initiated', direction: 'inbound', caller: '+393401234000', called: '020202', line: 'milano' },
      { seq: 2, type: 'ivr-choice', menu: 'principale', digits: '1' },
      { seq: 3, type: 'queued', queue: 'mi-informazioni', position: 1, priority: 'high' },
    ]);

    // The agent desktop connects the first caller to the operator who answered the offer.
    const before = pbx.requests.length;
    const connecting = ari.app.connect({ callId: '1733.1', agent: 'giulia.operatrice', extension: '201' });
    const originate = await originated('PJSIP/201', before);
    expect(originate.query).toMatchObject({ endpoint: 'PJSIP/201', app: 'sportello', appArgs: 'agent', callerId: '3371110001' });
    const agentChannel = originate.query.channelId!;
    pbx.answerOriginated(agentChannel);
    expect(await connecting).toBe('connected');
    const mixing = pbx.made('POST', '/bridges', before)[0]!;
    expect(mixing.query).toMatchObject({ type: 'mixing' });
    const bridge = pbx.bridges.get(mixing.query.bridgeId!)!;
    expect(bridge.channels).toEqual(['1733.1', agentChannel]);
    expect(pbx.bridges.get('sportello-queue-mi-informazioni')!.channels).toEqual(['1733.2']);
    expect(ari.app.waiting('mi-informazioni')).toBe(1);

    const caseOf = () =>
      t.db
        .selectFrom('cases')
        .select('id')
        .where(({ ref }) => ref('citizen', '->>').key('phone'), '=', '+393371110001')
        .executeTakeFirst();
    await expect.poll(caseOf).toBeDefined();
    const caseRow = (await caseOf())!;
    await expect.poll(async () => (await caseEvents(caseRow.id, 'call.attached')).length).toBe(1);
    expect(await caseEvents(caseRow.id, 'case.opened')).toHaveLength(1);
    expect((await caseEvents(caseRow.id, 'call.attached'))[0]!.data).toMatchObject({ callId: '1733.1', agent: 'giulia.operatrice' });

    // The citizen hangs up (normal clearing): the operator's leg is cleared, the call ends normally.
    const hung = pbx.requests.length;
    pbx.hangup('1733.1', 16);
    await pbx.next('DELETE', `/channels/${agentChannel}`, hung);
    expect(await callRow('1733.1')).toMatchObject({ state: 'ended', end_cause: 'normal', agent: 'giulia.operatrice' });
    await pbx.next('DELETE', `/bridges/${mixing.query.bridgeId}`, hung);

    // The profiled caller's operator does not answer: the connect fails, the caller still waits.
    const again = pbx.requests.length;
    const missed = ari.app.connect({ callId: '1733.2', agent: 'marco.operatore', extension: '202' });
    const ring = await originated('PJSIP/202', again);
    pbx.hangup(ring.query.channelId!, 19);
    expect(await missed).toBe('failed');
    expect(ari.app.waiting('mi-informazioni')).toBe(1);
    expect(await ari.app.connect({ callId: 'never-here', agent: 'x', extension: '203' })).toBe('gone');
    // …and hangs up in the queue a moment later: an abandon (the callback is the next test's).
    pbx.hangup('1733.2', 16);
    await expect.poll(async () => (await callRow('1733.2'))?.end_cause).toBe('abandoned');
  });

  it('a caller who hangs up in the queue is abandoned, and the callback workflow calls them back through ARI (answered)', async () => {
    const from = await callAndPress('1733.3', '3352223331', '1');
    await queued('1733.3', from);
    await expect.poll(async () => Date.now() - new Date((await eventsOf('1733.3'))[2]!.at).getTime()).toBeGreaterThan(300);
    const before = pbx.requests.length;
    pbx.hangup('1733.3', 16);
    await expect.poll(async () => (await callRow('1733.3'))?.state).toBe('ended');
    expect((await eventsOf('1733.3')).slice(-2)).toMatchObject([
      { type: 'abandoned', phase: 'queued' },
      { type: 'ended', cause: 'abandoned' },
    ]);
    const callback = await originated('PJSIP/3352223331@trunk', before);
    expect(callback.query).toMatchObject({ endpoint: 'PJSIP/3352223331@trunk', appArgs: 'callback', callerId: '020202', timeout: '30' });
    pbx.answerOriginated(callback.query.channelId!);
    const workflowId = abandonedCallbackWorkflowId(testWorkflowIdKey, 'mi-020202', '3352223331', Date.now());
    expect(await w.client.workflow.getHandle(workflowId).result()).toEqual({
      result: 'answered',
      attempts: [{ attempt: 1, callId: `${workflowId}:1`, outcome: 'answered' }],
    });
    expect(await callRow(`${workflowId}:1`)).toMatchObject({
      direction: 'outbound',
      state: 'connected',
      linked_call_id: '1733.3',
      municipality_id: 'milano',
    });
    pbx.hangup(callback.query.channelId!, 16);
    await expect.poll(async () => (await callRow(`${workflowId}:1`))?.end_cause).toBe('normal');
  });

  it("transfers to the office's number by continuing in the dialplan; a refused transfer queues the caller instead", async () => {
    const from = await callAndPress('1733.4', '3363334441', '9');
    const cont = await pbx.next('POST', '/channels/1733.4/continue', from);
    expect(cont.query).toEqual({ context: 'sportello-transfer', extension: '0288451111', priority: '1' });
    await expect.poll(async () => (await callRow('1733.4'))?.end_cause).toBe('transferred');
    expect((await eventsOf('1733.4')).slice(-2)).toMatchObject([
      { type: 'transferred', mode: 'blind', target: '0288451111', newCallId: '1733.4;transfer=0288451111' },
      { type: 'ended', cause: 'transferred' },
    ]);
    expect(await callRow('1733.4;transfer=0288451111')).toMatchObject({ linked_call_id: '1733.4', called: '0288451111' });

    pbx.refuse('POST', /\/channels\/1733\.5\/continue$/, 409, 'Channel not in Stasis application');
    const from2 = await callAndPress('1733.5', '3363334442', '9');
    await queued('1733.5', from2);
    expect((await eventsOf('1733.5')).map((e) => e.type)).toEqual(['initiated', 'ivr-choice', 'queued']);
    pbx.hangup('1733.5', 16);
    await expect.poll(async () => (await callRow('1733.5'))?.end_cause).toBe('abandoned');
  });

  it('a call ARI refuses to answer is hung up and recorded failed; a call to no line is refused', async () => {
    pbx.refuse('POST', /\/channels\/1733\.6\/answer$/, 409, 'Channel not in Stasis application');
    const from = pbx.requests.length;
    pbx.inbound({ id: '1733.6', caller: '3374445551', exten: '020202' });
    await pbx.next('DELETE', '/channels/1733.6', from);
    await expect.poll(async () => (await callRow('1733.6'))?.end_cause).toBe('failed');

    pbx.inbound({ id: '1733.7', caller: '3374445552', exten: '0999' });
    expect((await pbx.next('DELETE', '/channels/1733.7', from)).query).toEqual({ reason: 'congestion' });
    await expect.poll(async () => (await callRow('1733.7'))?.end_cause).toBe('rejected');
    expect((await callRow('1733.7'))?.municipality_id).toBeNull();
  });
});

describe('callbacks originated through ARI', () => {
  const dial = async (callId: string, cause: number | 'answer') => {
    const before = pbx.requests.length;
    const outcome = ari.app.call('3385556661', { callId, ringSeconds: 30 });
    const originate = await originated('PJSIP/3385556661@trunk', before);
    pbx.event('ChannelStateChange', originate.query.channelId!);
    if (cause === 'answer') pbx.answerOriginated(originate.query.channelId!);
    else pbx.hangup(originate.query.channelId!, cause);
    return { outcome: await outcome, channelId: originate.query.channelId! };
  };

  it('maps the hangup cause of an unanswered callback: 17 busy, 19 no answer, 21 rejected; answered is connected', async () => {
    expect((await dial('cb-busy', 17)).outcome).toBe('busy');
    expect((await dial('cb-noanswer', 19)).outcome).toBe('no-answer');
    expect((await dial('cb-rejected', 21)).outcome).toBe('failed');
    expect((await dial('cb-congestion', 34)).outcome).toBe('failed');
    const answered = await dial('cb-answered', 'answer');
    expect(answered.outcome).toBe('answered');
    expect(await callRow('cb-busy')).toMatchObject({
      direction: 'outbound',
      end_cause: 'busy',
      caller: '020202',
      municipality_id: 'milano',
    });
    expect((await callRow('cb-noanswer'))?.end_cause).toBe('no-answer');
    expect((await callRow('cb-rejected'))?.end_cause).toBe('rejected');
    expect((await callRow('cb-congestion'))?.end_cause).toBe('failed');
    expect((await callRow('cb-answered'))?.state).toBe('connected');
    await ari.app.hangup('cb-answered');
    await expect.poll(async () => (await callRow('cb-answered'))?.end_cause).toBe('normal');
    // An attempt still ringing is not rung twice.
    const before = pbx.requests.length;
    const ringing = ari.app.call('3385556663', { callId: 'cb-twice', ringSeconds: 30 });
    const first = await originated('PJSIP/3385556663@trunk', before);
    expect(await ari.app.call('3385556663', { callId: 'cb-twice', ringSeconds: 30 })).toBe('failed');
    pbx.hangup(first.query.channelId!, 19);
    expect(await ringing).toBe('no-answer');
    expect(pbx.made('POST', '/channels', before).filter((r) => r.query.endpoint === 'PJSIP/3385556663@trunk')).toHaveLength(1);
  });

  it('an originate ARI refuses (400) is a failed attempt, recorded as such', async () => {
    const to = (endpoint: string) => (r: { query: Record<string, string> }) => r.query.endpoint === endpoint;
    pbx.refuse('POST', /^\/channels$/, 400, 'Invalid parameters for originating a channel.', to('PJSIP/3385556662@trunk'));
    expect(await ari.app.call('3385556662', { callId: 'cb-refused', ringSeconds: 30 })).toBe('failed');
    expect((await eventsOf('cb-refused')).map((e) => e.type)).toEqual(['initiated', 'ended']);
    expect((await callRow('cb-refused'))?.end_cause).toBe('failed');
    expect(await ari.app.call('12', { callId: 'cb-short', ringSeconds: 30 })).toBe('failed');
    // Refused operator leg: the connect fails, the caller keeps waiting.
    const from = await callAndPress('1733.8', '3396667771', '1');
    await queued('1733.8', from);
    pbx.refuse('POST', /^\/channels$/, 400, 'Invalid parameters for originating a channel.', to('PJSIP/201'));
    expect(await ari.app.connect({ callId: '1733.8', agent: 'giulia.operatrice', extension: '201' })).toBe('failed');
    expect(ari.app.waiting('mi-informazioni')).toBe(1);
    pbx.hangup('1733.8', 16);
    await expect.poll(async () => (await callRow('1733.8'))?.end_cause).toBe('abandoned');
  });
});

describe('the event WebSocket', () => {
  it('reconnects with back-off after being dropped, and records the calls that ended while it was down', async () => {
    const from = await callAndPress('1733.9', '3317778881', '1');
    await queued('1733.9', from);
    const connections = pbx.connections;
    // The network drops; two reconnection attempts are refused; the caller hangs up meanwhile, unseen.
    pbx.dropWebSockets(2);
    pbx.hangup('1733.9', 16, { withEvents: false });
    await expect.poll(() => pbx.connections, { timeout: 60_000 }).toBeGreaterThan(connections);
    await expect.poll(async () => (await callRow('1733.9'))?.end_cause).toBe('abandoned');
    expect(pbx.made('GET', '/channels', from).length).toBeGreaterThan(0);
    expect(logged.some((l) => l.includes('ARI WebSocket lost'))).toBe(true);
    // Calls are taken again on the new connection.
    const next = await callAndPress('1733.10', '3317778882', '1');
    await queued('1733.10', next);
    pbx.hangup('1733.10', 16);
    await expect.poll(async () => (await callRow('1733.10'))?.end_cause).toBe('abandoned');
  });
});
