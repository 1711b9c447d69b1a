import type { Executor } from './database.ts';

export interface OutboundMessage {
  /** Null for a message that belongs to no case (an abandoned caller's callback fallback). */
  caseId: string | null;
  dedupKey: string;
  channel: 'sms' | 'email';
  recipient: string;
  body: string;
}

/** Queues a message in the outbox (nothing delivers it yet); a repeated dedup key queues nothing. */
export async function enqueueMessage(db: Executor, m: OutboundMessage): Promise<void> {
  await db
    .insertInto('outbound_messages')
    .values({ case_id: m.caseId, dedup_key: m.dedupKey, channel: m.channel, recipient: m.recipient, body: m.body })
    .onConflict((oc) => oc.column('dedup_key').doNothing())
    .execute();
}
