import type { Db } from '../db/connection.ts';
import { appendAudit } from '../db/audit.repository.ts';
import { findCaseRow } from '../db/cases.repository.ts';
import { caseRecipient } from '../db/recipients.repository.ts';
import {
  awaitingProviderStatus,
  type ClaimedMessage,
  claimDueMessages,
  enqueueMessage,
  fallbackChain,
  findMessageRow,
  listMessageRows,
  noteChannelUnavailable,
  type OutboundMessageRow,
  recordFailed,
  recordProviderStatus,
  recordRetry,
  recordSent,
  touchMessage,
  requeueFailed,
} from '../db/outbound-messages.repository.ts';
import type { Executor, MessageChannel } from '../db/database.ts';
import type { Citizen } from '../domain/case.ts';
import type { Page } from '../domain/page.ts';
import type { Principal } from '../domain/principal.ts';
import type { MessageListQuery, MessageRecord } from '../contracts/messages.ts';
import { ApiError, notFound } from './errors.ts';

export type { ClaimedMessage };

/**
 * The outbox as a delivery queue, for the notifications worker: claim what is due, then record
 * what each channel answered. A permanent failure falls back to the citizen's next channel.
 */
export const claimDue = (db: Db, limit: number, leaseSeconds: number, channels?: readonly MessageChannel[]) =>
  claimDueMessages(db, limit, leaseSeconds, channels);
export const markSent = (db: Db, id: number, sent: { providerMessageId: string; status: 'sent' | 'delivered' }) =>
  recordSent(db, id, sent.providerMessageId, sent.status);
export const markRetry = (db: Db, id: number, error: string, retryAt: Date) => recordRetry(db, id, error, retryAt);
export const markFailed = (db: Db, id: number, error: string) => recordFailed(db, id, error);
/** Queued messages of a channel this deployment cannot send keep waiting, saying why. */
export const markChannelUnavailable = (db: Db, channel: MessageChannel, reason: string) => noteChannelUnavailable(db, channel, reason);

/**
 * A provider's later word (delivery report, bounce, App IO status), by the id it gave. A failure
 * after the send (a bounce, a failed delivery report) is a failure for good like a refusal at the
 * send: the message falls back to the citizen's next channel, in the same transaction.
 */
export async function markProviderStatus(
  db: Executor,
  channel: MessageChannel,
  providerMessageId: string,
  status: 'delivered' | 'failed',
  error?: string,
): Promise<{ id: number; fallback: { id: number; channel: MessageChannel } | null } | undefined> {
  if (status === 'delivered') {
    const updated = await recordProviderStatus(db, channel, providerMessageId, status);
    return updated && { id: updated.id, fallback: null };
  }
  const fail = async (trx: Executor) => {
    const failed = await recordProviderStatus(trx, channel, providerMessageId, status, error);
    return failed && { id: failed.id, fallback: await fallBack(trx, failed) };
  };
  return db.isTransaction ? fail(db) : db.transaction().execute(fail);
}

/** Sent messages whose channel is asked for their outcome (App IO), and noting that one was asked. */
export const awaitingStatus = (db: Db, channel: MessageChannel, days: number, limit: number) =>
  awaitingProviderStatus(db, channel, days, limit);
export const markAsked = (db: Db, id: number) => touchMessage(db, id);
/**
 * The order a citizen is written to when a channel fails for good: e-mail, SMS, App IO (by fiscal
 * code), then a letter (when a postal address is known). Each channel is tried once per message.
 */
export const fallbackOrder = ['email', 'sms', 'io', 'letter'] as const satisfies readonly MessageChannel[];

/** The citizen's contact on each channel they can be reached on. */
export function citizenContacts(citizen: Citizen): Partial<Record<MessageChannel, string>> {
  // A letter is possible only with a postal address.
  const address = citizen.address;
  return {
    ...(citizen.email ? { email: citizen.email } : {}),
    ...(citizen.phone ? { sms: citizen.phone } : {}),
    ...(citizen.fiscalCode ? { io: citizen.fiscalCode } : {}),
    ...(typeof address === 'string' && address.trim() ? { letter: address } : {}),
  };
}

