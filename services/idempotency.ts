import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Db } from '../db/connection.ts';
import type { Database } from '../db/database.ts';
import { findIdempotencyKey, insertIdempotencyKey } from '../db/idempotency.repository.ts';
import { ApiError } from './errors.ts';

const requestHash = (body: unknown) => createHash('sha256').update(JSON.stringify(body)).digest('hex');

const reused = () =>
  new ApiError('conflict', 'this Idempotency-Key was already used with a different request body', [
    { path: 'headers.idempotency-key', message: 'reused with another body' },
  ]);

/** Claims `key` for this body; `fresh` when this request claimed it, not an earlier one. */
async function claim(db: Db | Transaction<Database>, scope: string, key: string, body: unknown, newId: string) {
  const hash = requestHash(body);
  if (await insertIdempotencyKey(db, scope, key, hash, newId)) return { resourceId: newId, fresh: true };
  const stored = await findIdempotencyKey(db, scope, key);
  if (stored.request_hash !== hash) throw reused();
  return { resourceId: stored.resource_id, fresh: false };
}

/**
 * Claims `key` for this request body, or finds the resource an earlier request with the same key
 * and body created: the same body gets the same resource, another body a 409.
 */
export async function claimIdempotencyKey(
  db: Db | Transaction<Database>,
  scope: string,
  key: string,
  body: unknown,
  newId: string,
): Promise<string> {
  return (await claim(db, scope, key, body, newId)).resourceId;
}

/**
 * A creating POST made safe to repeat: `create` runs in a transaction with the key's claim, so a
 * repeated request (even a concurrent one, which waits on the claim's row) creates nothing new.
 * Returns the id of the resource, new or earlier, and whether this request created it.
 */
export async function createOnce(
  db: Db,
  scope: string,
  key: string | undefined,
  body: unknown,
  newId: string,
  create: (trx: Transaction<Database>, id: string) => Promise<void>,
): Promise<{ id: string; created: boolean }> {
  return db.transaction().execute(async (trx) => {
    // Compared by the claim, not by id: a resource named by its client has the same id both times.
    const { resourceId, fresh } = key ? await claim(trx, scope, key, body, newId) : { resourceId: newId, fresh: true };
    if (!fresh) return { id: resourceId, created: false };
    await create(trx, resourceId);
    return { id: resourceId, created: true };
  });
}
