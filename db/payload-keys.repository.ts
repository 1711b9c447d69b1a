import type { Selectable } from 'kysely';
import type { Executor, PayloadKeysTable } from './database.ts';

export type PayloadKeyRow = Selectable<PayloadKeysTable>;

export const payloadKey = (db: Executor, id: string): Promise<PayloadKeyRow | undefined> =>
  db.selectFrom('payload_keys').selectAll().where('id', '=', id).executeTakeFirst();

/** Stores a new workflow's key unless another process stored one first; either way returns the stored one. */
export async function insertPayloadKey(db: Executor, row: Pick<PayloadKeyRow, 'id' | 'wrapped' | 'master_key_id'>): Promise<PayloadKeyRow> {
  await db
    .insertInto('payload_keys')
    .values(row)
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  return (await payloadKey(db, row.id))!;
}

/** Destroys the keys (crypto-shredding): the payloads they encrypted can never be read again. Returns how many. */
export async function destroyPayloadKeys(db: Executor, ids: readonly string[]): Promise<number> {
  if (!ids.length) return 0;
  const res = await db
    .updateTable('payload_keys')
    .set({ wrapped: null, destroyed_at: new Date() })
    .where('id', 'in', ids)
    .where('wrapped', 'is not', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}
