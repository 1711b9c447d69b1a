import { insertCaseRow } from '../helpers/case-rows.ts';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { enqueueMessage } from '../../db/outbound-messages.repository.ts';
import { loadConfig } from '../../platform/config.ts';
import { createEmailAdapter } from '../../notifications/email.ts';
import { Dispatcher } from '../../notifications/dispatcher.ts';
import { claimDue } from '../../services/outbox.service.ts';
import { messageCitizen } from '../../services/messages/outbox.ts';
import { seedDemoReferenceData } from '../../scripts/seed.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { NodeScript } from '../helpers/platform.ts';
import { startTestSmtp } from '../helpers/smtp.ts';

/**
 * The dispatcher and the e-mail channel against a real SMTP server (the receiving MTA): what
 * arrives, refusals for good (fallback) and for now (retry), two dispatchers sharing a queue, and a
 * dispatcher that died holding a claim.
 */
const settings = {
  NOTIFICATIONS_BATCH_SIZE: 20,
  NOTIFICATIONS_LEASE_SECONDS: 30,
  NOTIFICATIONS_POLL_MS: 50,
  NOTIFICATIONS_MAX_ATTEMPTS: 5,
  NOTIFICATIONS_RETRY_BASE_SECONDS: 0.2,
  NOTIFICATIONS_RETRY_MAX_SECONDS: 1,
};
const domain = 'sportello.test';
const log = pino({ level: 'silent' });

let t: TestDatabase;
let smtp: Awaited<ReturnType<typeof startTestSmtp>>;
/** How many times each address was answered 451 so far (one 451, then 250). */
const deferred = new Map<string, number>();
const running: Dispatcher[] = [];
const closing: (() => Promise<void>)[] = [];
let caseNo = 0;

function dispatcher() {
  const config = loadConfig({
    SMTP_URL: smtp.url,
    MAIL_DOMAIN: domain,
    MAIL_FROM: 'Sportello <noreply@sportello.test>',
    MAIL_FROM_BY_MUNICIPALITY: 'milano=Comune di Milano <urp@comune.milano.test>',
  });
  const email = createEmailAdapter({ ...config, SMTP_URL: smtp.url });
  closing.push(() => email.close!());
  const d = new Dispatcher({
    db: t.db,
    adapters: { email },
    unavailable: { sms: 'no SMS gateway in this test' },
    settings,
    log,
  });
  running.push(d);
  return d;
}

async function insertCase(citizen: Record<string, string>): Promise<string> {
  const id = `C-2026-${String(900_000 + ++caseNo).padStart(6, '0')}`;
  await insertCaseRow(t.db, { id, citizen, channel: 'phone' });
  return id;
}

const row = (id: number) => t.db.selectFrom('outbound_messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const rowsOf = (caseId: string) => t.db.selectFrom('outbound_messages').selectAll().where('case_id', '=', caseId).orderBy('id').execute();

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemoReferenceData(t.db);
  smtp = await startTestSmtp((to) => {
    if (to.startsWith('bounce@')) return 550;
    if (to.startsWith('busy@')) {
      const n = deferred.get(to) ?? 0;
      deferred.set(to, n + 1);
      if (n === 0) return 451;
    }
    return undefined;
  });
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((d) => d.stop()));
  await Promise.all(closing.splice(0).map((c) => c()));
});
afterAll(async () => {
  await smtp?.stop();
  await t?.drop();
});

