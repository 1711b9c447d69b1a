import { type CaseIntake, CaseIntakeSchema, type Citizen, CitizenSchema } from '../domain/case.ts';
import { detailsIssues } from '../domain/service-definition.ts';
import { findCitizenCaseRows } from '../db/cases.repository.ts';
import { latestPublished } from '../db/definitions.repository.ts';
import type { InboundMailOutcome } from '../db/database.ts';
import { enabledMailboxes, findInboundMail, insertInboundMail, type MailboxRow, saveUidState } from '../db/mailboxes.repository.ts';
import type { Db } from '../db/connection.ts';
import type { Logger } from '../platform/logger.ts';
import { citizenInformationSignal } from '../workflows/case.definitions.ts';
import { type IncomingFile, refusalOf, storeAttachment } from './attachments.service.ts';
import { caseDetail, type CaseServiceDeps, openCase, signalCase } from './cases.service.ts';
import { ApiError } from './errors.ts';
import { markProviderStatus } from './outbox.service.ts';

/**
 * Inbound e-mail after the IMAP edge has parsed and classified it (notifications/inbound-mail/):
 * a new message opens a case, a reply joins its case, bounces mark our message failed, and
 * auto-replies, loops and malformed mail are only recorded. Each message is taken once per
 * mailbox, by its Message-ID (table inbound_mails). Rules: docs/inbound-mail.md.
 */

export type MailIntakeDeps = CaseServiceDeps & { log: Logger };

export interface Mailbox {
  id: string;
  name: string;
  municipalityIds: string[];
  triageService: string;
  host: string;
  port: number;
  tls: boolean;
  username: string;
  folder: string;
  uidvalidity: number | null;
  lastUid: number;
}

// The front office's triage queue: a case on the general service, at first level, until an
// operator answers it or hands it to the competent office.
export const defaultTriageService = 'general-information';

const toMailbox = (r: MailboxRow): Mailbox => ({
  id: r.id,
  name: r.name,
  municipalityIds: r.municipality_ids,
  triageService: r.triage_service ?? defaultTriageService,
  host: r.host,
  port: r.port,
  tls: r.tls,
  username: r.username,
  folder: r.folder,
  uidvalidity: r.uidvalidity,
  lastUid: r.last_uid,
});

/** The enabled mailboxes with a password in the configuration, and those without one (not read). */
export async function readableMailboxes(db: Db, passwords: Record<string, string>) {
  const all = (await enabledMailboxes(db)).map(toMailbox);
  return {
    readable: all.filter((m) => passwords[m.id]).map((m) => ({ ...m, password: passwords[m.id]! })),
    withoutPassword: all.filter((m) => !passwords[m.id]).map((m) => m.id),
  };
}

export const recordUidState = (db: Db, mailboxId: string, uidvalidity: number, lastUid: number) =>
  saveUidState(db, mailboxId, uidvalidity, lastUid);

export interface Sender {
  address: string;
  name?: string;
}

/** A mail as the edge classified it. `messageId`: its Message-ID, or a digest of its source when it has none. */
export type InboundMail = { messageId: string } & (
  | {
      kind: 'message';
      from: Sender;
      subject: string;
      text: string;
      /** Case ids the mail refers to (subject, then thread headers), best first. */
      caseRefs: string[];
      attachments: IncomingFile[];
    }
  /** A delivery report saying our messages (their Message-IDs) could not be delivered. */
  | { kind: 'bounce'; ourMessageIds: string[]; reason: string }
  | { kind: 'ignored'; reason: string }
  | { kind: 'rejected'; reason: string }
);

export interface MailResult {
  outcome: InboundMailOutcome;
  caseId: string | null;
  reason: string | null;
  /** Already taken earlier (a re-read): nothing was done again. */
  duplicate: boolean;
}

