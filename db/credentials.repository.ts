import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { StaffRole } from '../domain/case.ts';
import type { Db } from './connection.ts';
import type { Scope } from './cases.repository.ts';
import { userMunicipalities } from './staff-users.repository.ts';
import type { Principal } from '../domain/principal.ts';

// Session tokens and API keys are 256-bit random secrets: a plain SHA-256 of them is enough to store
// (no guessing to slow down), and lets a request find its row by an index lookup.
export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');
const newSecret = () => randomBytes(32).toString('base64url');

export async function staffPrincipal(db: Db, userId: string): Promise<Principal | null> {
  const user = await db
    .selectFrom('staff_users')
    .select(['id', 'role', 'office_id', userMunicipalities.as('municipalities')])
    .where('id', '=', userId)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  return user ? { kind: 'staff', id: user.id, role: user.role, officeId: user.office_id, municipalities: user.municipalities } : null;
}

export function findLoginCandidate(db: Db, email: string) {
  return db
    .selectFrom('staff_users')
    .select(['id', 'password_hash', 'disabled_at'])
    .where(sql`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();
}

export async function createSession(db: Db, userId: string, ttlMs: number) {
  const token = newSecret();
  const csrfToken = newSecret();
  const expiresAt = new Date(Date.now() + ttlMs);
  await db
    .insertInto('staff_sessions')
    .values({ token_hash: tokenHash(token), user_id: userId, csrf_token: csrfToken, expires_at: expiresAt })
    .execute();
  return { token, csrfToken, expiresAt };
}

export async function sessionPrincipal(db: Db, token: string): Promise<{ principal: Principal; csrfToken: string } | null> {
  const session = await db
    .selectFrom('staff_sessions')
    .select(['user_id', 'csrf_token'])
    .where('token_hash', '=', tokenHash(token))
    .where('expires_at', '>', new Date())
    .executeTakeFirst();
  const principal = session && (await staffPrincipal(db, session.user_id));
  return principal ? { principal, csrfToken: session.csrf_token } : null;
}

/** Ends the session; answers whose it was (null when it had already ended). */
export async function endSession(db: Db, token: string): Promise<string | null> {
  const ended = await db.deleteFrom('staff_sessions').where('token_hash', '=', tokenHash(token)).returning('user_id').executeTakeFirst();
  return ended?.user_id ?? null;
}

export interface NewApiKey {
  name: string;
  role: StaffRole;
  municipalities: string[];
  expiresAt: Date | null;
  rateLimitPerMinute?: number | undefined;
  createdBy: string;
}

export const newApiKeyId = () => randomBytes(6).toString('hex');

/** Stores a new key under `id` and returns the key itself: the only time it is seen, as only its digest is kept. */
export async function insertApiKey(db: Db, id: string, k: NewApiKey): Promise<string> {
  const key = `sk_${id}_${newSecret()}`;
  await db
    .insertInto('api_keys')
    .values({
      id,
      name: k.name,
      key_hash: tokenHash(key),
      role: k.role,
      municipalities: k.municipalities,
      expires_at: k.expiresAt,
      rate_limit_per_minute: k.rateLimitPerMinute ?? null,
      created_by: k.createdBy,
    })
    .execute();
  return key;
}

export interface ApiKeyRow {
  id: string;
  name: string;
  role: StaffRole;
  municipalities: string[];
  expiresAt: Date | null;
  rateLimitPerMinute: number | null;
  revokedAt: Date | null;
  createdBy: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}
const apiKeyColumns = [
  'id',
  'name',
  'role',
  'municipalities',
  'expires_at as expiresAt',
  'rate_limit_per_minute as rateLimitPerMinute',
  'revoked_at as revokedAt',
  'created_by as createdBy',
  'created_at as createdAt',
  'last_used_at as lastUsedAt',
] as const;

/** Keys an admin may see and revoke: those reaching no municipality beyond theirs. */
const within = (scope: Scope) => sql<boolean>`municipalities <@ ${sql.val([...scope])}::text[]`;

export function listApiKeys(db: Db, scope: Scope): Promise<ApiKeyRow[]> {
  return db.selectFrom('api_keys').select(apiKeyColumns).where(within(scope)).orderBy('created_at', 'desc').execute();
}

export function findApiKey(db: Db, id: string): Promise<ApiKeyRow> {
  return db.selectFrom('api_keys').select(apiKeyColumns).where('id', '=', id).executeTakeFirstOrThrow();
}

/** Revokes a key within the scope at once; undefined when there is none. */
export function revokeApiKey(db: Db, id: string, scope: Scope): Promise<ApiKeyRow | undefined> {
  return db
    .updateTable('api_keys')
    .set({ revoked_at: new Date() })
    .where('id', '=', id)
    .where(within(scope))
    .returning(apiKeyColumns)
    .executeTakeFirst();
}

export async function apiKeyPrincipal(db: Db, key: string): Promise<Principal | null> {
  const row = await db
    .updateTable('api_keys')
    .set({ last_used_at: new Date() })
    .where('key_hash', '=', tokenHash(key))
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', new Date())]))
    .returning(['id', 'role', 'municipalities', 'rate_limit_per_minute'])
    .executeTakeFirst();
  if (!row) return null;
  const limit = row.rate_limit_per_minute;
  return {
    kind: 'api-key',
    id: `api-key:${row.id}`,
    role: row.role,
    officeId: null,
    municipalities: row.municipalities,
    ...(limit === null ? {} : { rateLimitPerMinute: limit }),
  };
}
