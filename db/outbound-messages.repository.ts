import { type Selectable, sql } from 'kysely';
import type { Executor, MessageChannel, MessageStatus, OutboundMessagesTable } from './database.ts';
import type { ListTotal } from '../domain/page.ts';
import { cappedCount } from './capped-count.ts';

export interface OutboundMessage {
  /** Null for a message that belongs to no case (an abandoned caller's callback fallback). */
  caseId: string | null;
  municipalityId?: string | null;
  dedupKey: string;
  channel: MessageChannel;
  recipient: string;
  event?: string | null;
  language?: string;
  subject?: string | null;
  body: string;
  fallbackOf?: number | null;
}

/** A message a dispatcher has claimed: everything a channel needs to send it. */
export interface ClaimedMessage {
  id: number;
  caseId: string | null;
  municipalityId: string | null;
  dedupKey: string;
  channel: MessageChannel;
  recipient: string;
  event: string | null;
  language: string;
  subject: string | null;
  body: string;
  attempts: number;
  fallbackOf: number | null;
}

/** Queues a message in the outbox; a repeated dedup key queues nothing. Returns the new row's id, or null. */
export async function enqueueMessage(db: Executor, m: OutboundMessage): Promise<number | null> {
  const row = await db
    .insertInto('outbound_messages')
    .values({
      case_id: m.caseId,
      municipality_id: m.municipalityId ?? null,
      dedup_key: m.dedupKey,
      channel: m.channel,
      recipient: m.recipient,
      event: m.event ?? null,
      language: m.language ?? 'it',
      subject: m.subject ?? null,
      body: m.body,
      fallback_of: m.fallbackOf ?? null,
    })
    .onConflict((oc) => oc.column('dedup_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? null;
}

/**
 * Claims up to `limit` due messages for `leaseSeconds`: `FOR UPDATE SKIP LOCKED`, so dispatchers
 * running side by side never take the same row; a row whose lease ran out (its dispatcher died
 * between claiming and recording) is due again.
 */
export async function claimDueMessages(
  db: Executor,
  limit: number,
  leaseSeconds: number,
  channels?: readonly MessageChannel[],
): Promise<ClaimedMessage[]> {
  // A dispatcher claims only the channels it can send; the others' messages stay queued for one that can.
  const only = channels ? sql`and channel = any(${[...channels]}::text[])` : sql``;
  const rows = await sql<ClaimedMessage>`
    update outbound_messages m set status = 'sending', attempts = m.attempts + 1,
      claimed_until = now() + make_interval(secs => ${leaseSeconds}), updated_at = now()
    from (
      select id from outbound_messages
      where ((status = 'queued' and next_attempt_at <= now()) or (status = 'sending' and claimed_until < now())) ${only}
      order by next_attempt_at limit ${limit} for update skip locked
    ) due
    where m.id = due.id
    returning m.id, m.case_id as "caseId", m.municipality_id as "municipalityId", m.dedup_key as "dedupKey", m.channel,
      m.recipient, m.event, m.language, m.subject, m.body, m.attempts, m.fallback_of as "fallbackOf"`.execute(db);
  return rows.rows;
}

/** What the channel answered: sent (or already delivered), with the provider's id. */
export async function recordSent(db: Executor, id: number, providerMessageId: string, status: 'sent' | 'delivered'): Promise<void> {
  await db
    .updateTable('outbound_messages')
    .set({
      status,
      provider_message_id: providerMessageId,
      sent_at: sql`now()`,
      delivered_at: status === 'delivered' ? sql`now()` : null,
      claimed_until: null,
      last_error: null,
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .execute();
}

/** A failure worth trying again later: back in the queue at `retryAt`. */
export async function recordRetry(db: Executor, id: number, error: string, retryAt: Date): Promise<void> {
  await db
    .updateTable('outbound_messages')
    .set({ status: 'queued', next_attempt_at: retryAt, claimed_until: null, last_error: error, updated_at: sql`now()` })
    .where('id', '=', id)
    .execute();
}

/** A failure for good (refused, bounced, or out of attempts). */
export async function recordFailed(db: Executor, id: number, error: string): Promise<void> {
  await db
    .updateTable('outbound_messages')
    .set({ status: 'failed', failed_at: sql`now()`, claimed_until: null, last_error: error, updated_at: sql`now()` })
    .where('id', '=', id)
    .execute();
}

/** A provider's later word on a message it accepted (an SMS delivery report, a bounce, App IO's status). */
export async function recordProviderStatus(
  db: Executor,
  channel: MessageChannel,
  providerMessageId: string,
  status: Extract<MessageStatus, 'delivered' | 'failed'>,
  error?: string,
): Promise<ClaimedMessage | undefined> {
  return db
    .updateTable('outbound_messages')
    .set({
      status,
      ...(status === 'delivered' ? { delivered_at: sql`now()` } : { failed_at: sql`now()`, last_error: error ?? 'failed' }),
      updated_at: sql`now()`,
    })
    .where('channel', '=', channel)
    .where('provider_message_id', '=', providerMessageId)
    .where('status', 'in', ['sent', 'delivered'])
    .returning([
      sql<number>`id::int`.as('id'),
      'case_id as caseId',
      'municipality_id as municipalityId',
      'dedup_key as dedupKey',
      'channel',
      'recipient',
      'event',
      'language',
      'subject',
      'body',
      'attempts',
      sql<number | null>`fallback_of::int`.as('fallbackOf'),
    ])
    .executeTakeFirst();
}

/**
 * Messages a provider took whose outcome it tells only when asked (App IO): `sent` within the last
 * `days`, oldest asked-about first (updated_at moves on with each question, so all get their turn).
 */
export function awaitingProviderStatus(db: Executor, channel: MessageChannel, days: number, limit: number) {
  return db
    .selectFrom('outbound_messages')
    .select(['id', 'recipient', 'provider_message_id as providerMessageId', 'municipality_id as municipalityId'])
    .where('channel', '=', channel)
    .where('status', '=', 'sent')
    .where('provider_message_id', 'is not', null)
    .where('sent_at', '>', sql<Date>`now() - make_interval(days => ${days})`)
    .orderBy('updated_at')
    .limit(limit)
    .execute() as Promise<{ id: number; recipient: string; providerMessageId: string; municipalityId: string | null }[]>;
}

/** Notes that the provider was asked about the message and had nothing new to say. */
export async function touchMessage(db: Executor, id: number): Promise<void> {
  await db
    .updateTable('outbound_messages')
    .set({ updated_at: sql`now()` })
    .where('id', '=', id)
    .execute();
}

/** Says on the queued messages of a channel nobody can send why they wait (they stay queued, never dropped). */
export async function noteChannelUnavailable(db: Executor, channel: MessageChannel, reason: string): Promise<number> {
  const r = await db
    .updateTable('outbound_messages')
    .set({ last_error: reason, updated_at: sql`now()` })
    .where('channel', '=', channel)
    .where('status', '=', 'queued')
    .where((eb) => eb.or([eb('last_error', 'is', null), eb('last_error', '!=', reason)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** The channels already tried for a message: it and the messages it is the fallback of, back to the first. */
export async function fallbackChain(db: Executor, id: number): Promise<{ id: number; channel: MessageChannel; dedupKey: string }[]> {
  const rows = await sql<{ id: number; channel: MessageChannel; dedupKey: string }>`
    with recursive chain as (
      select id, channel, dedup_key, fallback_of from outbound_messages where id = ${id}
      union all
      select m.id, m.channel, m.dedup_key, m.fallback_of from outbound_messages m join chain c on m.id = c.fallback_of
    )
    select id::int as id, channel, dedup_key as "dedupKey" from chain`.execute(db);
  return rows.rows;
}

export type OutboundMessageRow = Selectable<OutboundMessagesTable>;

export interface MessageFilter {
  status?: MessageStatus;
  channel?: MessageChannel;
  caseId?: string;
}

/** One page of the messages of the municipalities in `scope`, newest first. */
export async function listMessageRows(
  db: Executor,
  scope: readonly string[],
  filter: MessageFilter,
  sort: { field: 'createdAt' | 'updatedAt' | 'id'; order: 'asc' | 'desc' },
  page: { offset: number; limit: number },
): Promise<{ rows: OutboundMessageRow[]; total: ListTotal }> {
  if (scope.length === 0) return { rows: [], total: 0 };
  let q = db.selectFrom('outbound_messages').where('municipality_id', 'in', [...scope]);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.channel) q = q.where('channel', '=', filter.channel);
  if (filter.caseId) q = q.where('case_id', '=', filter.caseId);
  const column = ({ createdAt: 'created_at', updatedAt: 'updated_at', id: 'id' } as const)[sort.field];
  const [rows, total] = await Promise.all([
    q.selectAll().orderBy(column, sort.order).orderBy('id', sort.order).offset(page.offset).limit(page.limit).execute(),
    cappedCount(db, q),
  ]);
  return { rows, total };
}

export async function findMessageRow(db: Executor, id: number, scope: readonly string[]): Promise<OutboundMessageRow | undefined> {
  if (scope.length === 0) return undefined;
  return db
    .selectFrom('outbound_messages')
    .selectAll()
    .where('id', '=', id)
    .where('municipality_id', 'in', [...scope])
    .executeTakeFirst();
}

/** A failed message back in the queue, due now, with a fresh count of attempts. Null when it was not failed. */
export async function requeueFailed(db: Executor, id: number): Promise<OutboundMessageRow | undefined> {
  return db
    .updateTable('outbound_messages')
    .set({ status: 'queued', attempts: 0, next_attempt_at: sql`now()`, failed_at: null, claimed_until: null, updated_at: sql`now()` })
    .where('id', '=', id)
    .where('status', '=', 'failed')
    .returningAll()
    .executeTakeFirst();
}
