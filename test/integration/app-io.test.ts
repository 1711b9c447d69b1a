import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueMessage } from '../../db/outbound-messages.repository.ts';
import { type AppIoAdapter, createAppIoAdapter, ioContent } from '../../notifications/app-io.ts';
import { PermanentFailure, TemporaryFailure } from '../../notifications/channel.ts';
import { claimDue, type ClaimedMessage, markSent } from '../../services/outbox.service.ts';
import { seedDemoReferenceData } from '../../scripts/seed.ts';
import { type AppIoStandIn, startAppIo } from '../helpers/app-io.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { claimedMessage, failure } from '../helpers/claimed-message.ts';

const keys = { milano: 'io-key-milano', firenze: 'io-key-firenze' };
const allowed = 'RSSMRA80A01F205X';
const blocked = 'VRDLGU75B12D612K';
const absent = 'BNCLRA90C41H501Y';
let io: AppIoStandIn;
let t: TestDatabase;
let adapter: AppIoAdapter;

const message = (m: Partial<ClaimedMessage> = {}) => claimedMessage({ channel: 'io', recipient: allowed, ...m });

beforeAll(async () => {
  io = await startAppIo({ keys: Object.values(keys) });
  io.profiles.set(allowed, true);
  io.profiles.set(blocked, false);
  t = await createTestDatabase();
  await seedDemoReferenceData(t.db);
  adapter = createAppIoAdapter({ APP_IO_URL: io.url, APP_IO_API_KEYS: keys, APP_IO_TIMEOUT_SECONDS: 2 }, t.db);
});
afterAll(async () => {
  await io?.close();
  await t?.drop();
});

describe('App IO: profile, then message', () => {
  it("sends with the municipality's own key a subject and markdown within the rules, footer naming municipality and case", async () => {
    const m = message();
    const sent = await adapter.send(m);
    expect(sent.status).toBe('sent');
    const got = io.messages.find((x) => x.id === sent.providerMessageId)!;
    expect(got).toMatchObject({ key: keys.milano, fiscal_code: allowed, subject: m.subject, status: 'ACCEPTED' });
    // The SMS-length text (57 characters) is made longer than IO's 80 honestly: by saying who wrote and why.
    expect(m.body.length).toBeLessThan(80);
    expect(got.markdown.startsWith(m.body)).toBe(true);
    expect(got.markdown).toContain('inviato dal Comune di Milano in merito alla richiesta MI-2026-000123');
    expect(got.markdown.length).toBeGreaterThanOrEqual(80);
    expect(adapter.idempotent).toBe(false);
  });

  it('keeps subject and markdown within 10–120 and 80–10000 characters whatever the message', async () => {
    const long = await adapter.send(message({ subject: `Richiesta ${'x'.repeat(200)}`, body: 'Testo. '.repeat(3000) }));
    const got = io.messages.find((x) => x.id === long.providerMessageId)!;
    expect(got.subject.length).toBe(120);
    expect(got.markdown.length).toBeLessThanOrEqual(10_000);
    expect(got.markdown).toContain('in merito alla richiesta MI-2026-000123');
    const short = ioContent(message({ subject: 'Esito', body: 'Ok' }), 'Comune di Firenze');
    expect(short.subject).toBe('Esito - Comune di Firenze');
    expect(short.markdown.length).toBeGreaterThanOrEqual(80);
    expect(ioContent(message({ language: 'en' }), 'Comune di Milano').markdown).toContain('sent to you by Comune di Milano about request');
  });

  it('no profile, or the municipality not allowed, is a permanent failure (the dispatcher falls back); so is a municipality without a key', async () => {
    const before = io.messages.length;
    expect(await failure(adapter.send(message({ recipient: absent })))).toBeInstanceOf(PermanentFailure);
    expect(await failure(adapter.send(message({ recipient: blocked })))).toBeInstanceOf(PermanentFailure);
    expect(await failure(adapter.send(message({ municipalityId: 'torino' })))).toBeInstanceOf(PermanentFailure);
    expect(io.messages).toHaveLength(before);
  });

  it("the per-key rate limit is temporary with IO's Retry-After, and limits only that key", async () => {
    // Two requests per key: a message's profile check and its submission.
    io.limit(2, 30);
    expect((await adapter.send(message())).status).toBe('sent');
    const limited = await failure(adapter.send(message()));
    expect(limited).toBeInstanceOf(TemporaryFailure);
    expect((limited as TemporaryFailure).retryAfterSeconds).toBe(30);
    expect((await adapter.send(message({ municipalityId: 'firenze', caseId: 'FI-2026-000007' }))).status).toBe('sent');
    io.limit(Number.MAX_SAFE_INTEGER, 0);
  });

  it('a key IO does not know is temporary: it is our configuration, not the citizen', async () => {
    const wrongKey = createAppIoAdapter({ APP_IO_URL: io.url, APP_IO_API_KEYS: { milano: 'revoked' }, APP_IO_TIMEOUT_SECONDS: 2 }, t.db);
    expect(await failure(wrongKey.send(message()))).toBeInstanceOf(TemporaryFailure);
  });
});

describe('App IO: asking for the status later', () => {
  it('records PROCESSED as delivered and REJECTED as failed, and keeps asking about ACCEPTED', async () => {
    const ids: Record<string, number> = {};
    for (const who of ['processed', 'rejected', 'accepted']) {
      const dedupKey = `io-poll:${who}`;
      await enqueueMessage(t.db, {
        caseId: null,
        municipalityId: 'milano',
        dedupKey,
        channel: 'io',
        recipient: allowed,
        subject: 'Richiesta MI-2026-000123: esito',
        body: 'Comune - la sua richiesta MI-2026-000123 è stata risolta.',
      });
      const [claimed] = (await claimDue(t.db, 10, 60)).filter((m) => m.dedupKey === dedupKey);
      const sent = await adapter.send(claimed!);
      await markSent(t.db, claimed!.id, sent);
      ids[who] = claimed!.id;
      if (who !== 'accepted') io.setStatus(sent.providerMessageId, who === 'processed' ? 'PROCESSED' : 'REJECTED');
    }
    expect(await adapter.pollStatuses()).toEqual({ asked: 3, delivered: 1, failed: 1 });
    const rows = await t.db.selectFrom('outbound_messages').select(['id', 'status', 'last_error']).where('channel', '=', 'io').execute();
    const status = Object.fromEntries(rows.map((r) => [r.id, [r.status, r.last_error]]));
    expect(status[ids.processed!]).toEqual(['delivered', null]);
    expect(status[ids.rejected!]).toEqual(['failed', 'App IO: REJECTED']);
    expect(status[ids.accepted!]).toEqual(['sent', null]);
    // Only the one still open is asked about next time.
    expect(await adapter.pollStatuses()).toEqual({ asked: 1, delivered: 0, failed: 0 });
  });
});
