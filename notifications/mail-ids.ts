/**
 * The identifiers our e-mail carries, and reading a case back out of them. Pure: the outbound
 * adapter builds them, the inbound reader recognises replies (and our own mail coming back) by them.
 *
 * - each message: `<msg-<message id>.<case id>@<domain>>`, stable across retries, so a receiving
 *   server or mail client can drop a second copy after a crash between sending and recording;
 * - each case's thread: `<case-<case id>@<domain>>`, in `In-Reply-To`/`References` of every message
 *   of the case, so mail clients thread them and a citizen's reply names its case.
 */

/** A case number as the platform writes it: `C-2026-000042`. */
const caseIdPattern = /C-\d{4}-\d{6,}/;

export const messageId = (id: number, caseId: string | null, domain: string): string => `<msg-${id}.${caseId ?? 'none'}@${domain}>`;

export const caseThreadId = (caseId: string, domain: string): string => `<case-${caseId}@${domain}>`;

/** The angle-bracketed ids of a `Message-ID`, `In-Reply-To` or `References` value. */
export const headerIds = (value: string): string[] => value.match(/<[^<>\s]+>/g) ?? [];

/**
 * The case a header value names through one of our ids (`<case-…@domain>` or `<msg-….<case>@domain>`),
 * only for ids of `domain` when given. Null when none does.
 */
export function caseIdFromHeader(value: string | string[] | undefined | null, domain?: string): string | null {
  for (const id of [value ?? []].flat().flatMap(headerIds)) {
    const m = /^<(?:case-|msg-\d+\.)(C-\d{4}-\d{6,})@([^>]+)>$/.exec(id);
    if (m && (!domain || m[2]!.toLowerCase() === domain.toLowerCase())) return m[1]!;
  }
  return null;
}

/** Whether a header value holds one of our own message ids (our mail coming back: a loop or a bounce). */
export function isOwnMessageId(value: string | string[] | undefined | null, domain: string): boolean {
  return [value ?? []]
    .flat()
    .flatMap(headerIds)
    .some((id) => new RegExp(`^<msg-\\d+\\.[^@]+@${domain.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}>$`, 'i').test(id));
}

/** The case number a subject mentions ("Re: Richiesta C-2026-000042: …"), or null. */
export function caseIdFromSubject(subject: string | undefined | null): string | null {
  return subject ? (caseIdPattern.exec(subject)?.[0] ?? null) : null;
}

/** The case of an incoming mail: the thread headers first (exact), then the subject. */
export function caseIdOf(
  headers: { messageId?: string | null; inReplyTo?: string | null; references?: string | string[] | null; subject?: string | null },
  domain?: string,
): string | null {
  return (
    caseIdFromHeader(headers.inReplyTo, domain) ??
    caseIdFromHeader(headers.references, domain) ??
    caseIdFromHeader(headers.messageId, domain) ??
    caseIdFromSubject(headers.subject)
  );
}
