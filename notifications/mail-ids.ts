/**
 * The identifiers our e-mail carries, and reading a case back out of them. Pure: the outbound
 * adapter builds them, the inbound reader recognises replies (and our own mail coming back) by them.
 *
 * - each message: `<msg-<message id>.<case id>@<domain>>`, stable across retries, so a receiving
 *   server or mail client can drop a second copy after a crash between sending and recording;
 * - each case's thread: `<case-<case id>@<domain>>`, in `In-Reply-To`/`References` of every message
 *   of the case, so mail clients thread them and a citizen's reply names its case.
 */

export const messageId = (id: number, caseId: string | null, domain: string): string => `<msg-${id}.${caseId ?? 'none'}@${domain}>`;

export const caseThreadId = (caseId: string, domain: string): string => `<case-${caseId}@${domain}>`;

// Reading them back (the mail intake): which case a mail is about, and whether it is our own mail.
const caseNumber = /\bC-\d{4}-\d{6,}\b/g;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const ourIdPattern = (domain: string) => new RegExp(`^<?(?:msg-\\d+\\.|case-)(C-\\d{4}-\\d{6,})@${escape(domain)}>?$`, 'i');

/** The case an id of ours names (`<msg-…>` or `<case-…>` on our domain), else null. */
export function caseOfMessageId(messageId: string, domain: string): string | null {
  return ourIdPattern(domain).exec(messageId.trim())?.[1]?.toUpperCase() ?? null;
}

/** Whether a Message-ID is one of ours (a message we sent, or a case's thread id). */
export const isOurMessageId = (messageId: string, domain: string) => caseOfMessageId(messageId, domain) !== null;

/** The ids of our own messages (`<msg-…>`) found anywhere in a text, e.g. a bounce's returned headers. */
export function ourMessageIdsIn(text: string, domain: string): string[] {
  const found = text.match(new RegExp(`<msg-\\d+\\.C-\\d{4}-\\d{6,}@${escape(domain)}>`, 'gi')) ?? [];
  return [...new Set(found)];
}

/** The message ids of a header such as References: `<a@x> <b@y>`. */
export const messageIdsOf = (header: string | string[] | undefined): string[] =>
  (Array.isArray(header) ? header.join(' ') : (header ?? '')).match(/<[^<>\s]+>/g) ?? [];

/**
 * The cases a mail refers to, best first: those in In-Reply-To (what it answers), then in
 * References newest first, then case numbers in the subject.
 */
export function caseRefsOf(mail: { subject?: string; inReplyTo?: string; references?: string | string[] }, domain: string): string[] {
  const fromThread = [...messageIdsOf(mail.inReplyTo), ...messageIdsOf(mail.references).reverse()]
    .map((id) => caseOfMessageId(id, domain))
    .filter((id): id is string => id !== null);
  const fromSubject = (mail.subject ?? '').toUpperCase().match(caseNumber) ?? [];
  return [...new Set([...fromThread, ...fromSubject])];
}
