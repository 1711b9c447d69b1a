import type { ClaimedMessage } from '../services/outbox.service.ts';

/**
 * One way of reaching a citizen or an office: e-mail over SMTP, SMS through an HTTP gateway, App IO,
 * a printed letter. The dispatcher claims a message and hands it to its channel's adapter; tests swap
 * the server behind the adapter (a real SMTP server, a stand-in gateway), never the adapter.
 */
export interface ChannelAdapter {
  readonly channel: ClaimedMessage['channel'];
  /**
   * Whether the provider refuses a second message with the same idempotency key (the message's
   * dedup key), so a dispatcher that crashed between sending and recording never sends twice.
   * Without it a crash in that window may send once more.
   */
  readonly idempotent: boolean;
  send(message: ClaimedMessage): Promise<Sent>;
  close?(): Promise<void>;
}

/** The provider took the message: its id, and whether it already counts as delivered. */
export interface Sent {
  providerMessageId: string;
  status: 'sent' | 'delivered';
}

/** The provider will never take this message (bad address, refused by the recipient): fall back. */
export class PermanentFailure extends Error {
  override readonly name = 'PermanentFailure';
}

/** Worth trying again later (the server is down, a rate limit); `retryAfterSeconds` when the provider said. */
export class TemporaryFailure extends Error {
  override readonly name = 'TemporaryFailure';
  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}
