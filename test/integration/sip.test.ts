import dgram from 'node:dgram';
import net from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordCallEvent } from '../../db/calls.repository.ts';
import { seedDemoReferenceData } from '../../scripts/seed.ts';
import { CallEventRecorder } from '../../services/call-recorder.ts';
import { SipCallEvents } from '../../telephony/sip/call-events.ts';
import { SipDialer } from '../../telephony/sip/dialer.ts';
import { SipUserAgent } from '../../telephony/sip/user-agent.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { freeUdpPort, killSipp, runSipp, sippAddress, uaAddress } from '../helpers/sipp.ts';

let t: TestDatabase;
let ua: SipUserAgent;
let recorder: CallEventRecorder;
let dialer: SipDialer;
let pbxPort: number; // where SIPp plays the citizen's phone for outbound calls

const lines: Record<string, string> = { '020202': 'milano', '055055': 'firenze' };
const transferTarget = '0288453010';

/** An inbound scenario: SIPp calls `line` on the user agent once. */
const callIn = async (scenario: string, line: string, timeoutSeconds = 20) => {
  const port = await freeUdpPort();
  const run = await runSipp(
    scenario,
    [
      `${uaAddress}:${ua.address.port}`,
      '-p',
      String(port),
      '-mp',
      String(await freeUdpPort()),
      '-s',
      line,
      '-m',
      '1',
      '-timeout',
      `${timeoutSeconds}s`,
      '-timeout_error',
    ],
    (timeoutSeconds + 10) * 1000,
  ).done;
  expect(run.code, run.output).toBe(0);
};
/** SIPp as the citizen's phone, ready for one call. */
const phone = async (scenario: string) => {
  const sipp = runSipp(scenario, [
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
  await sipp.listening;
  return { finished: sipp.done };
};

const contactOf = async (caller: string) => {
  await recorder.flush();
  return t.db.selectFrom('calls').selectAll().where('caller', '=', caller).where('linked_call_id', 'is', null).executeTakeFirstOrThrow();
};
const eventsOf = async (callId: string) => {
  await recorder.flush();
  const rows = await t.db.selectFrom('call_events').select(['seq', 'type', 'data']).where('call_id', '=', callId).orderBy('seq').execute();
  return rows.map((r) => r.data);
};

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemoReferenceData(t.db);
  pbxPort = await freeUdpPort();
  const log = pino({ level: 'silent' });
  recorder = new CallEventRecorder(t.db, log);
  ua = await SipUserAgent.start({
    bind: { address: uaAddress, port: 0 },
    pbx: { address: sippAddress, port: pbxPort },
    callerId: '020202',
    ringMs: 600,
    ivr: () => ({ menu: 'main', transfers: { 9: transferTarget }, fallbackQueue: 'operators' }),
    events: new SipCallEvents(recorder, (n) => lines[n] ?? null),
    log,
  });
  dialer = new SipDialer(ua);
});
afterAll(async () => {
  killSipp();
  await ua?.close();
  await recorder?.flush();
  await t?.drop();
});

