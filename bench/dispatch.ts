import { insertCaseRow } from '../test/helpers/case-rows.ts';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execSync } from 'node:child_process';
import pino from 'pino';
import { sql } from 'kysely';
import { enqueueMessage } from '../db/outbound-messages.repository.ts';
import type { ChannelAdapter } from '../notifications/channel.ts';
import { createEmailAdapter } from '../notifications/email.ts';
import { createSmsAdapter } from '../notifications/sms-gateway.ts';
import { Dispatcher } from '../notifications/dispatcher.ts';
import { loadConfig } from '../platform/config.ts';
import { startMailCatcher } from '../platform/mail-catcher.ts';
import { startSmsCatcher } from '../platform/sms-catcher.ts';
import { startThrowawayDatabase } from '../scripts/throwaway-platform.ts';

/**
 * `npm run bench:dispatch [messages] [dispatchers] [email|sms]` (default 3,000, 2 and email): that
 * many messages queued in a throwaway embedded PostgreSQL, delivered by the dispatchers (default
 * configuration) to the stand-in `npm start` uses: e-mails over pooled SMTP to the local mail
 * catcher, which writes each one to a file; SMS over the generic HTTP contract to the local SMS
 * catcher, which appends each one to its file. Prints messages per second from the first claim to
 * the last recorded `sent`.
 */
const total = Number(process.argv[2] ?? 3000);
const dispatchers = Number(process.argv[3] ?? 2);
const channel = process.argv[4] ?? 'email';
if (channel !== 'email' && channel !== 'sms') throw new Error(`the channel is email or sms, not ${channel}`);

const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
const { db, stop } = await startThrowawayDatabase(54352);
const mailDir = mkdtempSync(path.join(os.tmpdir(), 'sportello-bench-mail-'));
const smsToken = 'bench-token';
const catcher =
  channel === 'email'
    ? await startMailCatcher({ dir: mailDir, port: 0 })
    : await startSmsCatcher({ dir: mailDir, port: 0, token: smsToken });
const caught = () => (channel === 'email' ? readdirSync(mailDir).length : 'messages' in catcher ? catcher.messages().length : 0);
const running: Dispatcher[] = [];
const adapters: ChannelAdapter[] = [];
try {
  const caseId = 'C-2026-999999';
  await insertCaseRow(db, { id: caseId, citizen: { email: 'bench@example.org' }, subject: 'Benchmark' });
  for (let i = 0; i < total; i++) {
    await enqueueMessage(db, {
      caseId,
      municipalityId: 'milano',
      dedupKey: `bench:${i}`,
      channel,
      recipient: channel === 'email' ? `citizen${i}@example.org` : `+39340${String(i).padStart(7, '0')}`,
      language: 'it',
      subject: `${caseId}: messaggio ${i}`,
      body: `Comune - richiesta ${caseId}: la sua richiesta è stata presa in carico.\n\nSegua la richiesta: https://sportello.example/p/${i}`,
    });
  }
  const sent = async () =>
    Number((await sql<{ n: string }>`select count(*) as n from outbound_messages where status = 'sent'`.execute(db)).rows[0]!.n);
  const t0 = performance.now();
  for (let i = 0; i < dispatchers; i++) {
    const adapter =
      channel === 'email'
        ? createEmailAdapter({ ...config, SMTP_URL: catcher.url })
        : createSmsAdapter({ ...config, SMS_GATEWAY_URL: catcher.url, SMS_GATEWAY_TOKEN: smsToken });
    adapters.push(adapter);
    const d = new Dispatcher({ db, adapters: { [channel]: adapter }, settings: config, log: pino({ level: 'silent' }) });
    running.push(d);
    d.start();
  }
  let done = 0;
  while ((done = await sent()) < total) await new Promise((r) => setTimeout(r, 20));
  const seconds = (performance.now() - t0) / 1000;
  await Promise.all(running.map((d) => d.stop()));
  const files = caught();
  const failed = await sql<{ n: string }>`select count(*) as n from outbound_messages where status <> 'sent'`.execute(db);
  let commit = 'unknown';
  try {
    commit = execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
  } catch {
    /* not a checkout */
  }
  console.log(
    [
      `dispatch benchmark (${new Date().toISOString().slice(0, 10)}, commit ${commit}, load average ${os.loadavg()[0]!.toFixed(1)}, ${os.cpus().length} cores)`,
      channel === 'email'
        ? `  ${done} e-mails sent by ${dispatchers} dispatchers (batch ${config.NOTIFICATIONS_BATCH_SIZE}, ${config.SMTP_POOL_CONNECTIONS} SMTP connections each) to the local mail catcher`
        : `  ${done} SMS sent by ${dispatchers} dispatchers (batch ${config.NOTIFICATIONS_BATCH_SIZE}) to the local SMS catcher over HTTP`,
      `  ${files} messages taken by the catcher, ${failed.rows[0]!.n} messages not sent`,
      `  ${seconds.toFixed(2)} s: ${(done / seconds).toFixed(0)} messages/s`,
    ].join('\n'),
  );
} finally {
  await Promise.all(running.map((d) => d.stop()));
  await Promise.all(adapters.map((a) => a.close?.()));
  await catcher.stop();
  rmSync(mailDir, { recursive: true, force: true });
  await stop();
}
