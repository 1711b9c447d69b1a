import type { Executor } from './database.ts';

/** Stores the key's claim for a resource; false when the key was already claimed (by this request's twin or another). */
export async function insertIdempotencyKey(
  db: Executor,
  scope: string,
  key: string,
  requestHash: string,
  resourceId: string,
): Promise<boolean> {
  const inserted = await db
    .insertInto('idempotency_keys')
    .values({ scope, key, request_hash: requestHash, resource_id: resourceId })
    .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
    .executeTakeFirst();
  return inserted.numInsertedOrUpdatedRows === 1n;
}

export function findIdempotencyKey(db: Executor, scope: string, key: string) {
  return db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'resource_id'])
    .where('scope', '=', scope)
    .where('key', '=', key)
    .executeTakeFirstOrThrow();
}