describe('inbound calls (SIPp calls the user agent)', () => {
  it('answers, reads DTMF sent as SIP INFO and as RFC 4733 RTP events, and records the call until the caller hangs up', async () => {
    await callIn('inbound-ivr.xml', '020202');
    const call = await contactOf('3331234567');
    expect(call).toMatchObject({
      direction: 'inbound',
      called: '020202',
      municipality_id: 'milano',
      state: 'ended',
      end_cause: 'normal',
      ivr_choice: '7',
    });
    expect(await eventsOf(call.id)).toMatchObject([
      { seq: 1, type: 'initiated', direction: 'inbound', caller: '3331234567', called: '020202', line: 'milano', linkedCallId: null },
      { seq: 2, type: 'ivr-choice', menu: 'main', digits: '4' },
      { seq: 3, type: 'ivr-choice', menu: 'main', digits: '7' },
      { seq: 4, type: 'ended', cause: 'normal' },
    ]);
    expect(ua.activeCalls).toBe(0);
  });

  it('records an abandon while ringing: CANCEL is answered 200, the INVITE 487, and the ACK closes it', async () => {
    await callIn('abandon-ringing.xml', '055055');
    const call = await contactOf('3339876543');
    expect(call).toMatchObject({ municipality_id: 'firenze', state: 'ended', end_cause: 'abandoned' });
    const events = await eventsOf(call.id);
    expect(events.map((e) => e.type)).toEqual(['initiated', 'abandoned', 'ended']);
    expect(events[1]).toMatchObject({ phase: 'ringing' });
    expect(call.wait_seconds).toBeGreaterThan(0.1);
    expect(call.wait_seconds).toBeLessThan(0.6);
  });

  it('hangs up with BYE when its 200 OK is never acknowledged (64·T1, RFC 3261 §13.3.1.4) and records the call as failed', async () => {
    await callIn('no-ack.xml', '020202', 50);
    const call = await contactOf('3364445566');
    expect(call).toMatchObject({ state: 'ended', end_cause: 'failed' });
    expect((await eventsOf(call.id)).map((e) => (e.type === 'ended' ? e.cause : e.type))).toEqual(['initiated', 'failed']);
    expect(ua.activeCalls).toBe(0);
  });

  it('transfers blind with REFER on an IVR choice, follows the NOTIFY sipfrag, hangs up, and links the new contact', async () => {
    await callIn('blind-transfer.xml', '055055');
    const call = await contactOf('3405556677');
    expect(call).toMatchObject({ state: 'ended', end_cause: 'transferred', ivr_choice: '9' });
    const events = await eventsOf(call.id);
    expect(events.map((e) => e.type)).toEqual(['initiated', 'ivr-choice', 'transferred', 'ended']);
    expect(events[2]).toMatchObject({ mode: 'blind', target: transferTarget });
    const transferred = await t.db.selectFrom('calls').selectAll().where('linked_call_id', '=', call.id).executeTakeFirstOrThrow();
    expect(transferred).toMatchObject({ caller: '3405556677', called: transferTarget, municipality_id: 'firenze', state: 'initiated' });
  });
});

describe('a transfer the PBX refuses', () => {
  it('answered 603 to the REFER: recorded as transfer-failed, the caller waits in the fallback queue until hanging up', async () => {
    await callIn('refer-refused.xml', '055055');
    const call = await contactOf('3405556688');
    expect(call).toMatchObject({ state: 'ended', end_cause: 'abandoned', ivr_choice: '9', queue: 'operators' });
    expect(await eventsOf(call.id)).toMatchObject([
      { type: 'initiated' },
      { type: 'ivr-choice', digits: '9' },
      { type: 'transfer-failed', target: transferTarget, status: 603, newCallId: null },
      { type: 'queued', queue: 'operators', position: 1, priority: 'normal' },
      { type: 'abandoned', phase: 'queued' },
      { type: 'ended', cause: 'abandoned' },
    ]);
    // No leg to the target was opened, and nothing of the call is left in the user agent.
    expect(await t.db.selectFrom('calls').select('id').where('linked_call_id', '=', call.id).execute()).toEqual([]);
    expect(ua.waiting('operators')).toBe(0);
    expect(ua.activeCalls).toBe(0);
  });

  it('a NOTIFY sipfrag 486 after 202: transfer-failed with the status, the leg to the target ended, the caller back in the queue', async () => {
    await callIn('transfer-busy.xml', '055055');
    const call = await contactOf('3405556699');
    expect(call).toMatchObject({ state: 'ended', end_cause: 'abandoned', queue: 'operators' });
    const events = await eventsOf(call.id);
    expect(events.map((e) => e.type)).toEqual([
      'initiated',
      'ivr-choice',
      'transferred',
      'transfer-failed',
      'queued',
      'abandoned',
      'ended',
    ]);
    const leg = await t.db.selectFrom('calls').selectAll().where('linked_call_id', '=', call.id).executeTakeFirstOrThrow();
    expect(events[3]).toMatchObject({ target: transferTarget, status: 486, newCallId: leg.id });
    expect(leg).toMatchObject({ called: transferTarget, state: 'ended', end_cause: 'failed' });
    expect(ua.activeCalls).toBe(0);
  });
});

