import dgram from 'node:dgram';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoReferenceData } from '../../scripts/seed.ts';
import { CallEventRecorder } from '../../services/call-recorder.ts';
import { SipCallEvents } from '../../telephony/sip/call-events.ts';
import { SipDialer } from '../../telephony/sip/dialer.ts';
import type { RegistrationState } from '../../telephony/sip/registration.ts';
import { SipUserAgent, type SipUserAgentOptions } from '../../telephony/sip/user-agent.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { type Kamailio, startKamailio } from '../helpers/kamailio.ts';
import { freePort } from '../helpers/ports.ts';
import { freeUdpPort, killSipp, runSipp, sippAddress, uaAddress } from '../helpers/sipp.ts';

// Kamailio as the city's PBX: our user agent registers with digest credentials, citizens' calls
// reach it through Kamailio, and callbacks leave through Kamailio, which challenges them (407).
const user = 'sportello-ua';
const password = 'kamailio-test-secret';
const lines: Record<string, string> = { '020202': 'milano' };

let t: TestDatabase;
let recorder: CallEventRecorder;
const log = pino({ level: 'silent' });

const startUa = (kamailio: Kamailio, extra: Partial<SipUserAgentOptions> = {}) =>
  SipUserAgent.start({
    bind: { address: uaAddress, port: 0 },
    pbx: { address: kamailio.address, port: kamailio.port },
    callerId: '020202',
    ringMs: 100,
    ivr: () => ({ menu: 'main', transfers: {} }),
    events: new SipCallEvents(recorder, (n) => lines[n] ?? null),
    log,
    user,
    password,
    registrar: { address: kamailio.address, port: kamailio.port, expires: 2 },
    ...extra,
  });

/** Resolves with the registration's state once `until` holds for it. */
const registration = (ua: SipUserAgent, until: (s: RegistrationState) => boolean) =>
  new Promise<RegistrationState>((resolve) => {
    const r = ua.registration!;
    if (until(r.state)) return resolve(r.state);
    const off = r.onChange((s) => {
      if (!until(s)) return;
      off();
      resolve(s);
    });
  });

/** Asks Kamailio for `sip:<user>@…` with OPTIONS: relayed to our registered Contact (our user agent answers 200 with its Allow), or 404. */
async function probeLocation(kamailio: Kamailio): Promise<string> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, sippAddress, resolve));
  const local = socket.address().port;
  const answer = new Promise<string>((resolve) => socket.on('message', (m) => resolve(m.toString())));
  const id = `probe-${Math.random().toString(36).slice(2)}`;
  socket.send(
    [
      `OPTIONS sip:${user}@${kamailio.address}:${kamailio.port} SIP/2.0`,
      `Via: SIP/2.0/UDP ${sippAddress}:${local};branch=z9hG4bK-${id}`,
      'Max-Forwards: 70',
      `From: <sip:probe@${sippAddress}>;tag=${id}`,
      `To: <sip:${user}@${kamailio.address}>`,
      `Call-ID: ${id}`,
      'CSeq: 1 OPTIONS',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
    kamailio.port,
    kamailio.address,
  );
  try {
    return await answer;
  } finally {
    socket.close();
  }
}

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemoReferenceData(t.db);
  recorder = new CallEventRecorder(t.db, log);
});
afterAll(async () => {
  killSipp();
  await recorder?.flush();
  await t?.drop();
});

