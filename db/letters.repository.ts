import { type Insertable, type Selectable, sql } from 'kysely';
import type { Page } from '../domain/page.ts';
import { inList, type Scope } from './cases.repository.ts';
import type { Executor, LettersTable } from './database.ts';

export type LetterRow = Omit<Selectable<LettersTable>, 'pdf'>;
export type NewLetter = Omit<Insertable<LettersTable>, 'created_at' | 'status' | 'posted_at' | 'posted_by'>;
export interface LetterFilter {
  status?: 'to-print' | 'posted';
  municipalityId?: string;
  caseId?: string;
}

const columns = [
  'id',
  'message_id',
  'case_id',
  'municipality_id',
  'recipient_name',
  'address',
  'subject',
  'status',
  'created_at',
  'posted_at',
  'posted_by',
] as const;

/** Queues a letter for its message; a second call for the same message returns the first letter (a dispatcher's retry). */
export async function insertLetter(db: Executor, letter: NewLetter): Promise<LetterRow> {
  const inserted = await db
    .insertInto('letters')
    .values(letter)
    .onConflict((oc) => oc.column('message_id').doNothing())
    .returning(columns)
    .executeTakeFirst();
  return inserted ?? db.selectFrom('letters').select(columns).where('message_id', '=', letter.message_id).executeTakeFirstOrThrow();
}

export async function listLetterRows(db: Executor, scope: Scope, f: LetterFilter, sort: 'ASC' | 'DESC', page: Page) {
  let q = db.selectFrom('letters').where('municipality_id', 'in', inList(scope));
  if (f.status) q = q.where('status', '=', f.status);
  if (f.municipalityId) q = q.where('municipality_id', '=', f.municipalityId);
  if (f.caseId) q = q.where('case_id', '=', f.caseId);
  const [rows, count] = await Promise.all([
    q
      .select(columns)
      .orderBy('created_at', sort === 'ASC' ? 'asc' : 'desc')
      .orderBy('id')
      .offset(page.offset)
      .limit(page.limit)
      .execute(),
    q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: count.n };
}

export const findLetter = (db: Executor, id: string): Promise<LetterRow | undefined> =>
  db.selectFrom('letters').select(columns).where('id', '=', id).executeTakeFirst();

export const letterPdf = (db: Executor, id: string) =>
  db.selectFrom('letters').select(['municipality_id', 'pdf']).where('id', '=', id).executeTakeFirst();

/** Marks a letter posted, once: the row as it now is, or undefined when it already was. */
export const setLetterPosted = (db: Executor, id: string, by: string): Promise<LetterRow | undefined> =>
  db
    .updateTable('letters')
    .set({ status: 'posted', posted_at: sql`now()`, posted_by: by })
    .where('id', '=', id)
    .where('status', '=', 'to-print')
    .returning(columns)
    .executeTakeFirst();
