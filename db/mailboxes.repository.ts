import { type Selectable, sql } from 'kysely';
import type { Executor, InboundMailOutcome, MailboxesTable } from './database.ts';

export type MailboxRow = Selectable<MailboxesTable>;

export const enabledMailboxes = (db: Executor): Promise<MailboxRow[]> =>
  db.selectFrom('mailboxes').selectAll().where('enabled', '=', true).orderBy('id').execute();

export const findMailbox = (db: Executor, id: string): Promise<MailboxRow | undefined> =>
  db.selectFrom('mailboxes').selectAll().where('id', '=', id).executeTakeFirst();

/** Records how far the folder was read; a new UIDVALIDITY comes with last_uid 0 (a re-scan). */
export async function saveUidState(db: Executor, id: string, uidvalidity: number, lastUid: number): Promise<void> {
  await db
    .updateTable('mailboxes')
    .set({ uidvalidity, last_uid: lastUid, updated_at: sql`now()` })
    .where('id', '=', id)
    .execute();
}

export const findInboundMail = (db: Executor, mailboxId: string, messageId: string) =>
  db
    .selectFrom('inbound_mails')
    .select(['outcome', 'case_id as caseId', 'reason'])
    .where('mailbox_id', '=', mailboxId)
    .where('message_id', '=', messageId)
    .executeTakeFirst();

export interface InboundMailRecord {
  mailboxId: string;
  messageId: string;
  outcome: InboundMailOutcome;
  caseId: string | null;
  reason: string | null;
  refusedAttachments: number;
}

/** The message's outcome, once; false when it was already recorded (another reader took it first). */
export async function insertInboundMail(db: Executor, m: InboundMailRecord): Promise<boolean> {
  const row = await db
    .insertInto('inbound_mails')
    .values({
      mailbox_id: m.mailboxId,
      message_id: m.messageId,
      outcome: m.outcome,
      case_id: m.caseId,
      reason: m.reason,
      refused_attachments: m.refusedAttachments,
    })
    .onConflict((oc) => oc.columns(['mailbox_id', 'message_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return !!row;
}