const cases = [
  ['SHA-256', 'udp'],
  ['MD5', 'udp'],
  ['SHA-256', 'tcp'],
] as const;
describe.each(cases)('through Kamailio, digest %s over %s', (algorithm, protocol) => {
  let kamailio: Kamailio;
  let ua: SipUserAgent;
  let gatewayPort: number; // where SIPp plays the citizen's phone
  const tcp = protocol === 'tcp';
  const sippPort = () => (tcp ? freePort({ address: sippAddress, protocol: 'tcp' }) : freeUdpPort());
  // SIPp's transport: one TCP connection for all its calls (t1), or UDP on one socket (u1).
  const sippTransport = ['-t', tcp ? 't1' : 'u1'];
  /** What Kamailio logged it received from us came over our transport. */
  const over = new RegExp(`from 127\\.0\\.0\\.2 over ${protocol}`);

  beforeAll(async () => {
    gatewayPort = await sippPort();
    kamailio = await startKamailio({
      worker: uaAddress,
      gateway: { address: sippAddress, port: gatewayPort, transport: protocol },
      user,
      password,
      algorithm,
    });
    ua = await startUa(kamailio, { protocol });
  });
  afterAll(async () => {
    try {
      await ua?.close();
    } finally {
      await kamailio?.stop();
    }
  });

  it('registers with digest credentials, refreshes before the binding runs out, and Kamailio routes our address to us', async () => {
    const first = await registration(ua, (s) => s.state === 'registered');
    expect(first).toMatchObject({ aor: `sip:${user}@${kamailio.address}`, lastStatus: 200, failures: 0 });
    expect(first.expiresAt!.getTime() - Date.now()).toBeLessThanOrEqual(2000);
    // The first refresh after the first binding (2 s) ran out: Kamailio still has us, so it was refreshed in time.
    const later = await registration(ua, () => Date.now() > first.expiresAt!.getTime());
    expect(later).toMatchObject({ state: 'registered', failures: 0 });
    expect(await probeLocation(kamailio)).toMatch(/^SIP\/2\.0 200 OK[\s\S]*Allow: INVITE/);
    await kamailio.logged(/REGISTER cseq \d+ from/);
    expect(
      kamailio
        .log()
        .match(/REGISTER cseq \d+ from \S+ over \w+/g)!
        .every((l) => over.test(l)),
    ).toBe(true);
  });

  it('a citizen calling the line through Kamailio reaches the IVR of our registered user agent', async () => {
    await registration(ua, (s) => s.state === 'registered');
    const run = await runSipp('inbound-via-proxy.xml', [
      `${kamailio.address}:${kamailio.port}`,
      ...sippTransport,
      '-p',
      String(await sippPort()),
      '-mp',
      String(await freeUdpPort()),
      '-s',
      '020202',
      '-m',
      '1',
      '-timeout',
      '20s',
      '-timeout_error',
    ]).done;
    expect(run.code, run.output).toBe(0);
    await recorder.flush();
    const call = await t.db
      .selectFrom('calls')
      .selectAll()
      .where('caller', '=', '3351112233')
      .orderBy('started_at', 'desc')
      .executeTakeFirstOrThrow();
    expect(call).toMatchObject({ direction: 'inbound', called: '020202', municipality_id: 'milano', state: 'ended', ivr_choice: '4' });
  });

  it('a callback goes out through Kamailio: INVITE and BYE challenged with 407, answered with credentials, the phone rings and hangs up', async () => {
    const phone = runSipp('callback-via-proxy.xml', [
      ...sippTransport,
      '-p',
      String(gatewayPort),
      '-mp',
      String(await freeUdpPort()),
      '-m',
      '1',
      '-timeout',
      '20s',
      '-timeout_error',
    ]);
    await phone.listening;
    const callId = `kamailio-callback-${algorithm}-${protocol}`;
    expect(await new SipDialer(ua).call('3479876543', { callId, ringSeconds: 10 })).toBe('answered');
    ua.hangup(callId);
    const run = await phone.done;
    expect(run.code, run.output).toBe(0);
    // Kamailio challenged both (its log comes through a pipe, so wait for it to arrive).
    await kamailio.logged(new RegExp(`challenging INVITE ${over.source}[\\s\\S]*challenging BYE ${over.source}`));
    await recorder.flush();
    const events = await t.db.selectFrom('call_events').select('data').where('call_id', '=', callId).orderBy('seq').execute();
    expect(events.map((e) => e.data.type)).toEqual(['initiated', 'connected', 'ended']);
  });

  it('removes its binding when it stops', async () => {
    await registration(ua, (s) => s.state === 'registered');
    await ua.close();
    expect(ua.registration!.state.state).toBe('unregistered');
    expect(await probeLocation(kamailio)).toMatch(/^SIP\/2\.0 404/);
  });
});

describe('registration refused', () => {
  it('a wrong password fails without looping, and is tried again with back-off', async () => {
    const kamailio = await startKamailio({
      worker: uaAddress,
      gateway: { address: sippAddress, port: 9 },
      user,
      password,
      algorithm: 'SHA-256',
    });
    const ua = await startUa(kamailio, { password: 'not-the-password' });
    try {
      const first = await registration(ua, (s) => s.state === 'failed');
      expect(first).toMatchObject({ lastStatus: 401, failures: 1 });
      const t0 = Date.now();
      const second = await registration(ua, (s) => s.failures === 2);
      expect(second).toMatchObject({ state: 'failed', lastStatus: 401 });
      expect(Date.now() - t0).toBeGreaterThanOrEqual(900); // the first back-off is 1 s
      expect(await probeLocation(kamailio)).toMatch(/^SIP\/2\.0 404/);
      // Each attempt: one REGISTER without credentials, one with them, refused; not sent again and again.
      await ua.close();
      await kamailio.logged(/REGISTER cseq 4 from/);
      expect(kamailio.log().match(/REGISTER cseq \d+ from/g)).toHaveLength(4);
    } finally {
      await ua.close();
      await kamailio.stop();
    }
  });
});
