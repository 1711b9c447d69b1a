import type { Db } from '../db/connection.ts';
import { appendAudit } from '../db/audit.repository.ts';
import {
  findApiKey,
  insertApiKey,
  listApiKeys as apiKeysWithin,
  newApiKeyId,
  revokeApiKey as revokeApiKeyRow,
} from '../db/credentials.repository.ts';
import type { Principal } from '../domain/principal.ts';
import type { ApiKey, NewApiKey } from '../contracts/administration.ts';
import { ApiError, notFound } from './errors.ts';
import { createOnce } from './idempotency.ts';
import { assertServes, auditedBy, type Change } from './reference-data.ts';

// Keys are for integrations (Open311 portals, telephony adapters); never admin, never wider than their creator.
// A key may reach several municipalities: its records go to the '*' chain.

/** The keys an administrator may see and revoke: those reaching no municipality beyond theirs. */
export const listApiKeys = (db: Db, p: Principal): Promise<ApiKey[]> => apiKeysWithin(db, p.municipalities);

/** Creates a key once per Idempotency-Key; the key itself is in the answer of the request that created it only. */
export async function createApiKey(db: Db, input: NewApiKey, idempotencyKey: string | undefined, change: Change) {
  const p = change.principal;
  // A key cannot reach further than its creator.
  assertServes(p, input.municipalities, 'body.municipalities');
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
  if (expiresAt && expiresAt <= new Date())
    throw new ApiError('unprocessable', 'the key would be expired already', [{ path: 'body.expiresAt', message: 'must be in the future' }]);
  let key: string | undefined;
  const { id, created } = await createOnce(db, `api-keys:${p.id}`, idempotencyKey, input, newApiKeyId(), async (trx, newId) => {
    const spec = { ...input, expiresAt, createdBy: p.id };
    key = await insertApiKey(trx, newId, spec);
    await appendAudit(trx, {
      ...auditedBy(change),
      municipalityId: null,
      action: 'api-key.created',
      targetType: 'api-key',
      targetId: newId,
      after: spec,
    });
  });
  const row = await findApiKey(db, id);
  // A repeated request gets the key it created, without the secret: that was shown once, and is kept nowhere.
  return { created, record: { ...row, ...(key ? { key } : {}) } };
}

export async function revokeApiKey(db: Db, id: string, change: Change): Promise<ApiKey> {
  return db.transaction().execute(async (trx) => {
    const row = await revokeApiKeyRow(trx, id, change.principal.municipalities);
    if (!row) throw notFound(`API key ${id}`);
    await appendAudit(trx, {
      ...auditedBy(change),
      municipalityId: null,
      action: 'api-key.revoked',
      targetType: 'api-key',
      targetId: row.id,
      after: row,
    });
    return row;
  });
}
