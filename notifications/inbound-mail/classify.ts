import { createHash } from 'node:crypto';
import { type ParsedMail, simpleParser } from 'mailparser';
import type { InboundMail } from '../../services/mail-intake.service.ts';
import { caseRefsOf, isOurMessageId, ourMessageIdsIn } from '../mail-ids.ts';
import { htmlToText } from './html-text.ts';
import { replaceInvalidText } from '../../domain/text.ts';

export interface ClassifyContext {
  /** MAIL_DOMAIN: the domain of our Message-IDs. */
  domain: string;
  /** Our own addresses (MAIL_FROM, the mailbox's): mail from them is a loop. */
  ownAddresses: string[];
}

/** A header's raw value (unfolded), from the message's own header lines; '' when absent. */
function header(mail: ParsedMail, name: string): string {
  const line = mail.headerLines.find((h) => h.key === name)?.line ?? '';
  return line
    .slice(line.indexOf(':') + 1)
    .replace(/\r?\n[ \t]+/g, ' ')
    .trim();
}

/** RFC 3834 and the headers mail programs actually set on automatic answers. */
function autoReplyReason(mail: ParsedMail): string | null {
  const autoSubmitted = header(mail, 'auto-submitted').toLowerCase();
  if (autoSubmitted && autoSubmitted !== 'no') return `auto-submitted: ${autoSubmitted.split(';')[0]}`;
  const precedence = header(mail, 'precedence').toLowerCase();
  if (['bulk', 'junk', 'list', 'auto_reply'].includes(precedence)) return `precedence: ${precedence}`;
  for (const key of ['x-autoreply', 'x-autorespond']) if (mail.headerLines.some((h) => h.key === key)) return key;
  return null;
}

const isReport = (mail: ParsedMail) => {
  const type = header(mail, 'content-type').toLowerCase();
  return type.startsWith('multipart/report') && /report-type\s*=\s*"?delivery-status/.test(type);
};
const fromDaemon = (mail: ParsedMail) => /^(mailer-daemon|postmaster)@/i.test(mail.from?.value[0]?.address ?? '');

/** Addresses never go into a stored reason or a log line. */
const withoutAddresses = (s: string) => s.replace(/<?[^\s<>@]+@[^\s<>]+>?/g, '…').slice(0, 300);

/** A delivery report: failed (our message ids and why), or only delayed/delivered (nothing to do). */
function bounceOf(mail: ParsedMail, source: string, messageId: string, ctx: ClassifyContext): InboundMail {
  const action = /^Action:\s*(\S+)/im.exec(source)?.[1]?.toLowerCase();
  if (action && action !== 'failed') return { messageId, kind: 'ignored', reason: `delivery report: ${action}` };
  const status = /^Status:\s*(\S+)/im.exec(source)?.[1];
  const diagnostic = /^Diagnostic-Code:\s*(.+)$/im.exec(source)?.[1]?.trim();
  const reason = withoutAddresses(['bounced', status, diagnostic].filter(Boolean).join(': '));
  const ours = ourMessageIdsIn(source, ctx.domain).filter((id) => id !== messageId);
  if (ours.length === 0) return { messageId, kind: 'ignored', reason: 'a bounce of no message of ours' };
  return { messageId, kind: 'bounce', ourMessageIds: ours, reason };
}

/**
 * A citizen's words without the message they quote: lines from "On … wrote:" / "Il … ha scritto:"
 * (or an "Original Message" divider) on, and `>` lines. The whole text when that leaves nothing.
 */
export function withoutQuote(text: string): string {
  const lines = text.split(/\r?\n/);
  const cut = lines.findIndex(
    (l) =>
      /^(on|il|le|am|el)\b.{0,200}(wrote|scritto|écrit|schrieb|escribió):$/i.test(l.trim()) ||
      /^-{2,}\s*(original message|messaggio originale)/i.test(l.trim()),
  );
  const own = (cut >= 0 ? lines.slice(0, cut) : lines).filter((l) => !l.startsWith('>'));
  return own.join('\n').trim() || text.trim();
}

/**
 * What a raw message is for the intake: a bounce, an automatic or looping mail (ignored), a
 * malformed one (rejected), or a citizen's message. Checked in that order: delivery reports carry
 * Auto-Submitted themselves, and a mail without From cannot be answered.
 */
export async function classify(raw: Buffer, ctx: ClassifyContext): Promise<InboundMail> {
  const digest = `<sha256-${createHash('sha256').update(raw).digest('hex')}@no-message-id>`;
  let mail: ParsedMail;
  try {
    mail = await simpleParser(raw, { skipTextToHtml: true, skipTextLinks: true });
  } catch {
    return { messageId: digest, kind: 'rejected', reason: 'unparsable' };
  }
  const messageId = mail.messageId?.trim() || digest;
  if (isReport(mail) || fromDaemon(mail)) return bounceOf(mail, raw.toString('utf8'), messageId, ctx);
  const sender = mail.from?.value.find((a) => a.address);
  if (!sender?.address) return { messageId, kind: 'rejected', reason: 'no From address' };
  if (isOurMessageId(messageId, ctx.domain)) return { messageId, kind: 'ignored', reason: 'loop: one of our own messages' };
  const own = ctx.ownAddresses.map((a) => a.toLowerCase());
  if (own.includes(sender.address.toLowerCase())) return { messageId, kind: 'ignored', reason: 'loop: from our own address' };
  const auto = autoReplyReason(mail);
  if (auto) return { messageId, kind: 'ignored', reason: `automatic reply (${auto})` };

  // A citizen's mail is never refused for a stray control character: it is replaced (U+FFFD), so the text can be stored.
  const subject = replaceInvalidText(mail.subject?.trim() ?? '');
  const name = sender.name && replaceInvalidText(sender.name);
  return {
    messageId,
    kind: 'message',
    from: { address: sender.address, ...(name ? { name } : {}) },
    subject,
    // The plain-text part; else the HTML part as text.
    text: replaceInvalidText(withoutQuote(mail.text?.trim() ? mail.text : typeof mail.html === 'string' ? htmlToText(mail.html) : '')),
    caseRefs: caseRefsOf({ subject, inReplyTo: mail.inReplyTo, references: mail.references }, ctx.domain),
    // Images embedded in the HTML (signatures, logos) are part of the layout, not files the citizen sent.
    attachments: mail.attachments
      .filter((a) => !a.related)
      .map((a) => ({ fileName: replaceInvalidText(a.filename ?? 'allegato'), contentType: a.contentType, content: a.content })),
  };
}
