import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueMessage } from '../../db/outbound-messages.repository.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { NodeScript } from '../helpers/platform.ts';
import { startTestSmtp } from '../helpers/smtp.ts';
import { type SmsGatewayStandIn, startSmsGateway } from '../helpers/sms-gateway.ts';

/**
 * "A killed dispatcher loses and duplicates nothing", as docs/notifications.md ("Idempotency on a
 * crash") states it: the notifications worker process (`npm run notifications`) is SIGKILLed while
 * the SMTP server and the SMS gateway have taken a batch but not yet answered; a new worker sends
 * what was left once the lease runs out. Every message arrives; SMS (the gateway deduplicates on
 * clientRef) exactly once, e-mail (SMTP has no idempotency key) at most once more, the copy with the
 * same Message-ID.
 */
const domain = 'comune.test';
const perChannel = 12;
const poolConnections = 3;
const token = 'crash-sms-token';

let t: TestDatabase;
let smtp: Awaited<ReturnType<typeof startTestSmtp>>;
let gateway: SmsGatewayStandIn;
const workers: NodeScript[] = [];

const startWorker = () => {
  const w = new NodeScript('workers/notifications-worker.ts', {
    LOG_LEVEL: 'info',
    NODE_ENV: 'production',
    DATABASE_URL: t.url,
    SMTP_URL: smtp.url,
    SMTP_POOL_CONNECTIONS: String(poolConnections),
    SMS_GATEWAY_URL: gateway.url,
    SMS_GATEWAY_TOKEN: token,
    SMS_GATEWAY_TIMEOUT_SECONDS: '60',
    MAIL_DOMAIN: domain,
    MAIL_FROM: `sportello@${domain}`,
    NOTIFICATIONS_BATCH_SIZE: '100',
    NOTIFICATIONS_LEASE_SECONDS: '5',
    NOTIFICATIONS_POLL_MS: '100',
  });
  workers.push(w);
  return w;
};

async function until<T>(what: string, probe: () => Promise<T | undefined | null | false> | T | undefined | null | false): Promise<T> {
  const end = Date.now() + 90_000;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${workers.map((w) => w.output).join('\n---\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const rows = () =>
  t.db
    .selectFrom('outbound_messages')
    .select(['id', 'dedup_key', 'channel', 'status', 'attempts', 'provider_message_id'])
    .orderBy('id')
    .execute();

beforeAll(async () => {
  t = await createTestDatabase();
  smtp = await startTestSmtp();
  gateway = await startSmsGateway({ token });
  for (let i = 1; i <= perChannel; i++) {
    await enqueueMessage(t.db, {
      caseId: null,
      dedupKey: `crash:email:${i}`,
      channel: 'email',
      recipient: `c${i}@cittadini.example`,
      subject: `Messaggio ${i}`,
      body: `Testo ${i}`,
    });
    await enqueueMessage(t.db, {
      caseId: null,
      dedupKey: `crash:sms:${i}`,
      channel: 'sms',
      recipient: `+3934000000${String(i).padStart(2, '0')}`,
      body: `Testo ${i}`,
    });
  }
});
afterAll(async () => {
  for (const w of workers) if (w.running) w.child.kill('SIGKILL');
  await Promise.all(workers.map((w) => w.exited));
  await gateway?.close();
  await smtp?.stop();
  await t?.drop();
});

describe('a notifications worker killed in the middle of a batch', () => {
  it('loses nothing; sends SMS exactly once and e-mail at most once more, as the docs say', async () => {
    smtp.hold();
    gateway.holdReplies();
    const first = startWorker();
    // The providers have taken what was sent, and answered none of it: the worker has recorded nothing.
    await until(
      'the batch in the hands of the providers',
      () => gateway.messages.length === perChannel && smtp.received.length === poolConnections,
    );
    expect((await rows()).every((r) => r.status === 'sending' && r.attempts === 1)).toBe(true);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull(); // killed: no exit code
    const bare = (id: string | null | undefined) => (id ?? '').replace(/^<|>$/g, '');
    const takenBeforeKill = smtp.received.map((r) => bare(r.mail.messageId));
    smtp.release();
    gateway.release();

    // A new worker takes the dead one's claims once their lease runs out.
    const second = startWorker();
    const done = await until('every message recorded', async () => {
      const all = await rows();
      return all.every((r) => r.status === 'sent') && all;
    });
    expect(done).toHaveLength(2 * perChannel);
    expect(done.every((r) => r.attempts === 2)).toBe(true);

    // SMS: each exactly once at the gateway, though each was posted twice; the id recorded is the gateway's.
    expect(gateway.messages.map((m) => m.clientRef).sort()).toEqual(
      done
        .filter((r) => r.channel === 'sms')
        .map((r) => r.dedup_key)
        .sort(),
    );
    expect(gateway.requests).toBe(2 * perChannel);
    const gatewayIds = new Map(gateway.messages.map((m) => [m.clientRef, m.id]));
    for (const r of done.filter((r) => r.channel === 'sms')) expect(r.provider_message_id).toBe(gatewayIds.get(r.dedup_key));

    // E-mail: every message arrived; the ones the server had taken at the kill arrived once more, with the same Message-ID.
    const arrivals = new Map<string, number>();
    for (const r of smtp.received) arrivals.set(bare(r.mail.messageId), (arrivals.get(bare(r.mail.messageId)) ?? 0) + 1);
    const emails = done.filter((r) => r.channel === 'email');
    expect(emails.map((r) => arrivals.get(bare(r.provider_message_id)))).toEqual(
      emails.map((r) => (takenBeforeKill.includes(bare(r.provider_message_id)) ? 2 : 1)),
    );
    expect(smtp.received).toHaveLength(perChannel + poolConnections);

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 180_000);
});
