import { sql } from 'kysely';
import type { Executor } from './database.ts';

/** The next number of the case sequence, shared by every municipality and year. */
export async function nextCaseNumber(db: Executor): Promise<number> {
  return (await sql<{ n: number }>`select nextval('case_number_seq')::int as n`.execute(db)).rows[0]!.n;
}
