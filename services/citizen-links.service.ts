import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../db/connection.ts';
import type { Executor } from '../db/database.ts';
import { appendAudit } from '../db/audit.repository.ts';
import { insertLiveLink, linkByTokenHash, liveLinkOfCase, revokeLiveLink, setLinkExpiry } from '../db/citizen-links.repository.ts';
import { findCaseRow, type Scope } from '../db/cases.repository.ts';
import type { CitizenLinkKeys } from '../platform/citizen-link-secret.ts';
import { notFound } from './errors.ts';

/**
 * The citizen's link to their page of a case: `/c/<token>`, where the token is an HMAC of the case id
 * and a random nonce under the configured secret. The database keeps the nonce and the token's
 * SHA-256 only: the token can be derived again for every message (by whoever holds the secret) and
 * looked up by its hash, yet a copy of the database alone opens no page.
 */
export type { CitizenLinkKeys };

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const tokenOf = (keys: CitizenLinkKeys, caseId: string, nonce: string) =>
  createHmac('sha256', keys.secret).update(`${caseId}\n${nonce}`).digest('base64url');
export const pagePath = (token: string) => `/c/${token}`;
const urlOf = (keys: CitizenLinkKeys, token: string) => `${keys.publicUrl.replace(/\/$/, '')}${pagePath(token)}`;

/** The URL of the case's page, issuing its link the first time (idempotent: concurrent callers get the same). */
export async function citizenPageUrl(db: Executor, keys: CitizenLinkKeys, caseId: string): Promise<string> {
  const live =
    (await liveLinkOfCase(db, caseId)) ??
    (await (async () => {
      const nonce = randomBytes(16).toString('base64url');
      return insertLiveLink(db, { id: randomUUID(), case_id: caseId, nonce, token_hash: sha256(tokenOf(keys, caseId, nonce)) });
    })());
  return urlOf(keys, tokenOf(keys, caseId, live.nonce));
}

export type LinkState = { state: 'live'; caseId: string } | { state: 'revoked' | 'expired' | 'unknown' };

/**
 * What a token opens. A link expires the configured time after its case is closed: the expiry is
 * set the first time the closed case's link is used, from the case's closure (its last change).
 */
export async function resolveToken(db: Db, token: string, daysAfterClosure: number, now = new Date()): Promise<LinkState> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return { state: 'unknown' };
  const link = await linkByTokenHash(db, sha256(token));
  if (!link) return { state: 'unknown' };
  if (link.revoked_at) return { state: 'revoked' };
  let expiresAt = link.expires_at;
  if (!expiresAt && link.stage === 'closed') {
    expiresAt = new Date(link.case_updated_at.getTime() + daysAfterClosure * 86_400_000);
    await setLinkExpiry(db, link.id, expiresAt);
  }
  if (expiresAt && expiresAt <= now) return { state: 'expired' };
  return { state: 'live', caseId: link.case_id };
}

/**
 * Staff revoke a case's link (a leaked or forwarded message) and a new one is issued at once: the
 * next message carries it. Audited; the answer is the new URL for the staff member to pass on.
 */
export async function revokeCitizenLink(
  db: Db,
  keys: CitizenLinkKeys,
  caseId: string,
  scope: Scope,
  by: { actor: string; role: string; requestId: string },
): Promise<{ caseId: string; revoked: boolean; pageUrl: string }> {
  const found = await findCaseRow(db, caseId, scope);
  if (!found) throw notFound(`case ${caseId}`);
  return db.transaction().execute(async (trx) => {
    const revoked = await revokeLiveLink(trx, caseId, by.actor);
    const pageUrl = await citizenPageUrl(trx, keys, caseId);
    await appendAudit(trx, {
      ...by,
      municipalityId: found.municipality_id,
      action: 'citizen-link.revoked',
      targetType: 'case',
      targetId: caseId,
      // The link's id and date only: neither the token nor its hash go into the trail.
      before: revoked ? { link: revoked.id, createdAt: revoked.created_at } : null,
      after: { reissued: true },
    });
    return { caseId, revoked: Boolean(revoked), pageUrl };
  });
}