describe('outbound callbacks (SIPp is the citizen’s phone)', () => {
  it('answered: INVITE, 180, 200, ACK; the dialer says answered and the call ends with our BYE', async () => {
    const sipp = await phone('callback-answered.xml');
    expect(await dialer.call('3471234567', { callId: 'callback-answered-1', ringSeconds: 10 })).toBe('answered');
    ua.hangup('callback-answered-1');
    const run = await sipp.finished;
    expect(run.code, run.output).toBe(0);
    expect(await eventsOf('callback-answered-1')).toMatchObject([
      { type: 'initiated', direction: 'outbound', caller: '020202', called: '3471234567', line: 'milano' },
      { type: 'connected', agent: null },
      { type: 'ended', cause: 'normal' },
    ]);
  });

  it('busy: 486 is acknowledged and the dialer says busy', async () => {
    const sipp = await phone('callback-busy.xml');
    expect(await dialer.call('3471234568', { callId: 'callback-busy-1', ringSeconds: 10 })).toBe('busy');
    const run = await sipp.finished;
    expect(run.code, run.output).toBe(0);
    expect((await eventsOf('callback-busy-1')).map((e) => (e.type === 'ended' ? e.cause : e.type))).toEqual(['initiated', 'busy']);
  });

  it('unanswered: CANCEL at the ring timeout, 487 acknowledged, the dialer says no-answer', async () => {
    const sipp = await phone('callback-no-answer.xml');
    const t0 = Date.now();
    expect(await dialer.call('3471234569', { callId: 'callback-no-answer-1', ringSeconds: 1 })).toBe('no-answer');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    const run = await sipp.finished;
    expect(run.code, run.output).toBe(0);
    expect((await eventsOf('callback-no-answer-1')).map((e) => (e.type === 'ended' ? e.cause : e.type))).toEqual([
      'initiated',
      'no-answer',
    ]);
  });

  it('nobody there: no answer at all by the ring timeout fails without a call; an undiallable number fails at once', async () => {
    const silentPbx = await SipUserAgent.start({
      bind: { address: uaAddress, port: 0 },
      pbx: { address: sippAddress, port: await freeUdpPort() },
      callerId: '020202',
      ringMs: 0,
      ivr: () => ({ menu: 'main', transfers: {} }),
      events: new SipCallEvents(recorder, () => null),
      log: pino({ level: 'silent' }),
    });
    try {
      expect(await new SipDialer(silentPbx).call('3471234570', { callId: 'callback-nobody-1', ringSeconds: 1 })).toBe('failed');
    } finally {
      await silentPbx.close();
    }
    expect(await dialer.call('sip:evil@example.org', { callId: 'callback-bad-1', ringSeconds: 1 })).toBe('failed');
    expect((await eventsOf('callback-nobody-1')).map((e) => (e.type === 'ended' ? e.cause : e.type))).toEqual(['initiated', 'failed']);
    expect(await eventsOf('callback-bad-1')).toEqual([]);
  });
});

