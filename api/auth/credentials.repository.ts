import { createHash, randomBytes } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { StaffRole } from '../../domain/case.ts';
import type { Db } from '../../platform/db.ts';
import type { Database } from '../db/database.ts';
import { userMunicipalities } from '../db/staff-users.repository.ts';
import type { Principal } from './principal.ts';

// Session tokens and API keys are 256-bit random secrets: a plain SHA-256 of them is enough to store
// (no guessing to slow down), and lets a request find its row by an index lookup.
const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');
const newSecret = () => randomBytes(32).toString('base64url');

export async function staffPrincipal(db: Db, userId: string): Promise<Principal | null> {
  const user = await db.selectFrom('staff_users')
    .select(['id', 'role', 'office_id', userMunicipalities.as('municipalities')])
    .where('id', '=', userId).where('disabled_at', 'is', null).executeTakeFirst();
  return user ? { kind: 'staff', id: user.id, role: user.role, officeId: user.office_id, municipalities: user.municipalities } : null;
}

export function findLoginCandidate(db: Db, email: string) {
  return db.selectFrom('staff_users').select(['id', 'password_hash', 'disabled_at'])
    .where(sql`lower(email)`, '=', email.toLowerCase()).executeTakeFirst();
}

export async function createSession(db: Db, userId: string, ttlMs: number) {
  const token = newSecret();
  const csrfToken = newSecret();
  const expiresAt = new Date(Date.now() + ttlMs);
  await db.insertInto('staff_sessions').values({ token_hash: tokenHash(token), user_id: userId, csrf_token: csrfToken, expires_at: expiresAt }).execute();
  return { token, csrfToken, expiresAt };
}

export async function sessionPrincipal(db: Db, token: string): Promise<{ principal: Principal; csrfToken: string } | null> {
  const session = await db.selectFrom('staff_sessions').select(['user_id', 'csrf_token'])
    .where('token_hash', '=', tokenHash(token)).where('expires_at', '>', new Date()).executeTakeFirst();
  const principal = session && await staffPrincipal(db, session.user_id);
  return principal ? { principal, csrfToken: session.csrf_token } : null;
}

export async function endSession(db: Db, token: string): Promise<void> {
  await db.deleteFrom('staff_sessions').where('token_hash', '=', tokenHash(token)).execute();
}

export interface NewApiKey { name: string; role: StaffRole; municipalities: string[]; expiresAt: Date | null; createdBy: string }

/** The key itself is returned once, here; only its digest is kept. `audit` runs in the same transaction. */
export async function createApiKey(db: Db, k: NewApiKey, audit: (trx: Transaction<Database>, row: { id: string } & Omit<NewApiKey, 'expiresAt'> & { expiresAt: Date | null }) => Promise<void>): Promise<{ id: string; key: string }> {
  const id = randomBytes(6).toString('hex');
  const key = `sk_${id}_${newSecret()}`;
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('api_keys').values({
      id, name: k.name, key_hash: tokenHash(key), role: k.role, municipalities: k.municipalities,
      expires_at: k.expiresAt, created_by: k.createdBy,
    }).execute();
    await audit(trx, { id, ...k });
  });
  return { id, key };
}

export async function apiKeyPrincipal(db: Db, key: string): Promise<Principal | null> {
  const row = await db.updateTable('api_keys').set({ last_used_at: new Date() })
    .where('key_hash', '=', tokenHash(key)).where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', new Date())]))
    .returning(['id', 'role', 'municipalities']).executeTakeFirst();
  return row ? { kind: 'api-key', id: `api-key:${row.id}`, role: row.role, officeId: null, municipalities: row.municipalities } : null;
}
