import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueMessage } from '../../db/outbound-messages.repository.ts';
import { TemporaryFailure } from '../../notifications/channel.ts';
import { createSmsAdapter } from '../../notifications/sms-gateway.ts';
import { type SmsCatcher, startSmsCatcher } from '../../platform/sms-catcher.ts';
import { claimDue, markSent } from '../../services/outbox.service.ts';
import { startTestApi, type TestApi } from '../helpers/app.ts';
import { failure } from '../helpers/claimed-message.ts';

/**
 * The demo's SMS catcher (platform/sms-catcher.ts) as `npm start` runs it: the real SMS adapter
 * sends to it, it reports delivery to the real API's webhook, and its page shows what was sent.
 */
const token = 'catcher-token-for-tests';
const secret = 'catcher-reports-secret-0123456789';
let api: TestApi;
let catcher: SmsCatcher;
let dir: string;
let webhook: string;
const adapter = (t = token) =>
  createSmsAdapter({
    SMS_GATEWAY_URL: catcher.url,
    SMS_GATEWAY_TOKEN: t,
    SMS_SENDER: 'Comune',
    SMS_MAX_SEGMENTS: 3,
    SMS_GATEWAY_TIMEOUT_SECONDS: 2,
  });

beforeAll(async () => {
  api = await startTestApi({ workers: false, env: { SMS_REPORTS_SECRET: secret } });
  await api.app.listen({ port: 0, host: '127.0.0.1' });
  webhook = `http://127.0.0.1:${(api.app.server.address() as AddressInfo).port}/api/notifications/sms/reports`;
  dir = mkdtempSync(path.join(tmpdir(), 'sms-catcher-'));
  catcher = await startSmsCatcher({ dir, port: 0, token, reports: { url: webhook, secret } });
});
afterAll(async () => {
  await catcher?.stop();
  await api?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A message through the outbox as the dispatcher handles it: claimed, sent to the catcher, recorded. */
async function sendThroughOutbox(recipient: string, body: string) {
  const { db } = api.t;
  const dedupKey = `catcher-test:${recipient}`;
  await enqueueMessage(db, { caseId: null, dedupKey, channel: 'sms', recipient, body });
  const [claimed] = (await claimDue(db, 10, 60)).filter((m) => m.dedupKey === dedupKey);
  const sent = await adapter().send(claimed!);
  await markSent(db, claimed!.id, sent);
  return { id: claimed!.id, dedupKey, providerId: sent.providerMessageId, claimed: claimed! };
}
const status = async (id: number) =>
  (await api.t.db.selectFrom('outbound_messages').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

describe('the demo SMS catcher', () => {
  it('takes an SMS as a gateway would, reports it delivered to the webhook, and shows it on its page', async () => {
    const text = 'Comune di Milano: la sua richiesta C-2026-000001 è <registrata> & presa in carico.';
    const sent = await sendThroughOutbox('3401110001', text);
    expect(catcher.messages().map((m) => ({ id: m.id, to: m.to, from: m.from, text: m.text, clientRef: m.clientRef }))).toEqual([
      { id: sent.providerId, to: '+393401110001', from: 'Comune', text, clientRef: sent.dedupKey },
    ]);
    // The report may overtake the dispatcher's record of the send (a 404): the catcher tries again.
    await expect.poll(() => status(sent.id), { timeout: 15_000, interval: 100 }).toBe('delivered');
    await expect.poll(() => catcher.messages()[0]!.report, { timeout: 5_000, interval: 50 }).toBe('recorded');

    const page = await fetch(`${catcher.url}/`);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('+393401110001');
    expect(html).toContain('è &lt;registrata&gt; &amp; presa in carico');
    expect(html).not.toContain('<registrata>');
    expect(await (await fetch(`${catcher.url}/messages.json`)).json()).toEqual([expect.objectContaining({ id: sent.providerId, text })]);
  });

  it('follows the contract: the same clientRef sends nothing twice, a wrong token is refused, a bad number is a 400', async () => {
    const sent = await sendThroughOutbox('3401110002', 'Comune: promemoria.');
    const count = catcher.messages().length;
    expect(await adapter().send({ ...sent.claimed, attempts: 2 })).toEqual({ providerMessageId: sent.providerId, status: 'sent' });
    expect(catcher.messages()).toHaveLength(count);
    expect(await failure(adapter('wrong-token').send(sent.claimed))).toBeInstanceOf(TemporaryFailure);
    const bad = await fetch(`${catcher.url}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ to: '12', text: 'x', clientRef: 'bad-number' }),
    });
    expect(bad.status).toBe(400);
    expect(catcher.messages()).toHaveLength(count);
  });

  it('keeps its messages across a restart, and still knows their clientRefs', async () => {
    const before = catcher.messages();
    await catcher.stop();
    catcher = await startSmsCatcher({ dir, port: 0, token, reports: { url: webhook, secret } });
    expect(catcher.messages().map((m) => [m.id, m.report])).toEqual(before.map((m) => [m.id, 'earlier-run']));
    const again = await adapter().send({
      ...(await sendThroughOutbox('3401110003', 'Comune: terzo.')).claimed,
      dedupKey: before[0]!.clientRef,
    });
    expect(again.providerMessageId).toBe(before[0]!.id);
  });
});
