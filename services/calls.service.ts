import { noCallFilter } from '../contracts/calls.ts';
import type { Page } from '../domain/page.ts';
import type { Principal } from '../domain/principal.ts';
import type { Db } from '../db/connection.ts';
import { type CallListFilter, findCallRow, listCallRows } from '../db/calls.repository.ts';
import { notFound } from './errors.ts';

// Calls on no known line are shown to administrators only.
const withUnknownLines = (p: Principal) => p.role === 'admin';

/** One page of the calls on the lines of the caller's municipalities. */
export function listCalls(db: Db, p: Principal, filter: CallListFilter | undefined, sort: 'ASC' | 'DESC', page: Page) {
  return listCallRows(db, p.municipalities, withUnknownLines(p), filter ?? noCallFilter, sort, page);
}

/** A call with every event its adapter recorded. */
export async function callDetail(db: Db, p: Principal, id: string) {
  const found = await findCallRow(db, id, p.municipalities, withUnknownLines(p));
  if (!found) throw notFound(`call ${id}`);
  return found;
}
