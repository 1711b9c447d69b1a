import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueMessage } from '../../db/outbound-messages.repository.ts';
import { smsSize } from '../../domain/sms-encoding.ts';
import { PermanentFailure, TemporaryFailure } from '../../notifications/channel.ts';
import { createSmsAdapter } from '../../notifications/sms-gateway.ts';
import { claimDue, type ClaimedMessage, markSent } from '../../services/outbox.service.ts';
import { pageLinkLine } from '../../services/messages/templates.ts';
import { expectProblem, startTestApi, type TestApi } from '../helpers/app.ts';
import { startSmsGateway, type SmsGatewayStandIn } from '../helpers/sms-gateway.ts';
import { claimedMessage, failure } from '../helpers/claimed-message.ts';

const token = 'gateway-token-for-tests';
const secret = 'reports-secret-for-tests-0123456789';
let gateway: SmsGatewayStandIn;
let api: TestApi;
let webhook: string;
const config = () => ({
  SMS_GATEWAY_URL: gateway.url,
  SMS_GATEWAY_TOKEN: token,
  SMS_SENDER: 'ComuneMI',
  SMS_MAX_SEGMENTS: 2,
  SMS_GATEWAY_TIMEOUT_SECONDS: 1,
});

const message = (m: Partial<ClaimedMessage> = {}) => claimedMessage({ channel: 'sms', recipient: '3401112233', ...m });

beforeAll(async () => {
  gateway = await startSmsGateway({ token });
  api = await startTestApi({ workers: false, env: { SMS_REPORTS_SECRET: secret } });
  // The gateway posts its reports over HTTP, as it would in production.
  await api.app.listen({ port: 0, host: '127.0.0.1' });
  webhook = `http://127.0.0.1:${(api.app.server.address() as AddressInfo).port}/api/notifications/sms/reports`;
});
afterAll(async () => {
  await gateway?.close();
  await api?.stop();
});

describe('the SMS adapter against the gateway contract', () => {
  it('posts to, from, text and clientRef with the bearer token, and answers the gateway id', async () => {
    const sms = createSmsAdapter(config());
    const m = message();
    const sent = await sms.send(m);
    expect(sent.status).toBe('sent');
    expect(gateway.messages.at(-1)).toEqual({
      id: sent.providerMessageId,
      to: '+393401112233',
      from: 'ComuneMI',
      text: m.body,
      clientRef: m.dedupKey,
      authorization: `Bearer ${token}`,
    });
  });

  it('is idempotent: the same dedup key again sends nothing and answers the same id', async () => {
    const sms = createSmsAdapter(config());
    const m = message();
    const first = await sms.send(m);
    const count = gateway.messages.length;
    expect(await sms.send({ ...m, attempts: 2 })).toEqual(first);
    expect(gateway.messages).toHaveLength(count);
    expect(sms.idempotent).toBe(true);
  });

  it('shortens a long text to SMS_MAX_SEGMENTS, keeping the page link', async () => {
    const link = pageLinkLine.it('https://sportello.example/p/Xk3v9QeR2mT7wYb4');
    const body = `Comune - richiesta MI-2026-000123: per procedere ci serve ${'la ricevuta del pagamento, '.repeat(20)}grazie.\n${link}`;
    await createSmsAdapter(config()).send(message({ body }));
    const { text } = gateway.messages.at(-1)!;
    expect(smsSize(text)).toMatchObject({ encoding: 'GSM-7', segments: 2 });
    expect(text.endsWith(`...\n${link}`)).toBe(true);
  });

  it('an unreachable number is a permanent failure (the dispatcher falls back)', async () => {
    gateway.unreachable.add('+393409990000');
    const err = await failure(createSmsAdapter(config()).send(message({ recipient: '+393409990000' })));
    expect(err).toBeInstanceOf(PermanentFailure);
    expect((err as Error).message).toContain('400');
  });

  it('a rate limit is temporary, with the Retry-After the gateway gave; an outage and a timeout are temporary', async () => {
    const sms = createSmsAdapter(config());
    gateway.rateLimit(1, 42);
    const limited = await failure(sms.send(message()));
    expect(limited).toBeInstanceOf(TemporaryFailure);
    expect((limited as TemporaryFailure).retryAfterSeconds).toBe(42);
    gateway.failNext(1);
    expect(await failure(sms.send(message()))).toBeInstanceOf(TemporaryFailure);
    gateway.hangNext(1);
    const started = Date.now();
    const hung = await failure(sms.send(message()));
    expect(hung).toBeInstanceOf(TemporaryFailure);
    expect((hung as Error).message).toContain('no answer within 1000 ms');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('a wrong token is temporary: it is our configuration, not the citizen', async () => {
    const err = await failure(createSmsAdapter({ ...config(), SMS_GATEWAY_TOKEN: 'wrong' }).send(message()));
    expect(err).toBeInstanceOf(TemporaryFailure);
  });
});

describe('delivery reports on the webhook', () => {
  /** A message through the outbox as the dispatcher handles it: claimed, sent through the gateway, recorded. */
  async function sentThroughOutbox(recipient: string) {
    const { db } = api.t;
    const dedupKey = `report-test:${recipient}`;
    await enqueueMessage(db, { caseId: null, dedupKey, channel: 'sms', recipient, body: 'Comune di Milano: la richiamiamo domani.' });
    const [claimed] = (await claimDue(db, 10, 60)).filter((m) => m.dedupKey === dedupKey);
    const sent = await createSmsAdapter(config()).send(claimed!);
    await markSent(db, claimed!.id, sent);
    return { id: claimed!.id, providerId: sent.providerMessageId };
  }
  const row = (id: number) =>
    api.t.db
      .selectFrom('outbound_messages')
      .select(['status', 'last_error', 'delivered_at'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();

  it('a delivered report makes the message delivered; a failed one failed, with the error', async () => {
    const a = await sentThroughOutbox('+393401110001');
    expect(await gateway.report(webhook, secret, { id: a.providerId, status: 'delivered' })).toBe(200);
    expect(await row(a.id)).toMatchObject({ status: 'delivered', delivered_at: expect.any(Date) });
    const b = await sentThroughOutbox('+393401110002');
    expect(await gateway.report(webhook, secret, { id: b.providerId, status: 'failed', error: 'absent subscriber' })).toBe(200);
    expect(await row(b.id)).toMatchObject({ status: 'failed', last_error: 'absent subscriber' });
  });

  it('refuses a report without the right secret (401), an unknown id (404, the gateway retries) and a bad body (400)', async () => {
    const a = await sentThroughOutbox('+393401110003');
    expect(await gateway.report(webhook, 'not-the-secret', { id: a.providerId, status: 'delivered' })).toBe(401);
    expect(await gateway.report(webhook, '', { id: a.providerId, status: 'delivered' })).toBe(401);
    expect((await row(a.id)).status).toBe('sent');
    expect(await gateway.report(webhook, secret, { id: 'never-sent', status: 'delivered' })).toBe(404);
    const bad = await api.app.inject({
      method: 'POST',
      url: '/api/notifications/sms/reports',
      headers: { 'x-gateway-secret': secret },
      payload: { id: a.providerId, status: 'read' },
    });
    expectProblem(bad, 400, ['body.status']);
  });
});