/** The next channel of `fallbackOrder` the citizen has and that was not tried yet; null when none is left. */
export function nextChannel(
  contacts: Partial<Record<MessageChannel, string>>,
  tried: readonly MessageChannel[],
): { channel: MessageChannel; recipient: string } | null {
  const channel = fallbackOrder.find((c) => contacts[c] && !tried.includes(c));
  return channel ? { channel, recipient: contacts[channel]! } : null;
}

/**
 * After `message` failed for good: the same words on the citizen's next channel, as a new message
 * naming the failed one (`fallback_of`) under a new dedup key. Messages to an office (the recipient is
 * none of the citizen's contacts) and messages of no case have no fallback. Returns the new message, or null.
 */
export async function fallBack(db: Executor, message: ClaimedMessage): Promise<{ id: number; channel: MessageChannel } | null> {
  if (!message.caseId) return null;
  const { citizen } = await caseRecipient(db, message.caseId);
  const contacts = citizenContacts(citizen);
  if (contacts[message.channel] !== message.recipient) return null;
  const chain = await fallbackChain(db, message.id);
  const next = nextChannel(
    contacts,
    chain.map((m) => m.channel),
  );
  if (!next) return null;
  const first = chain.at(-1)!;
  const id = await enqueueMessage(db, {
    caseId: message.caseId,
    municipalityId: message.municipalityId,
    dedupKey: `${first.dedupKey}:fallback:${next.channel}`,
    ...next,
    event: message.event,
    language: message.language,
    subject: message.subject,
    body: message.body,
    fallbackOf: message.id,
  });
  return id === null ? null : { id, channel: next.channel };
}

/**
 * A message failed for good: recorded as failed and, in the same transaction, its fallback queued
 * (so a crash never leaves a failed message without the fallback it was owed). Returns the fallback.
 */
export const failWithFallback = (db: Db, message: ClaimedMessage, error: string) =>
  db.transaction().execute(async (trx) => {
    await recordFailed(trx, message.id, error);
    return fallBack(trx, message);
  });

const iso = (d: Date | null) => (d ? d.toISOString() : null);
function rowToRecord(r: OutboundMessageRow): MessageRecord {
  return {
    id: Number(r.id),
    caseId: r.case_id,
    municipalityId: r.municipality_id,
    channel: r.channel,
    recipient: r.recipient,
    event: r.event,
    language: r.language,
    subject: r.subject,
    body: r.body,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at.toISOString(),
    providerMessageId: r.provider_message_id,
    lastError: r.last_error,
    sentAt: iso(r.sent_at),
    deliveredAt: iso(r.delivered_at),
    failedAt: iso(r.failed_at),
    fallbackOf: r.fallback_of === null ? null : Number(r.fallback_of),
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

/** One page of the messages of the municipalities the caller serves (newest first unless sorted). */
export async function listMessages(db: Db, p: Principal, query: MessageListQuery, page: Page) {
  const [field, order] = query.sort ?? ['createdAt', 'DESC'];
  const { rows, total } = await listMessageRows(
    db,
    p.municipalities,
    query.filter ?? {},
    { field, order: order === 'ASC' ? 'asc' : 'desc' },
    page,
  );
  return { rows: rows.map(rowToRecord), total };
}

/** A case's messages, oldest first, for the case page; 404 for a case the caller does not serve. */
export async function caseMessages(db: Db, p: Principal, caseId: string, page: Page) {
  if (!(await findCaseRow(db, caseId, p.municipalities))) throw notFound(`case ${caseId}`);
  return listMessages(db, p, { filter: { caseId }, sort: ['createdAt', 'ASC'] }, page);
}

/** A failed message back in the queue (a supervisor fixed the address, or the provider is back). Audited. */
export async function retryMessage(db: Db, p: Principal, id: number, requestId: string): Promise<MessageRecord> {
  return db.transaction().execute(async (trx) => {
    const found = await findMessageRow(trx, id, p.municipalities);
    if (!found) throw notFound(`message ${id}`);
    const row = await requeueFailed(trx, id);
    if (!row) throw new ApiError('conflict', `message ${id} is ${found.status}: only a failed message can be retried`);
    await appendAudit(trx, {
      actor: p.id,
      role: p.role,
      municipalityId: row.municipality_id!,
      action: 'message.retried',
      targetType: 'outbound-message',
      targetId: String(id),
      requestId,
      before: { status: found.status, attempts: found.attempts, lastError: found.last_error },
      after: { status: row.status },
    });
    return rowToRecord(row);
  });
}
