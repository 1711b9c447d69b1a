import type { Db } from '../db/connection.ts';
import {
  awaitingProviderStatus,
  type ClaimedMessage,
  claimDueMessages,
  recordFailed,
  recordProviderStatus,
  recordRetry,
  recordSent,
  touchMessage,
} from '../db/outbound-messages.repository.ts';
import type { MessageChannel } from '../db/database.ts';

export type { ClaimedMessage };

/**
 * The outbox as a delivery queue, for the notifications worker: claim what is due, then record
 * what each channel answered. A permanent failure falls back to the citizen's next channel.
 */
export const claimDue = (db: Db, limit: number, leaseSeconds: number) => claimDueMessages(db, limit, leaseSeconds);
export const markSent = (db: Db, id: number, sent: { providerMessageId: string; status: 'sent' | 'delivered' }) =>
  recordSent(db, id, sent.providerMessageId, sent.status);
export const markRetry = (db: Db, id: number, error: string, retryAt: Date) => recordRetry(db, id, error, retryAt);
export const markFailed = (db: Db, id: number, error: string) => recordFailed(db, id, error);

/** A provider's later word (delivery report, bounce, App IO status), by the id it gave. */
export const markProviderStatus = (
  db: Db,
  channel: MessageChannel,
  providerMessageId: string,
  status: 'delivered' | 'failed',
  error?: string,
) => recordProviderStatus(db, channel, providerMessageId, status, error);

/** Sent messages whose channel is asked for their outcome (App IO), and noting that one was asked. */
export const awaitingStatus = (db: Db, channel: MessageChannel, days: number, limit: number) =>
  awaitingProviderStatus(db, channel, days, limit);
export const markAsked = (db: Db, id: number) => touchMessage(db, id);
