import { randomUUID } from 'node:crypto';
import { appendAudit } from '../db/audit.repository.ts';
import { findCitizenRecord } from '../db/citizens.repository.ts';
import type { Db } from '../db/connection.ts';
import { findLegalHold, insertLegalHold, type LegalHoldRow, listLegalHolds, releaseLegalHold } from '../db/legal-holds.repository.ts';
import type { Principal } from '../domain/principal.ts';
import type { LegalHold, LegalHoldCreate, LegalHoldListQuery } from '../contracts/erasure.ts';
import { ApiError, notFound } from './errors.ts';

export const rowToLegalHold = (h: LegalHoldRow): LegalHold => ({
  id: h.id,
  municipalityId: h.municipality_id,
  targetType: h.target_type,
  targetId: h.target_id,
  reason: h.reason,
  createdBy: h.created_by,
  createdAt: h.created_at.toISOString(),
  releasedBy: h.released_by,
  releasedAt: h.released_at?.toISOString() ?? null,
});

/** The 409 erasure and retention answer while a hold is in force. */
export const underLegalHold = (holds: LegalHoldRow[]) =>
  new ApiError(
    'legal_hold',
    'a legal hold is in force: release it first',
    holds.map((h) => ({ path: `${h.target_type}:${h.target_id}`, message: `legal hold ${h.id}` })),
  );

/** An administrator places a hold on a citizen's record or a case of their municipalities. */
export async function placeLegalHold(db: Db, p: Principal, cmd: LegalHoldCreate, requestId: string): Promise<LegalHold> {
  return db.transaction().execute(async (trx) => {
    const target =
      cmd.targetType === 'citizen'
        ? await findCitizenRecord(trx, cmd.targetId, p.municipalities)
        : await trx
            .selectFrom('cases')
            .select('municipality_id')
            .where('id', '=', cmd.targetId)
            .where('municipality_id', 'in', p.municipalities.length ? p.municipalities : [''])
            .executeTakeFirst();
    if (!target)
      throw new ApiError('not_found', `${cmd.targetType} ${cmd.targetId} was not found`, [{ path: 'body.targetId', message: 'not found' }]);
    const row = await insertLegalHold(trx, {
      id: randomUUID(),
      municipality_id: target.municipality_id,
      target_type: cmd.targetType,
      target_id: cmd.targetId,
      reason: cmd.reason,
      created_by: p.id,
    });
    await appendAudit(trx, {
      actor: p.id,
      role: p.role,
      requestId,
      municipalityId: row.municipality_id,
      action: 'legal-hold.placed',
      targetType: cmd.targetType,
      targetId: cmd.targetId,
      after: rowToLegalHold(row),
    });
    return rowToLegalHold(row);
  });
}

const listed = 500;
export async function legalHolds(db: Db, p: Principal, q: LegalHoldListQuery): Promise<LegalHold[]> {
  return (await listLegalHolds(db, p.municipalities, q, listed)).map(rowToLegalHold);
}

/** Releases a hold (kept, with who released it); 409 when it already was. */
export async function releaseHold(db: Db, p: Principal, id: string, requestId: string): Promise<LegalHold> {
  return db.transaction().execute(async (trx) => {
    const hold = await findLegalHold(trx, id, p.municipalities, true);
    if (!hold) throw notFound(`legal hold ${id}`);
    if (hold.released_at) throw new ApiError('conflict', `legal hold ${id} was released already`);
    const released = await releaseLegalHold(trx, id, p.id, new Date());
    await appendAudit(trx, {
      actor: p.id,
      role: p.role,
      requestId,
      municipalityId: hold.municipality_id,
      action: 'legal-hold.released',
      targetType: hold.target_type,
      targetId: hold.target_id,
      before: rowToLegalHold(hold),
      after: rowToLegalHold(released),
    });
    return rowToLegalHold(released);
  });
}
