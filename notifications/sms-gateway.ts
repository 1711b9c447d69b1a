import { fitSms } from '../domain/sms-encoding.ts';
import type { Config } from '../platform/config.ts';
import type { ClaimedMessage } from '../services/outbox.service.ts';
import { type ChannelAdapter, PermanentFailure, type Sent, TemporaryFailure } from './channel.ts';
import { reason, request, retryAfter } from './http.ts';

export type SmsConfig = Pick<
  Config,
  'SMS_GATEWAY_URL' | 'SMS_GATEWAY_TOKEN' | 'SMS_SENDER' | 'SMS_MAX_SEGMENTS' | 'SMS_GATEWAY_TIMEOUT_SECONDS'
>;

/** An Italian mobile number as the gateway wants it: E.164, +39 when the citizen gave none. */
export const e164 = (phone: string) => (phone.startsWith('+') ? phone : phone.startsWith('00') ? `+${phone.slice(2)}` : `+39${phone}`);

/**
 * SMS through an HTTP gateway following the generic JSON contract of docs/notifications.md ("SMS"):
 * `POST {url}/messages` with a bearer token; the gateway deduplicates on `clientRef` (the message's
 * dedup key), so a repeat after a crash never sends twice. Texts longer than SMS_MAX_SEGMENTS
 * segments are shortened (domain/sms-encoding.ts), the citizen's page link kept whole.
 */
export function createSmsAdapter(config: SmsConfig): ChannelAdapter {
  const { SMS_GATEWAY_URL: url, SMS_GATEWAY_TOKEN: token } = config;
  if (!url || !token) throw new Error('SMS_GATEWAY_URL and SMS_GATEWAY_TOKEN are needed to send SMS');
  const endpoint = `${url.replace(/\/$/, '')}/messages`;
  const timeoutMs = config.SMS_GATEWAY_TIMEOUT_SECONDS * 1000;
  return {
    channel: 'sms',
    idempotent: true,
    async send(message: ClaimedMessage): Promise<Sent> {
      const body = {
        to: e164(message.recipient),
        from: config.SMS_SENDER,
        text: fitSms(message.body, config.SMS_MAX_SEGMENTS),
        clientRef: message.dedupKey,
      };
      const res = await request(endpoint, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        timeoutMs,
      });
      if (res.status === 429 || res.status >= 500) throw new TemporaryFailure(`SMS gateway: ${await reason(res)}`, retryAfter(res));
      // 401/403 is our configuration, not the number: worth retrying once someone fixes the token.
      if (res.status === 401 || res.status === 403) throw new TemporaryFailure(`SMS gateway refused our token: ${res.status}`);
      if (res.status >= 400) throw new PermanentFailure(`SMS gateway: ${await reason(res)}`);
      const id = ((await res.json().catch(() => null)) as { id?: unknown } | null)?.id;
      if ((typeof id !== 'string' && typeof id !== 'number') || id === '') {
        throw new TemporaryFailure(`SMS gateway: ${res.status} without a message id`);
      }
      return { providerMessageId: String(id), status: 'sent' };
    },
  };
}
