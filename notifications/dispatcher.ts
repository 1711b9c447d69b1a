import type { Db } from '../db/connection.ts';
import type { MessageChannel } from '../db/database.ts';
import type { Config } from '../platform/config.ts';
import type { Logger } from '../platform/logger.ts';
import {
  type ClaimedMessage,
  claimDue,
  failWithFallback,
  markChannelUnavailable,
  markRetry,
  markSent,
} from '../services/outbox.service.ts';
import type { Adapters } from './adapters.ts';
import { PermanentFailure, TemporaryFailure } from './channel.ts';

export type DispatcherSettings = Pick<
  Config,
  | 'NOTIFICATIONS_BATCH_SIZE'
  | 'NOTIFICATIONS_LEASE_SECONDS'
  | 'NOTIFICATIONS_POLL_MS'
  | 'NOTIFICATIONS_MAX_ATTEMPTS'
  | 'NOTIFICATIONS_RETRY_BASE_SECONDS'
  | 'NOTIFICATIONS_RETRY_MAX_SECONDS'
>;

export interface DispatcherOptions {
  db: Db;
  adapters: Adapters;
  /** Channels this dispatcher cannot send, and why: their messages are left queued, saying so. */
  unavailable?: Partial<Record<MessageChannel, string>>;
  settings: DispatcherSettings;
  log: Logger;
}

/**
 * Delay before attempt `attempts + 1`: exponential from the base, capped, with "equal jitter" (half
 * fixed, half random) so messages failing together do not come back together; never sooner than the
 * provider asked.
 */
export function retryDelaySeconds(attempts: number, s: DispatcherSettings, retryAfterSeconds?: number, random = Math.random): number {
  const exp = Math.min(s.NOTIFICATIONS_RETRY_MAX_SECONDS, s.NOTIFICATIONS_RETRY_BASE_SECONDS * 2 ** Math.max(0, attempts - 1));
  const jittered = exp / 2 + (random() * exp) / 2;
  return Math.max(jittered, retryAfterSeconds ?? 0);
}

/** A provider's error as logs may keep it: the addresses and numbers it may quote left out (they stay in `last_error`). */
export const redacted = (reason: string) =>
  reason.replace(/[^\s<>"':;,]+@[^\s<>"':;,]+/g, '<address>').replace(/\+?\d[\d ]{7,}\d/g, '<number>');

/**
 * The outbox dispatcher: claims due messages (SKIP LOCKED with a lease, so any number of dispatchers
 * share the queue and a dead one's claims come back), sends each through its channel's adapter and
 * records the outcome. Goes on at once while batches come back full, polls when idle.
 */
export class Dispatcher {
  private stopping = false;
  private fellBack = false;
  private wake?: () => void;
  private loop?: Promise<void>;
  private readonly channels: MessageChannel[];

  constructor(private readonly o: DispatcherOptions) {
    this.channels = Object.keys(o.adapters) as MessageChannel[];
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Finishes the batch in hand (its messages get recorded), then resolves. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    let lastNote = 0;
    while (!this.stopping) {
      let claimed = 0;
      try {
        // Every minute, and at once after a fallback may have queued a message this dispatcher cannot send.
        if (this.fellBack || Date.now() - lastNote > 60_000) {
          lastNote = Date.now();
          this.fellBack = false;
          await this.noteUnavailable();
        }
        claimed = await this.dispatchOnce();
      } catch (err) {
        this.o.log.error({ err }, 'dispatch failed; trying again');
      }
      if (claimed < this.o.settings.NOTIFICATIONS_BATCH_SIZE && !this.stopping) await this.idle();
    }
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.o.settings.NOTIFICATIONS_POLL_MS);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private async noteUnavailable(): Promise<void> {
    for (const [channel, reason] of Object.entries(this.o.unavailable ?? {}) as [MessageChannel, string][]) {
      const n = await markChannelUnavailable(this.o.db, channel, reason);
      if (n > 0) this.o.log.warn({ channel, messages: n }, `messages waiting: ${reason}`);
    }
  }

  /** One batch: claim, send side by side, record. Returns how many were claimed. */
  async dispatchOnce(): Promise<number> {
    if (this.channels.length === 0) return 0;
    const s = this.o.settings;
    const batch = await claimDue(this.o.db, s.NOTIFICATIONS_BATCH_SIZE, s.NOTIFICATIONS_LEASE_SECONDS, this.channels);
    await Promise.all(batch.map((m) => this.deliver(m)));
    return batch.length;
  }

  private async deliver(m: ClaimedMessage): Promise<void> {
    const { db, log, settings } = this.o;
    const adapter = this.o.adapters[m.channel]!;
    const context = { messageId: m.id, caseId: m.caseId, channel: m.channel, attempt: m.attempts };
    try {
      const sent = await adapter.send(m);
      await markSent(db, m.id, sent);
      log.debug({ ...context, status: sent.status }, 'message sent');
      return;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      const temporary = !(err instanceof PermanentFailure);
      if (temporary && m.attempts < settings.NOTIFICATIONS_MAX_ATTEMPTS) {
        const after = err instanceof TemporaryFailure ? err.retryAfterSeconds : undefined;
        const delay = retryDelaySeconds(m.attempts, settings, after);
        await markRetry(db, m.id, reason, new Date(Date.now() + delay * 1000));
        log.info({ ...context, retryInSeconds: Math.round(delay), reason: redacted(reason) }, 'message not sent; will retry');
        return;
      }
      const why = temporary ? `gave up after ${m.attempts} attempts: ${reason}` : reason;
      const fallback = await failWithFallback(db, m, why);
      if (fallback) this.fellBack = true;
      log.warn(
        { ...context, reason: redacted(why), fallback },
        fallback ? `message failed; falling back to ${fallback.channel}` : 'message failed',
      );
    }
  }
}