const maxText = 5000;
const clip = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 20).trimEnd()} … [testo troncato]`);

/** Takes one mail; repeated calls for the same Message-ID do nothing and answer the first outcome. */
export async function handleMail(deps: MailIntakeDeps, mailbox: Mailbox, mail: InboundMail): Promise<MailResult> {
  const earlier = await findInboundMail(deps.db, mailbox.id, mail.messageId);
  if (earlier) return { ...earlier, duplicate: true };
  if (mail.kind === 'message') {
    try {
      return await takeMessage(deps, mailbox, mail);
    } catch (err) {
      // A refusal (the triage service not offered, the case closed meanwhile) would refuse this
      // message at every retry and hold up the mailbox behind it: it goes to Rejected, for staff.
      // Anything else (the case engine not answering) is retried.
      if (!(err instanceof ApiError) || err.status >= 500) throw err;
      return record(deps.db, mailbox, mail, 'rejected', null, `refused by the intake (${err.code}): ${err.message}`, 0, []);
    }
  }
  if (mail.kind === 'bounce') {
    // Our provider id for an e-mail is its Message-ID, recorded with or without the angle brackets.
    for (const id of mail.ourMessageIds)
      for (const form of [id, id.replace(/^<|>$/g, '')]) await markProviderStatus(deps.db, 'email', form, 'failed', mail.reason);
  }
  const outcome = mail.kind;
  await insertInboundMail(deps.db, {
    mailboxId: mailbox.id,
    messageId: mail.messageId,
    outcome,
    caseId: null,
    reason: mail.reason,
    refusedAttachments: 0,
  });
  return { outcome, caseId: null, reason: mail.reason, duplicate: false };
}

type Message = Extract<InboundMail, { kind: 'message' }>;

async function takeMessage(deps: MailIntakeDeps, mailbox: Mailbox, mail: Message): Promise<MailResult> {
  const scope = mailbox.municipalityIds;
  const kept = mail.attachments.filter((f) => !refusalOf(f));
  const refused = mail.attachments.filter((f) => refusalOf(f)).map((f) => `${f.fileName}: ${refusalOf(f)}`);
  const refusedNote = refused.length ? `\n\nAllegati non accettati:\n${refused.map((r) => `- ${r}`).join('\n')}` : '';

  const target = await replyTarget(deps, scope, mail);
  let caseId: string;
  let municipalityId = scope[0]!;
  let reason: string | null;
  let outcome: InboundMailOutcome;
  if (target.kind === 'reply') {
    // The office waits on the citizen: this is the information it asked for, and its clock resumes.
    // Otherwise the workflow records it the same way (information.received) and reminds the office.
    await signalCase(deps, target.caseId, scope, citizenInformationSignal, {
      text: clip(`${mail.text || mail.subject}${refusedNote}`, maxText),
      channel: 'email',
    });
    caseId = target.caseId;
    // The case's own municipality: a reply may be to any of the mailbox's.
    municipalityId = target.municipalityId;
    outcome = 'reply';
    reason = target.waiting ? 'information requested' : 'further information';
  } else {
    const intake = await intakeOf(deps.db, mailbox, mail, target.note, refusedNote);
    if (!intake) return record(deps.db, mailbox, mail, 'rejected', null, 'unusable sender address', 0, []);
    caseId = (await openCase(deps, intake, `email:${mailbox.id}:${mail.messageId}`, null, scope)).id;
    outcome = 'case';
    reason = target.note ? 'new contact referring to a case' : null;
  }
  return record(deps.db, mailbox, mail, outcome, caseId, reason, refused.length, kept, municipalityId);
}

/** The outcome and, in the same transaction, the files kept with the case. */
async function record(
  db: Db,
  mailbox: Mailbox,
  mail: InboundMail,
  outcome: InboundMailOutcome,
  caseId: string | null,
  reason: string | null,
  refusedAttachments: number,
  files: IncomingFile[],
  municipalityId?: string,
): Promise<MailResult> {
  const duplicate = await db.transaction().execute(async (trx) => {
    const inserted = await insertInboundMail(trx, {
      mailboxId: mailbox.id,
      messageId: mail.messageId,
      outcome,
      caseId,
      reason,
      refusedAttachments,
    });
    if (!inserted) return true;
    for (const f of files) await storeAttachment(trx, { ...f, caseId, municipalityId: municipalityId!, source: 'email' });
    return false;
  });
  return { outcome, caseId, reason, duplicate };
}

type Target = { kind: 'reply'; caseId: string; municipalityId: string; waiting: boolean } | { kind: 'new'; note: string | null };

/**
 * The open case a mail replies to: one it names, of the mailbox's municipalities, whose citizen
 * wrote from this very address. A mail naming another citizen's case, or a resolved one, is a new
 * contact: the case it opens says which case it named, for the operator.
 */
async function replyTarget(deps: MailIntakeDeps, scope: string[], mail: Message): Promise<Target> {
  for (const ref of mail.caseRefs) {
    // A number of no case of these municipalities (a typo, another city's case) is just text.
    const found = await caseDetail(deps.db, ref, scope).catch((err: unknown) => {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    });
    if (!found) continue;
    const sameCitizen = found.citizen.email?.toLowerCase() === mail.from.address.toLowerCase();
    if (!sameCitizen)
      return { kind: 'new', note: `Il messaggio cita la pratica ${found.id}, ma il mittente non è il cittadino della pratica.` };
    if (found.status !== 'open') return { kind: 'new', note: `Il messaggio risponde alla pratica ${found.id}, già conclusa.` };
    const waiting = found.tasks.some((t) => t.status !== 'done' && t.waitingSince);
    return { kind: 'reply', caseId: found.id, municipalityId: found.municipalityId, waiting };
  }
  return { kind: 'new', note: null };
}

/** The case a new mail opens: on the mailbox's first municipality and its triage service, the citizen by address. */
async function intakeOf(db: Db, mailbox: Mailbox, mail: Message, note: string | null, refusedNote: string): Promise<CaseIntake | null> {
  const citizen = await citizenOf(db, mailbox.municipalityIds, mail.from);
  if (!citizen) return null;
  const subject = mail.subject.trim().length >= 3 ? mail.subject.trim().slice(0, 200) : '(senza oggetto)';
  const definition = await latestPublished(db, mailbox.triageService);
  const topic = { topic: subject };
  const details = definition && detailsIssues(definition.document.intake.fields, topic).length === 0 ? topic : {};
  const parsed = CaseIntakeSchema.safeParse({
    municipalityId: mailbox.municipalityIds[0],
    serviceCode: mailbox.triageService,
    channel: 'email',
    subject,
    description: clip([note, mail.text.trim()].filter(Boolean).join('\n\n') + refusedNote, maxText),
    citizen,
    details,
  });
  return parsed.success ? parsed.data : null;
}

/**
 * The citizen behind an address: what their newest case on these municipalities knows (name,
 * phone, fiscal code), with this address; else the address and the sender's display name.
 */
async function citizenOf(db: Db, scope: string[], from: Sender): Promise<Citizen | null> {
  const email = from.address.toLowerCase();
  const [known] = await findCitizenCaseRows(db, scope, 'email', email, 1);
  const name = known?.citizen.name ?? (from.name?.trim() || undefined);
  const parsed = CitizenSchema.safeParse({ ...known?.citizen, ...(name ? { name: name.slice(0, 200) } : {}), email });
  return parsed.success ? parsed.data : null;
}