describe('bad input and duplicates', () => {
  // The user agent answers in order: once the last datagram's answer is in, so are the others'.
  const exchange = async (datagrams: string[]) => {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, sippAddress, resolve));
    const answers: string[] = [];
    const lastCallId = /Call-ID: (\S+)/.exec(datagrams.at(-1)!)![0];
    const lastAnswered = new Promise<void>((resolve) =>
      socket.on('message', (m) => {
        answers.push(m.toString());
        if (m.toString().includes(lastCallId)) resolve();
      }),
    );
    for (const d of datagrams) socket.send(d.replaceAll('\n', '\r\n'), ua.address.port, uaAddress);
    await lastAnswered;
    socket.close();
    return answers;
  };

  it('answers malformed requests 400, drops garbage, and keeps working', async () => {
    const via = `Via: SIP/2.0/UDP ${sippAddress}:5999;branch=z9hG4bK-bad-1`;
    const answers = await exchange([
      `INVITE sip:020202@${uaAddress} SIP/2.0\n${via}\nFrom: <sip:a@b>;tag=1\nTo: <sip:020202@${uaAddress}>\nCall-ID: bad-1\nContent-Length: 0\n\n`, // no CSeq
      `INVITE sip:020202@${uaAddress} SIP/2.0\n${via}2\nFrom: <sip:a@b>;tag=1\nTo: <sip:020202@${uaAddress}>\nCall-ID: bad-2\nCSeq: 1 BYE\nContent-Length: 0\n\n`, // CSeq of another method
      `INFO sip:x SIP/2.0\n${via}3\nFrom: <sip:a@b>;tag=1\nTo: <sip:x>\nCall-ID: bad-3\nCSeq: 1 INFO\nContent-Length: 500\n\nshort`, // truncated body
      '\u0000\u0001garbage that is no SIP at all',
      `OPTIONS sip:${uaAddress} SIP/2.0\n${via}4\nFrom: <sip:a@b>;tag=1\nTo: <sip:x>\nCall-ID: ok-1\nCSeq: 7 OPTIONS\nContent-Length: 0\n\n`,
    ]);
    expect(answers.filter((a) => a.startsWith('SIP/2.0 400'))).toHaveLength(3);
    expect(answers.find((a) => a.includes('Call-ID: bad-1'))).toMatch(/^SIP\/2\.0 400 Bad Request \(missing cseq header\)/);
    expect(answers.find((a) => a.includes('Call-ID: ok-1'))).toMatch(/^SIP\/2\.0 200 OK/);
    const [unknown] = await exchange([
      `BYE sip:x SIP/2.0\n${via}5\nFrom: <sip:a@b>;tag=1\nTo: <sip:x>;tag=2\nCall-ID: nobody\nCSeq: 2 BYE\nContent-Length: 0\n\n`,
    ]);
    expect(unknown).toMatch(/^SIP\/2\.0 481/);
  });

  it('refuses a request larger than the size limit with 513, drops a large response, and keeps working', async () => {
    const via = `Via: SIP/2.0/UDP ${sippAddress}:5999;branch=z9hG4bK-big-`;
    const padding = `X-Padding: ${'a'.repeat(20_000)}\n`;
    const answers = await exchange([
      `OPTIONS sip:${uaAddress} SIP/2.0\n${via}1\nFrom: <sip:a@b>;tag=1\nTo: <sip:x>\nCall-ID: big-1\nCSeq: 1 OPTIONS\n${padding}Content-Length: 0\n\n`,
      `SIP/2.0 200 OK\n${via}2\nFrom: <sip:a@b>;tag=1\nTo: <sip:x>\nCall-ID: big-2\nCSeq: 1 OPTIONS\n${padding}Content-Length: 0\n\n`,
      `OPTIONS sip:${uaAddress} SIP/2.0\n${via}3\nFrom: <sip:a@b>;tag=1\nTo: <sip:x>\nCall-ID: big-3\nCSeq: 1 OPTIONS\nContent-Length: 0\n\n`,
    ]);
    expect(answers.map((a) => a.split('\r\n')[0])).toEqual(['SIP/2.0 513 Message Too Large', 'SIP/2.0 200 OK']);
    expect(answers[0]).toContain('Call-ID: big-1');
  });

  it('records each event once: a repeated (callId, seq) changes nothing', async () => {
    const initiated = {
      callId: 'dup-1',
      seq: 1,
      at: new Date().toISOString(),
      type: 'initiated',
      direction: 'inbound',
      caller: '3330000000',
      called: '020202',
      line: 'milano',
      linkedCallId: null,
    } as const;
    const ended = { callId: 'dup-1', seq: 2, at: new Date().toISOString(), type: 'ended', cause: 'normal' } as const;
    const once = (e: typeof initiated | typeof ended) => t.db.transaction().execute((trx) => recordCallEvent(trx, e));
    expect([await once(initiated), await once(ended), await once(initiated), await once(ended)]).toEqual([true, true, false, false]);
    expect(await t.db.selectFrom('call_events').select(['seq']).where('call_id', '=', 'dup-1').execute()).toHaveLength(2);
    await expect(t.db.updateTable('call_events').set({ type: 'ended' }).where('call_id', '=', 'dup-1').execute()).rejects.toThrow(
      /append-only/,
    );
  });
});

