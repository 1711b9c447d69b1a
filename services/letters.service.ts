import { randomUUID } from 'node:crypto';
import type { Letter, LetterFilter } from '../contracts/notifications.ts';
import type { Scope } from '../db/cases.repository.ts';
import type { Db } from '../db/connection.ts';
import { appendAudit } from '../db/audit.repository.ts';
import {
  findLetter,
  insertLetter,
  type LetterRow,
  letterPdf as letterPdfRow,
  listLetterRows,
  setLetterPosted,
} from '../db/letters.repository.ts';
import { caseRecipient } from '../db/recipients.repository.ts';
import { findMunicipality } from '../db/reference.repository.ts';
import type { Page } from '../domain/page.ts';
import { type Principal, serves } from '../domain/principal.ts';
import { notFound } from './errors.ts';
import { letterPdf } from './letters.pdf.ts';
import { type ClaimedMessage, markProviderStatus } from './outbox.service.ts';

/**
 * Letters: a message of the `letter` channel becomes a printable PDF in the print queue (status
 * `to-print`); the back office downloads it, prints and posts it, then marks it `posted`, which
 * makes the message `delivered` (ordinary mail gives no receipt: posted is as far as we can know).
 */
export interface Editor {
  principal: Principal;
  requestId: string;
}

const rowToLetter = (r: LetterRow): Letter => ({
  id: r.id,
  messageId: r.message_id,
  caseId: r.case_id,
  municipalityId: r.municipality_id,
  recipientName: r.recipient_name,
  address: r.address,
  subject: r.subject,
  status: r.status,
  createdAt: r.created_at.toISOString(),
  postedAt: r.posted_at?.toISOString() ?? null,
  postedBy: r.posted_by,
});

/**
 * Renders and queues the letter of a claimed message (its recipient is the postal address); the
 * same message again returns the letter already queued. Null when it belongs to no municipality.
 */
export async function queueLetter(db: Db, m: ClaimedMessage, now = new Date()): Promise<Letter | null> {
  const municipalityId = m.municipalityId;
  if (!municipalityId) return null;
  const municipality = await findMunicipality(db, municipalityId);
  const citizen = m.caseId ? (await caseRecipient(db, m.caseId)).citizen : {};
  const name = citizen.name ?? null;
  const pdf = await letterPdf({
    municipality: { name: municipality?.name ?? municipalityId },
    recipient: { name, address: m.recipient },
    caseId: m.caseId,
    subject: m.subject,
    text: m.body,
    language: m.language === 'en' ? 'en' : 'it',
    date: now,
  });
  const row = await insertLetter(db, {
    id: randomUUID(),
    message_id: m.id,
    case_id: m.caseId,
    municipality_id: municipalityId,
    recipient_name: name,
    address: m.recipient,
    subject: m.subject,
    pdf,
  });
  return rowToLetter(row);
}

export async function listLetters(db: Db, scope: Scope, filter: LetterFilter, sort: 'ASC' | 'DESC', page: Page) {
  const { rows, total } = await listLetterRows(db, scope, filter, sort, page);
  return { rows: rows.map(rowToLetter), total };
}

/** The PDF to print; another municipality's letter is not found. */
export async function getLetterPdf(db: Db, id: string, p: Principal): Promise<Buffer> {
  const row = await letterPdfRow(db, id);
  if (!row || !serves(p, row.municipality_id)) throw notFound(`letter ${id}`);
  return row.pdf;
}

/** The letter went into the post: audited, and its message becomes delivered. Posting it again changes nothing. */
export async function markLetterPosted(db: Db, id: string, { principal, requestId }: Editor): Promise<Letter> {
  const current = await findLetter(db, id);
  if (!current || !serves(principal, current.municipality_id)) throw notFound(`letter ${id}`);
  const posted = await db.transaction().execute(async (trx) => {
    const row = await setLetterPosted(trx, id, principal.id);
    if (!row) return undefined;
    await markProviderStatus(trx, 'letter', id, 'delivered');
    await appendAudit(trx, {
      actor: principal.id,
      role: principal.role,
      municipalityId: row.municipality_id,
      action: 'letter.posted',
      targetType: 'letter',
      targetId: id,
      requestId,
      before: { status: current.status },
      after: { status: row.status, postedAt: row.posted_at, messageId: row.message_id },
    });
    return row;
  });
  return rowToLetter(posted ?? (await findLetter(db, id))!);
}
