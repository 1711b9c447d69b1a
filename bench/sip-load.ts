import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import pino from 'pino';
import { withThrowawayPlatform } from '../scripts/throwaway-platform.ts';
import { CallEventRecorder } from '../services/call-recorder.ts';
import { SipCallEvents } from '../telephony/sip/call-events.ts';
import { SipUserAgent } from '../telephony/sip/user-agent.ts';
import { freeUdpPort, runSipp, uaAddress } from '../test/helpers/sipp.ts';

/**
 * `node --import tsx bench/sip-load.ts [calls] [rate]`: SIPp places N inbound calls at R calls/s (each held one
 * second, then BYE) to the SIP user agent on another loopback address, which answers them at
 * once and records their events in PostgreSQL. Prints completed and failed calls (SIPp's count),
 * calls per second, setup latency (INVITE sent → 200 received, by SIPp) and the calls recorded.
 */
const calls = Number(process.argv[2] ?? 2000);
const rate = Number(process.argv[3] ?? 100);

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;
const counter = (screen: string, name: string) =>
  Number([...screen.matchAll(new RegExp(`${name}\\s*\\|\\s*\\d+\\s*\\|\\s*(\\d+)`, 'g'))].at(-1)?.[1] ?? NaN);

await withThrowawayPlatform({ postgres: 54341, temporal: 17245, temporalUi: 18245 }, async ({ db }) => {
  const log = pino({ level: 'warn' });
  const recorder = new CallEventRecorder(db, log);
  const ua = await SipUserAgent.start({
    bind: { address: uaAddress, port: 0 },
    pbx: null,
    callerId: '020202',
    ringMs: 0,
    ivr: () => ({ menu: 'main', transfers: {} }),
    events: new SipCallEvents(recorder, (n) => (n === '020202' ? 'milano' : null)),
    log,
  });
  const t0 = performance.now();
  const run = await runSipp(
    'load-call.xml',
    [
      `${uaAddress}:${ua.address.port}`,
      '-p',
      String(await freeUdpPort()),
      '-mp',
      String(await freeUdpPort()),
      '-s',
      '020202',
      '-r',
      String(rate),
      '-m',
      String(calls),
      '-l',
      String(rate * 5),
      '-timeout',
      `${Math.ceil(calls / rate) + 60}s`,
      '-timeout_error',
      '-trace_rtt',
      '-rtt_freq',
      '1',
    ],
    (calls / rate + 90) * 1000,
  ).done;
  const seconds = (performance.now() - t0) / 1000;
  await recorder.flush();
  await ua.close();

  const rttFile = readdirSync(run.dir).find((f) => f.endsWith('_rtt.csv'));
  const setup = rttFile
    ? readFileSync(path.join(run.dir, rttFile), 'utf8')
        .split('\n')
        .slice(1)
        .map((l) => Number(l.split(';')[1]))
        .filter((n) => Number.isFinite(n))
    : [];
  const stored = await db
    .selectFrom('calls')
    .select([sql<number>`count(*)::int`.as('calls'), sql<number>`count(*) filter (where end_cause = 'normal')::int`.as('ended')])
    .executeTakeFirstOrThrow();
  const events = await db
    .selectFrom('call_events')
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow();
  console.log(`SIP load: ${calls} calls offered at ${rate}/s by SIPp (exit code ${run.code})`);
  console.log(`  completed ${counter(run.output, 'Successful call')}, failed ${counter(run.output, 'Failed call')}`);
  console.log(`  ${(calls / seconds).toFixed(1)} calls/s over ${seconds.toFixed(1)} s (each held 1 s)`);
  console.log(
    `  setup latency ms: p50 ${quantile(setup, 0.5).toFixed(2)}, p99 ${quantile(setup, 0.99).toFixed(2)}, max ${Math.max(...setup).toFixed(2)} (${setup.length} samples)`,
  );
  console.log(`  recorded in PostgreSQL: ${stored.calls} calls, ${stored.ended} ended normally, ${events.n} events`);
  if (run.code !== 0) process.exitCode = 1;
});