describe('e-mail delivery', () => {
  it("delivers a case's message with its thread, subject, automatic-mail marks and both parts", async () => {
    const caseId = await insertCase({ email: 'anna@example.org', phone: '+393401112233' });
    await messageCitizen(t.db, {
      caseId,
      dedupKey: `${caseId}:info`,
      preferred: 'email',
      message: {
        event: 'information.requested',
        data: { question: 'Ci mandi il verbale <n. 12> da https://www.comune.milano.it/verbali' },
      },
    });
    const [queued] = await rowsOf(caseId);
    dispatcher().start();

    await expect.poll(() => smtp.received.filter((r) => r.to.includes('anna@example.org')).length).toBe(1);
    const { mail, raw } = smtp.received.find((r) => r.to.includes('anna@example.org'))!;
    expect(mail.messageId).toBe(`<msg-${queued!.id}.${caseId}@${domain}>`);
    expect(mail.inReplyTo).toBe(`<case-${caseId}@${domain}>`);
    expect([mail.references].flat()).toEqual([`<case-${caseId}@${domain}>`]);
    expect(mail.subject).toBe(queued!.subject);
    expect(mail.subject!.startsWith(caseId) || mail.subject!.includes(caseId)).toBe(true);
    expect(mail.from?.text).toBe('"Comune di Milano" <urp@comune.milano.test>');
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
    expect(mail.headers.get('content-language')).toBe('it');
    expect(mail.text?.trim()).toBe(queued!.body.trim());
    expect(mail.html).toContain('&lt;n. 12&gt;');
    expect(mail.html).toContain('<a href="https://www.comune.milano.it/verbali">https://www.comune.milano.it/verbali</a>');
    expect(raw).toMatch(/Content-Type: multipart\/alternative/i);

    await expect.poll(async () => (await row(queued!.id)).status).toBe('sent');
    const sent = await row(queued!.id);
    expect(sent).toMatchObject({ attempts: 1, provider_message_id: mail.messageId, last_error: null, claimed_until: null });
    expect(sent.sent_at).toBeInstanceOf(Date);
  });

  it("fails a message the server refuses for good (550) and queues it on the citizen's next channel", async () => {
    const caseId = await insertCase({ email: 'bounce@example.org', phone: '+393401112244' });
    const id = (await enqueueMessage(t.db, {
      caseId,
      municipalityId: 'milano',
      dedupKey: `${caseId}:ack`,
      channel: 'email',
      recipient: 'bounce@example.org',
      subject: `${caseId}: ricevuta`,
      body: 'Abbiamo ricevuto la sua richiesta.',
    }))!;
    dispatcher().start();

    await expect.poll(async () => (await row(id)).status).toBe('failed');
    expect((await row(id)).last_error).toMatch(/550/);
    const [, fallback] = await rowsOf(caseId);
    expect(fallback).toMatchObject({
      channel: 'sms',
      recipient: '+393401112244',
      fallback_of: id,
      dedup_key: `${caseId}:ack:fallback:sms`,
      body: 'Abbiamo ricevuto la sua richiesta.',
      status: 'queued',
    });
    // No SMS gateway here: the SMS waits, saying why, rather than being dropped.
    await expect.poll(async () => (await row(fallback!.id)).last_error).toBe('no SMS gateway in this test');
    expect((await row(fallback!.id)).status).toBe('queued');
    expect(smtp.received.some((r) => r.to.includes('bounce@example.org'))).toBe(false);
  });

  it('retries a message the server defers (451) and sends it on a later attempt', async () => {
    const caseId = await insertCase({ email: 'busy@example.org' });
    const id = (await enqueueMessage(t.db, {
      caseId,
      municipalityId: 'milano',
      dedupKey: `${caseId}:ack`,
      channel: 'email',
      recipient: 'busy@example.org',
      subject: `${caseId}: ricevuta`,
      body: 'Abbiamo ricevuto la sua richiesta.',
    }))!;
    dispatcher().start();

    await expect.poll(async () => (await row(id)).status).toBe('sent');
    const sent = await row(id);
    expect(sent.attempts).toBe(2);
    expect(deferred.get('busy@example.org')).toBe(2);
    expect(smtp.received.filter((r) => r.to.includes('busy@example.org'))).toHaveLength(1);
    expect(sent.sent_at!.getTime()).toBeGreaterThan(sent.created_at.getTime());
  });

  it('sends each message once with two dispatchers on the same queue', async () => {
    const caseId = await insertCase({ email: 'many@example.org' });
    const ids: number[] = [];
    for (let i = 0; i < 120; i++) {
      ids.push(
        (await enqueueMessage(t.db, {
          caseId,
          municipalityId: 'milano',
          dedupKey: `${caseId}:n${i}`,
          channel: 'email',
          recipient: 'many@example.org',
          subject: `${caseId}: messaggio ${i}`,
          body: `Messaggio ${i}`,
        }))!,
      );
    }
    dispatcher().start();
    dispatcher().start();

    await expect
      .poll(
        async () =>
          (await t.db.selectFrom('outbound_messages').select('id').where('case_id', '=', caseId).where('status', '=', 'sent').execute())
            .length,
      )
      .toBe(120);
    const arrived = smtp.received.filter((r) => r.to.includes('many@example.org')).map((r) => r.mail.messageId);
    expect(arrived).toHaveLength(120);
    expect(new Set(arrived).size).toBe(120);
    const attempts = await t.db.selectFrom('outbound_messages').select('attempts').where('case_id', '=', caseId).execute();
    expect(attempts.every((a) => a.attempts === 1)).toBe(true);
  });

  it('sends a message whose dispatcher died between claiming and recording, once its lease runs out', async () => {
    const caseId = await insertCase({ email: 'late@example.org' });
    const id = (await enqueueMessage(t.db, {
      caseId,
      municipalityId: 'milano',
      dedupKey: `${caseId}:ack`,
      channel: 'email',
      recipient: 'late@example.org',
      subject: `${caseId}: ricevuta`,
      body: 'Abbiamo ricevuto la sua richiesta.',
    }))!;
    // The dead dispatcher: claimed with a 2-second lease, never sent nor recorded.
    const claimed = await claimDue(t.db, 100, 2, ['email']);
    expect(claimed.map((m) => m.id)).toContain(id);
    const { claimed_until } = await row(id);
    dispatcher().start();

    await expect.poll(async () => (await row(id)).status).toBe('sent');
    const arrivals = smtp.received.filter((r) => r.to.includes('late@example.org'));
    expect(arrivals).toHaveLength(1);
    // Not before the lease ran out, and on the second claim.
    expect((await row(id)).sent_at!.getTime()).toBeGreaterThanOrEqual(claimed_until!.getTime());
    expect((await row(id)).attempts).toBe(2);
  });
  it('runs as its own process (npm run notifications): delivers, then stops on SIGTERM', async () => {
    const caseId = await insertCase({ email: 'alone@example.org' });
    const id = (await enqueueMessage(t.db, {
      caseId,
      municipalityId: 'milano',
      dedupKey: `${caseId}:ack`,
      channel: 'email',
      recipient: 'alone@example.org',
      subject: `${caseId}: ricevuta`,
      body: 'Abbiamo ricevuto la sua richiesta.',
    }))!;
    const worker = new NodeScript('workers/notifications-worker.ts', {
      DATABASE_URL: t.url,
      SMTP_URL: smtp.url,
      MAIL_DOMAIN: domain,
      NOTIFICATIONS_POLL_MS: '100',
      NODE_ENV: 'production',
    });
    try {
      await worker.waitFor('delivering the outbox');
      await expect.poll(async () => (await row(id)).status).toBe('sent');
      expect(smtp.received.filter((r) => r.to.includes('alone@example.org'))).toHaveLength(1);
    } finally {
      expect(await worker.stop('SIGTERM')).toBe(0);
    }
    expect(worker.output).toContain('notifications stopped');
  });
});
