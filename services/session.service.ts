import type { Transaction } from 'kysely';
import type { Db } from '../db/connection.ts';
import type { Database } from '../db/database.ts';
import { appendAudit } from '../db/audit.repository.ts';
import {
  apiKeyPrincipal,
  createSession,
  endSession,
  findLoginCandidate,
  sessionPrincipal,
  staffPrincipal,
} from '../db/credentials.repository.ts';
import { displayNameOf, platformAdminIds } from '../db/staff-users.repository.ts';
import type { Principal } from '../domain/principal.ts';
import type { Login, Session } from '../contracts/session.ts';
import { ApiError } from './errors.ts';
import { type LoginThrottle, loginThrottleKeys } from './login-throttle.ts';
import { decoyHash, verifyPassword } from './passwords.ts';

/**
 * A staff member's log-ins, log-outs and failed log-ins go to the chain of each municipality they
 * serve, read by its auditors; those of the platform's administrators (serving every municipality),
 * and failed log-ins of unknown accounts, to the '*' chain.
 */
async function sessionChains(db: Db, userId: string | undefined): Promise<(string | null)[]> {
  const principal = userId && (await staffPrincipal(db, userId));
  if (!principal || (await platformAdminIds(db)).includes(principal.id)) return [null];
  return principal.municipalities;
}

async function appendSessionAudit(
  trx: Transaction<Database>,
  chains: (string | null)[],
  who: { id: string; role: string | null },
  action: string,
  requestId: string,
): Promise<void> {
  for (const municipalityId of chains)
    await appendAudit(trx, {
      actor: who.id,
      role: who.role,
      municipalityId,
      action,
      targetType: 'staff-user',
      targetId: who.id,
      requestId,
    });
}

/** Who presents this session token, with the session's CSRF token; null for an unknown or expired one. */
export const callerOfSession = (db: Db, token: string) => sessionPrincipal(db, token);
/** Who presents this API key; null for an unknown, expired or revoked one (and marks it used). */
export const callerOfApiKey = (db: Db, key: string) => apiKeyPrincipal(db, key);

/**
 * Checks an e-mail and password and opens a session, recording the attempt either way. A wrong
 * e-mail costs the same password check as a wrong password, so the answer's time tells nothing.
 * While the account or the address has used up its failed attempts, even the right password waits.
 */
export async function logIn(
  db: Db,
  { email, password }: Login,
  attempt: { requestId: string; address: string; throttle: LoginThrottle },
  ttlMs: number,
) {
  const { requestId, address, throttle } = attempt;
  const keys = loginThrottleKeys(address, email);
  const wait = throttle.retryAfterSeconds(keys);
  if (wait) throw new ApiError('too_many_requests', `too many failed log-ins: try again in ${wait} s`, undefined, wait);
  const candidate = await findLoginCandidate(db, email);
  const valid = await verifyPassword(password, candidate?.password_hash ?? decoyHash);
  if (!candidate || !valid || candidate.disabled_at) {
    throttle.recordFailure(keys);
    // An unknown account is recorded without what was typed: a mistyped e-mail is personal data,
    // and the '*' chain is read by every municipality's auditors.
    const who = { id: candidate?.id ?? 'unknown', role: null };
    const chains = await sessionChains(db, candidate?.id);
    await db.transaction().execute((trx) => appendSessionAudit(trx, chains, who, 'session.login-failed', requestId));
    throw new ApiError('unauthorized', 'wrong e-mail or password');
  }
  const principal = (await staffPrincipal(db, candidate.id))!;
  const chains = await sessionChains(db, principal.id);
  const session = await db.transaction().execute(async (trx) => {
    await appendSessionAudit(trx, chains, principal, 'session.login', requestId);
    return createSession(trx, candidate.id, ttlMs);
  });
  return { principal, session };
}

/** What the console is told of a session. */
export async function sessionOf(db: Db, p: Principal, csrfToken: string, temporalUiUrl: string | null): Promise<Session> {
  const displayName = await displayNameOf(db, p.id);
  return {
    user: { id: p.id, displayName, role: p.role, officeId: p.officeId, municipalities: p.municipalities },
    csrfToken,
    temporalUiUrl,
  };
}

/** Ends the session of this token, if it is still open, with its audit record. */
export async function logOut(db: Db, token: string, requestId: string): Promise<void> {
  const userId = (await sessionPrincipal(db, token))?.principal.id;
  const chains = await sessionChains(db, userId);
  await db.transaction().execute(async (trx) => {
    const ended = await endSession(trx, token);
    if (ended) await appendSessionAudit(trx, chains, { id: ended, role: null }, 'session.logout', requestId);
  });
}
