import type { Db } from '../db/connection.ts';
import type { Config } from '../platform/config.ts';
import { municipalityName } from '../services/municipalities.service.ts';
import { awaitingStatus, type ClaimedMessage, markAsked, markProviderStatus } from '../services/outbox.service.ts';
import { type ChannelAdapter, PermanentFailure, type Sent, TemporaryFailure } from './channel.ts';
import { reason, request, retryAfter } from './http.ts';

export type AppIoConfig = Pick<Config, 'APP_IO_URL' | 'APP_IO_API_KEYS' | 'APP_IO_TIMEOUT_SECONDS'>;

/** App IO's limits on a message's content (IO services API, `NewMessage.content`). */
export const ioLimits = { subject: { min: 10, max: 120 }, markdown: { min: 80, max: 10_000 } } as const;

const footer = {
  it: (sender: string, caseId: string | null) =>
    `Questo messaggio le è stato inviato dal ${sender}${caseId ? ` in merito alla richiesta ${caseId}` : ''}. ` +
    'Le risposte a questo messaggio non arrivano agli uffici.',
  en: (sender: string, caseId: string | null) =>
    `This message was sent to you by ${sender}${caseId ? ` about request ${caseId}` : ''}. ` + 'Replies to it do not reach the offices.',
};

const cut = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1).trimEnd()}…`);

/**
 * The message within App IO's rules: a subject of 10 to 120 characters (a short one gets the
 * sender's name), a markdown body of 80 to 10,000 that always ends with a fixed footer naming the
 * municipality and the case: an SMS-length text thus reaches the minimum by saying who wrote and why.
 */
export function ioContent(m: Pick<ClaimedMessage, 'subject' | 'body' | 'caseId' | 'language'>, sender: string) {
  const language = m.language === 'en' ? 'en' : 'it';
  let subject = (m.subject ?? (m.caseId ? `${language === 'it' ? 'Richiesta' : 'Request'} ${m.caseId}` : sender)).trim();
  if (subject.length < ioLimits.subject.min) subject = `${subject} - ${sender}`.padEnd(ioLimits.subject.min, '.');
  const end = `\n\n---\n\n${footer[language](sender, m.caseId)}`;
  const markdown = cut(m.body.trim(), ioLimits.markdown.max - end.length) + end;
  return { subject: cut(subject, ioLimits.subject.max), markdown };
}

/** App IO's message statuses, and which of ours each is: the rest (ACCEPTED, THROTTLED) are not final yet. */
const finalStatus: Record<string, 'delivered' | 'failed'> = { PROCESSED: 'delivered', FAILED: 'failed', REJECTED: 'failed' };

export interface AppIoAdapter extends ChannelAdapter {
  /**
   * Asks App IO the outcome of up to `limit` messages sent in the last week and records the final
   * ones (PROCESSED → delivered; FAILED, REJECTED → failed). The notifications worker calls it
   * every minute or so; a rate limit ends the round early. Needs the database.
   */
  pollStatuses(limit?: number): Promise<{ asked: number; delivered: number; failed: number }>;
}

/**
 * App IO, the public services' app, by fiscal code (docs/notifications.md, "App IO"): the citizen's
 * profile first (no profile, or the municipality's service not allowed, is a permanent failure: the
 * dispatcher falls back), then the message; each municipality is its own IO service with its own
 * subscription key. IO takes no idempotency key, so a crash between its 201 and our record may send
 * the message once more.
 */
export function createAppIoAdapter(config: AppIoConfig, db?: Db): AppIoAdapter {
  const base = `${config.APP_IO_URL.replace(/\/$/, '')}/api/v1`;
  const timeoutMs = config.APP_IO_TIMEOUT_SECONDS * 1000;
  const keyOf = (municipalityId: string | null) => (municipalityId ? config.APP_IO_API_KEYS[municipalityId] : undefined);
  const call = (path: string, key: string, init: RequestInit = {}) =>
    request(`${base}${path}`, {
      ...init,
      headers: { 'ocp-apim-subscription-key': key, 'content-type': 'application/json' },
      timeoutMs,
    });
  // What every refusal but the expected ones means: retry on rate limits, outages and our own bad key.
  const temporary = async (what: string, res: Response) =>
    new TemporaryFailure(`App IO ${what}: ${await reason(res)}`, res.status === 429 ? retryAfter(res) : undefined);

  return {
    channel: 'io',
    idempotent: false,
    async send(message: ClaimedMessage): Promise<Sent> {
      const key = keyOf(message.municipalityId);
      if (!key) throw new PermanentFailure(`no App IO key for municipality ${message.municipalityId ?? '(none)'}`);
      const fiscalCode = message.recipient.trim().toUpperCase();
      const profile = await call(`/profiles/${encodeURIComponent(fiscalCode)}`, key);
      if (profile.status === 404) throw new PermanentFailure('App IO: the citizen has no profile');
      if (!profile.ok) throw await temporary('profile', profile);
      const { sender_allowed } = (await profile.json()) as { sender_allowed?: boolean };
      if (sender_allowed !== true) throw new PermanentFailure("App IO: the citizen does not accept this municipality's messages");

      const sender = db && message.municipalityId ? await municipalityName(db, message.municipalityId) : (message.municipalityId ?? '');
      const content = ioContent(message, sender);
      const res = await call('/messages', key, { method: 'POST', body: JSON.stringify({ fiscal_code: fiscalCode, content }) });
      // A 400 is content IO will never take (ioContent keeps to the rules, so this is a bug to see, not to repeat).
      if (res.status === 400) throw new PermanentFailure(`App IO refused the message: ${await reason(res)}`);
      if (res.status !== 201) throw await temporary('message', res);
      const { id } = (await res.json()) as { id?: string };
      if (!id) throw new TemporaryFailure('App IO: 201 without a message id');
      return { providerMessageId: id, status: 'sent' };
    },

    async pollStatuses(limit = 100) {
      if (!db) throw new Error('pollStatuses needs the database');
      const counts = { asked: 0, delivered: 0, failed: 0 };
      for (const m of await awaitingStatus(db, 'io', 7, limit)) {
        const key = keyOf(m.municipalityId);
        if (!key) continue;
        const res = await call(`/messages/${encodeURIComponent(m.recipient)}/${encodeURIComponent(m.providerMessageId)}`, key).catch(
          (err: unknown) => (err instanceof TemporaryFailure ? null : Promise.reject(err)),
        );
        // Unreachable or rate-limited: the rest waits for the next round.
        if (!res || res.status === 429) break;
        counts.asked++;
        const status = res.ok ? ((await res.json()) as { status?: string }).status : undefined;
        const outcome = status ? finalStatus[status] : undefined;
        if (!outcome) {
          await markAsked(db, m.id);
          continue;
        }
        await markProviderStatus(db, 'io', m.providerMessageId, outcome, outcome === 'failed' ? `App IO: ${status}` : undefined);
        counts[outcome]++;
      }
      return counts;
    },
  };
}
