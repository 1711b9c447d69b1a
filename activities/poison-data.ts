import { ApplicationFailure } from '@temporalio/common';
import { poisonDataError } from '../workflows/case.definitions.ts';

/** What may be said of a refused write: codes and names of the schema, never the refused value. */
export interface PoisonDetails {
  sqlState: string;
  table: string | null;
  constraint: string | null;
  column: string | null;
}

/**
 * SQLSTATE classes a retry of the same statement with the same data cannot get past: 22 data
 * exception (22021 invalid byte sequence — a NUL —, 22P05 untranslatable character, 22001 value
 * too long, 22P02 invalid text representation…) and 23 integrity constraint violation (23502 not
 * null, 23503 foreign key, 23505 unique, 23514 check). Not 40 (serialization failure, deadlock),
 * 53 (resources), 57 (shut down), 08 (connection): those pass and are retried.
 */
const permanentClasses = new Set(['22', '23']);

const sqlStateNames: Record<string, string> = {
  '22001': 'value too long',
  '22003': 'numeric value out of range',
  '22007': 'invalid datetime format',
  '22008': 'datetime field overflow',
  '22021': 'invalid byte sequence',
  '22P02': 'invalid text representation',
  '22P05': 'untranslatable character',
  '23502': 'not null violation',
  '23503': 'foreign key violation',
  '23505': 'unique violation',
  '23514': 'check violation',
  '23P01': 'exclusion violation',
};

const text = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** The safe details of a PostgreSQL error no retry can help, or undefined for any other error. */
export function classifyDatabaseError(err: unknown): PoisonDetails | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as Record<string, unknown>;
  const code = e.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code) || !permanentClasses.has(code.slice(0, 2))) return undefined;
  return { sqlState: code, table: text(e.table), constraint: text(e.constraint), column: text(e.column) };
}

/**
 * A `PoisonData` failure for an error no retry can help, else undefined. Its message and details
 * name the SQLSTATE, table, column and constraint only: PostgreSQL's own message and detail quote
 * the refused value (a citizen's text, a key), so neither is kept, nor is the cause.
 * `failFast`: non-retryable, for a caller that lists the case as stuck (the stuck-cases patch);
 * otherwise retryable, so that workflows from before it retry as they always did.
 */
export function poisonFailure(activity: string, err: unknown, { failFast = true } = {}): ApplicationFailure | undefined {
  const details = classifyDatabaseError(err);
  if (!details) return undefined;
  const where = [
    details.table && `table ${details.table}`,
    details.column && `column ${details.column}`,
    details.constraint && `constraint ${details.constraint}`,
  ].filter(Boolean);
  const name = sqlStateNames[details.sqlState] ?? `class ${details.sqlState.slice(0, 2)}`;
  return ApplicationFailure.create({
    type: poisonDataError,
    nonRetryable: failFast,
    message: `${activity}: PostgreSQL refused the write for good (SQLSTATE ${details.sqlState}, ${name}${where.length ? `; ${where.join(', ')}` : ''})`,
    details: [details],
  });
}

/** Runs a write; an error no retry can help becomes a `PoisonData` failure (see `poisonFailure`), others pass as they are. */
export async function refusingPoison<T>(activity: string, write: () => Promise<T>, options: { failFast?: boolean } = {}): Promise<T> {
  try {
    return await write();
  } catch (err) {
    throw poisonFailure(activity, err, options) ?? err;
  }
}