describe('over TCP (RFC 3261 §18)', () => {
  let tcpUa: SipUserAgent;
  beforeAll(async () => {
    tcpUa = await SipUserAgent.start({
      bind: { address: uaAddress, port: 0 },
      pbx: null,
      callerId: '020202',
      ringMs: 100,
      ivr: () => ({ menu: 'main', transfers: {} }),
      events: new SipCallEvents(recorder, (n) => lines[n] ?? null),
      log: pino({ level: 'silent' }),
      protocol: 'tcp',
    });
  });
  afterAll(() => tcpUa?.close());

  const options = (n: number, body = '') =>
    [
      `OPTIONS sip:020202@${uaAddress}:${tcpUa.address.port} SIP/2.0`,
      `Via: SIP/2.0/TCP ${sippAddress}:5060;branch=z9hG4bK-tcp-${n}`,
      'Max-Forwards: 70',
      `From: <sip:probe@${sippAddress}>;tag=t${n}`,
      `To: <sip:020202@${uaAddress}>`,
      `Call-ID: tcp-${n}`,
      `CSeq: ${n} OPTIONS`,
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ].join('\r\n');

  /** A connection to the user agent and every byte it answers, until `until` holds or it closes. */
  async function connect() {
    const socket = net.connect({ host: uaAddress, port: tcpUa.address.port, localAddress: sippAddress });
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    let received = '';
    const waiting = new Set<() => void>();
    socket.on('data', (d) => {
      received += d.toString();
      for (const w of waiting) w();
    });
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const seen = (until: (all: string) => boolean) =>
      new Promise<string>((resolve) => {
        const check = () => until(received) && resolve(received);
        waiting.add(check);
        check();
      });
    return { socket, seen, closed };
  }
  const answers = (all: string) => all.match(/^SIP\/2\.0 \d{3}/gm) ?? [];

  it('answers a request split across segments and requests coalesced in one, over the connection they came on', async () => {
    const c = await connect();
    const first = options(1);
    c.socket.write(first.slice(0, 20));
    await new Promise<void>((resolve) => setImmediate(resolve)); // two separate writes, two segments
    c.socket.write(first.slice(20));
    c.socket.write(options(2, 'x') + '\r\n\r\n' + options(3));
    const all = await c.seen((a) => answers(a).length === 3);
    expect(answers(all)).toEqual(['SIP/2.0 200', 'SIP/2.0 200', 'SIP/2.0 200']);
    expect(all.match(/Call-ID: tcp-\d/g)).toEqual(['Call-ID: tcp-1', 'Call-ID: tcp-2', 'Call-ID: tcp-3']);
    expect(all).toContain('Via: SIP/2.0/TCP');
    c.socket.destroy();
  });

  it('answers a request over 16 KiB 513 and closes that connection; others keep working', async () => {
    const c = await connect();
    c.socket.write(options(4, 'a'.repeat(20_000)));
    await c.closed;
    expect(answers(await c.seen(() => true))).toEqual(['SIP/2.0 513']);
    const d = await connect();
    d.socket.write(options(5));
    expect(answers(await d.seen((a) => answers(a).length === 1))).toEqual(['SIP/2.0 200']);
    d.socket.destroy();
  });
});
