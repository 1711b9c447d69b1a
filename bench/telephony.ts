import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pino from 'pino';
import { allLines } from '../db/lines.repository.ts';
import { withThrowawayPlatform } from '../scripts/throwaway-platform.ts';
import { createIngestion } from '../services/call-ingestion.ts';
import { startSipAdapter } from '../telephony/sip/adapter.ts';
import { freeUdpPort, runSipp, uaAddress } from '../test/helpers/sipp.ts';

/**
 * `node --import tsx bench/telephony.ts [calls] [rate]`: SIPp places N inbound calls at R calls/s
 * to Milan's 020202 on the SIP adapter, each from its own number, pressing 1 (a queue) and
 * hanging up after a second; an operator takes each one from the queue at once, and the
 * ingestion opens a case for it (a case workflow) with the call attached. Prints the calls/s
 * sustained and the latency from the call's `connected` event to its `call.attached` case event.
 */
const calls = Number(process.argv[2] ?? 300);
const rate = Number(process.argv[3] ?? 20);
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;

await withThrowawayPlatform({ postgres: 54343, temporal: 17247, temporalUi: 18247 }, async ({ db, client }) => {
  const log = pino({ level: 'warn' });
  const sip = await startSipAdapter(
    { SIP_BIND_ADDRESS: uaAddress, SIP_PORT: 0, SIP_PBX_ADDRESS: undefined, SIP_CALLER_ID: '020202', SIP_ANSWER_AFTER_MS: 0 },
    db,
    log,
    await allLines(db),
  );
  sip.recorder.onRecorded = createIngestion({
    db,
    temporal: client,
    log,
    taskQueue: 'cases',
    telephonyTaskQueue: 'telephony',
    updateTimeoutMs: 60_000,
    workflowIdKey: randomBytes(32),
  });
  // The operators: whoever waits is taken at once.
  const operators = setInterval(() => {
    while (sip.ua.pickUp('mi-informazioni', 'giulia.operatrice'));
  }, 10);
  const t0 = performance.now();
  const run = await runSipp(
    'queue-call.xml',
    [
      `${uaAddress}:${sip.ua.address.port}`,
      '-p',
      String(await freeUdpPort()),
      '-mp',
      String(await freeUdpPort()),
      '-s',
      '020202',
      '-key',
      'caller',
      '3300000',
      '-d',
      '1000',
      '-r',
      String(rate),
      '-m',
      String(calls),
      '-l',
      String(rate * 5),
      '-timeout',
      `${Math.ceil(calls / rate) + 60}s`,
      '-timeout_error',
    ],
    (calls / rate + 90) * 1000,
  ).done;
  const seconds = (performance.now() - t0) / 1000;
  await sip.recorder.flush();
  clearInterval(operators);
  await sip.stop();

  // Each case records its call a moment after the signal: wait until every answered call is on its case (or a minute).
  const attached = () =>
    db
      .selectFrom('case_events')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('type', '=', 'call.attached')
      .executeTakeFirstOrThrow();
  for (let waited = 0; (await attached()).n < calls && waited < 60_000; waited += 200) await new Promise((r) => setTimeout(r, 200));
  const latencies = await db
    .selectFrom('call_events as c')
    .innerJoin('case_events as e', (j) => j.on('e.type', '=', 'call.attached').on(sql`e.data->>'callId'`, '=', sql.ref('c.call_id')))
    .select(sql<number>`extract(epoch from e.at - c.at) * 1000`.as('ms'))
    .where('c.type', '=', 'connected')
    .execute();
  const ms = latencies.map((r) => Number(r.ms));
  const cases = await db
    .selectFrom('cases')
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow();
  console.log(`Telephony: ${calls} inbound calls offered at ${rate}/s by SIPp through the SIP adapter (exit code ${run.code})`);
  console.log(
    `  ${(calls / seconds).toFixed(1)} calls/s over ${seconds.toFixed(1)} s of SIPp's run (each waits for an operator, then talks 1 s)`,
  );
  console.log(`  ${cases.n} cases opened, ${ms.length} calls attached to their case`);
  console.log(
    `  connected event → call.attached case event, ms: p50 ${quantile(ms, 0.5).toFixed(0)}, p99 ${quantile(ms, 0.99).toFixed(0)}, max ${Math.max(...ms).toFixed(0)}`,
  );
  if (run.code !== 0 || ms.length !== calls) process.exitCode = 1;
});
