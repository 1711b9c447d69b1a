import type { Selectable } from 'kysely';
import type { CitizenLinksTable, Executor } from './database.ts';

export type CitizenLinkRow = Selectable<CitizenLinksTable>;

/** The case's live (unrevoked) link, if any. */
export const liveLinkOfCase = (db: Executor, caseId: string): Promise<CitizenLinkRow | undefined> =>
  db.selectFrom('citizen_links').selectAll().where('case_id', '=', caseId).where('revoked_at', 'is', null).executeTakeFirst();

/** Inserts the case's live link unless another writer made one first; either way returns the live one. */
export async function insertLiveLink(db: Executor, link: Pick<CitizenLinkRow, 'id' | 'case_id' | 'nonce' | 'token_hash'>) {
  await db
    .insertInto('citizen_links')
    .values(link)
    .onConflict((oc) => oc.column('case_id').where('revoked_at', 'is', null).doNothing())
    .execute();
  return (await liveLinkOfCase(db, link.case_id))!;
}

/** A link by its token's hash, with its case's stage and when the case last changed (its closure, once closed). */
export const linkByTokenHash = (db: Executor, tokenHash: string) =>
  db
    .selectFrom('citizen_links as l')
    .innerJoin('cases as c', 'c.id', 'l.case_id')
    .select(['l.id', 'l.case_id', 'l.revoked_at', 'l.expires_at', 'c.stage', 'c.updated_at as case_updated_at'])
    .where('l.token_hash', '=', tokenHash)
    .executeTakeFirst();

export const setLinkExpiry = (db: Executor, id: string, expiresAt: Date) =>
  db.updateTable('citizen_links').set({ expires_at: expiresAt }).where('id', '=', id).where('expires_at', 'is', null).execute();

/** Revokes the case's live link; returns it as it was, or undefined when there was none. */
export const revokeLiveLink = (db: Executor, caseId: string, by: string) =>
  db
    .updateTable('citizen_links')
    .set({ revoked_at: new Date(), revoked_by: by })
    .where('case_id', '=', caseId)
    .where('revoked_at', 'is', null)
    .returning(['id', 'created_at'])
    .executeTakeFirst();
