import type { Selectable } from 'kysely';
import { inList, type Scope } from './cases.repository.ts';
import type { Executor, LegalHoldsTable } from './database.ts';

export type LegalHoldRow = Selectable<LegalHoldsTable>;

export async function insertLegalHold(
  db: Executor,
  h: Omit<LegalHoldRow, 'created_at' | 'released_by' | 'released_at'>,
): Promise<LegalHoldRow> {
  return db.insertInto('legal_holds').values(h).returningAll().executeTakeFirstOrThrow();
}

export function findLegalHold(db: Executor, id: string, scope: Scope, forUpdate = false) {
  let q = db.selectFrom('legal_holds').selectAll().where('id', '=', id).where('municipality_id', 'in', inList(scope));
  if (forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export function listLegalHolds(
  db: Executor,
  scope: Scope,
  f: { targetType?: 'citizen' | 'case'; targetId?: string; active?: boolean },
  limit: number,
): Promise<LegalHoldRow[]> {
  let q = db.selectFrom('legal_holds').selectAll().where('municipality_id', 'in', inList(scope));
  if (f.targetType) q = q.where('target_type', '=', f.targetType);
  if (f.targetId) q = q.where('target_id', '=', f.targetId);
  if (f.active === true) q = q.where('released_at', 'is', null);
  if (f.active === false) q = q.where('released_at', 'is not', null);
  return q.orderBy('created_at', 'desc').orderBy('id').limit(limit).execute();
}

export async function releaseLegalHold(db: Executor, id: string, by: string, at: Date): Promise<LegalHoldRow> {
  return db
    .updateTable('legal_holds')
    .set({ released_by: by, released_at: at })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The holds in force on any of these citizens or cases. */
export function activeHoldsOn(db: Executor, q: { citizenIds: string[]; caseIds: string[] }): Promise<LegalHoldRow[]> {
  return db
    .selectFrom('legal_holds')
    .selectAll()
    .where('released_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb.and([eb('target_type', '=', 'citizen'), eb('target_id', 'in', inList(q.citizenIds))]),
        eb.and([eb('target_type', '=', 'case'), eb('target_id', 'in', inList(q.caseIds))]),
      ]),
    )
    .orderBy('created_at')
    .execute();
}
