import { sql } from 'kysely';
import type { Executor } from './database.ts';

/**
 * The next case number of `year`. Run it in the transaction that uses the number: the counter's row
 * stays locked until then, and a rollback gives the number back (numbers have no gaps).
 */
export async function takeCaseNumber(db: Executor, year: number): Promise<number> {
  const { rows } = await sql<{ last: number }>`
    insert into case_number_counters (year, last) values (${year}, 1)
    on conflict (year) do update set last = case_number_counters.last + 1
    returning last`.execute(db);
  return rows[0]!.last;
}
