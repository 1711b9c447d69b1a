import { type Kysely, sql, type SelectQueryBuilder, type Transaction } from 'kysely';
import { countCap, type ListTotal } from '../domain/page.ts';
import type { Database, Executor } from './database.ts';

/**
 * A list's total for `Content-Range`: the rows of its filtered query counted over a `LIMIT`
 * subquery, so that ten million matching rows cost a thousand index entries, not ten million.
 */
export function cappedCountQuery<DB, TB extends keyof DB, O>(q: SelectQueryBuilder<DB, TB, O>) {
  const capped = q
    .clearSelect()
    .clearOrderBy()
    .select(sql<number>`1`.as('one'))
    .limit(countCap + 1);
  return sql<{ n: number }>`select count(*)::int as n from (${capped}) as capped`;
}

/** Exact up to `countCap`, else "more than `countCap`". */
export const cappedTotal = (n: number): ListTotal => (n > countCap ? { moreThan: countCap } : n);

export async function cappedCount<DB, TB extends keyof DB, O>(db: Executor, q: SelectQueryBuilder<DB, TB, O>): Promise<ListTotal> {
  const { rows } = await cappedCountQuery(q).execute(db);
  return cappedTotal(rows[0]!.n);
}

/**
 * Runs a capped count through its indexes only. For a filter the planner cannot estimate
 * (`ILIKE '%…%'`) it prices the LIMIT as a short sequential scan, which at ten million cases reads
 * 200,000 rows before the thousandth match (400 ms); the trigram index finds them at once.
 */
export const withoutSeqScan = <T>(db: Kysely<Database>, run: (trx: Transaction<Database>) => Promise<T>): Promise<T> =>
  db.transaction().execute(async (trx) => {
    await sql`set local enable_seqscan = off`.execute(trx);
    return run(trx);
  });
