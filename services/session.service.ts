import type { Db } from '../db/connection.ts';
import { appendAudit } from '../db/audit.repository.ts';
import {
  apiKeyPrincipal,
  createSession,
  endSession,
  findLoginCandidate,
  sessionPrincipal,
  staffPrincipal,
} from '../db/credentials.repository.ts';
import { displayNameOf } from '../db/staff-users.repository.ts';
import type { Principal } from '../domain/principal.ts';
import type { Login, Session } from '../contracts/session.ts';
import { ApiError } from './errors.ts';
import { decoyHash, verifyPassword } from './passwords.ts';

/** Log-ins and log-outs belong to no municipality: they go to the '*' chain. */
const sessionAudit = (who: { id: string; role: string | null }, requestId: string) => ({
  actor: who.id,
  role: who.role,
  municipalityId: null,
  targetType: 'staff-user',
  targetId: who.id,
  requestId,
});

/** Who presents this session token, with the session's CSRF token; null for an unknown or expired one. */
export const callerOfSession = (db: Db, token: string) => sessionPrincipal(db, token);
/** Who presents this API key; null for an unknown, expired or revoked one (and marks it used). */
export const callerOfApiKey = (db: Db, key: string) => apiKeyPrincipal(db, key);

/**
 * Checks an e-mail and password and opens a session, recording the attempt either way. A wrong
 * e-mail costs the same password check as a wrong password, so the answer's time tells nothing.
 */
export async function logIn(db: Db, { email, password }: Login, requestId: string, ttlMs: number) {
  const candidate = await findLoginCandidate(db, email);
  const valid = await verifyPassword(password, candidate?.password_hash ?? decoyHash);
  if (!candidate || !valid || candidate.disabled_at) {
    await db.transaction().execute((trx) =>
      appendAudit(trx, {
        actor: email.toLowerCase(),
        role: null,
        municipalityId: null,
        action: 'session.login-failed',
        targetType: 'staff-user',
        targetId: candidate?.id ?? email.toLowerCase(),
        requestId,
      }),
    );
    throw new ApiError('unauthorized', 'wrong e-mail or password');
  }
  const principal = (await staffPrincipal(db, candidate.id))!;
  const session = await db.transaction().execute(async (trx) => {
    await appendAudit(trx, { ...sessionAudit(principal, requestId), action: 'session.login' });
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
  await db.transaction().execute(async (trx) => {
    const userId = await endSession(trx, token);
    if (userId) await appendAudit(trx, { ...sessionAudit({ id: userId, role: null }, requestId), action: 'session.logout' });
  });
}
