import { ImapFlow } from 'imapflow';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import pino from 'pino';
import { startMailIntake } from '../notifications/inbound-mail/intake.ts';
import { withThrowawayPlatform } from '../scripts/throwaway-platform.ts';
import type { MailResult } from '../services/mail-intake.service.ts';
import { startDovecot } from '../test/helpers/dovecot.ts';

/**
 * `npm run bench:mail-intake [mails] [live]`: inbound e-mail to cases through a real IMAP server (a
 * private Dovecot, as in the tests) and the real case workflows. First a backlog: N citizens' mails
 * delivered before the reader starts, read and opened as cases (mails/s); then `live` mails
 * delivered one at a time while the reader waits in IDLE (latency from APPEND to the case).
 */
const mails = Number(process.argv[2] ?? 200);
const live = Number(process.argv[3] ?? 20);
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;

await withThrowawayPlatform({ postgres: 54353, temporal: 17257, temporalUi: 18257 }, async ({ db, client }) => {
  const dovecot = await startDovecot();
  const postman = new ImapFlow({
    host: dovecot.host,
    port: dovecot.port,
    secure: false,
    auth: { user: dovecot.user, pass: dovecot.password },
    logger: false,
  });
  await postman.connect();
  await db
    .insertInto('mailboxes')
    .values({
      id: 'bench',
      name: 'Bench',
      municipality_ids: ['milano'],
      triage_service: null,
      host: dovecot.host,
      port: dovecot.port,
      tls: false,
      username: dovecot.user,
    })
    .execute();
  const mail = (i: number) =>
    new MailComposer({
      from: `Cittadino ${i} <cittadino.${i}@bench.example>`,
      to: dovecot.user,
      subject: `Segnalazione numero ${i}`,
      text: `Buongiorno, segnalo il problema numero ${i}.\nGrazie.`,
      messageId: `<bench.${i}@bench.example>`,
    })
      .compile()
      .build();
  const taken: (MailResult & { at: number })[] = [];
  let onTaken: () => void = () => {};
  const start = () =>
    startMailIntake(
      {
        MAIL_DOMAIN: 'bench.sportello',
        MAIL_FROM: 'Sportello <noreply@bench.sportello>',
        MAIL_FROM_BY_MUNICIPALITY: {},
        MAILBOX_PASSWORDS: { bench: dovecot.password },
        MAIL_INTAKE_RESCAN_SECONDS: 300,
        CASE_TASK_QUEUE: 'cases',
        TELEPHONY_TASK_QUEUE: 'telephony',
        CASE_UPDATE_TIMEOUT_SECONDS: 60,
      },
      db,
      client,
      pino({ level: 'warn' }),
      (_id, r) => {
        taken.push({ ...r, at: performance.now() });
        onTaken();
      },
    );

  for (let i = 0; i < mails; i++) await postman.append('INBOX', await mail(i));
  const t0 = performance.now();
  const intake = await start();
  await new Promise<void>((resolve) => {
    onTaken = () => taken.length >= mails && resolve();
  });
  const backlogSeconds = (performance.now() - t0) / 1000;
  const cases = taken.filter((r) => r.outcome === 'case' && !r.duplicate).length;

  const latencies: number[] = [];
  for (let i = mails; i < mails + live; i++) {
    const raw = await mail(i);
    const done = new Promise<void>((resolve) => (onTaken = resolve));
    const sent = performance.now();
    await postman.append('INBOX', raw);
    await done;
    latencies.push(taken.at(-1)!.at - sent);
  }
  await intake.stop();
  await postman.logout();
  await dovecot.stop();

  console.log(
    [
      `backlog: ${mails} mails → ${cases} cases in ${backlogSeconds.toFixed(1)} s = ${(mails / backlogSeconds).toFixed(1)} mails/s (one reader, one mailbox)`,
      `live (IDLE): ${live} mails one at a time, APPEND → case p50 ${quantile(latencies, 0.5).toFixed(0)} ms, p95 ${quantile(latencies, 0.95).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms`,
    ].join('\n'),
  );
});
