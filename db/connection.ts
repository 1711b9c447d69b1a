import { readFileSync } from 'node:fs';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './database.ts';
import type { Config } from '../platform/config.ts';

export type Db = Kysely<Database>;

// BIGINT counts come back as strings by default; ours fit in a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
// A DATE is a calendar day, not an instant: kept as `YYYY-MM-DD` rather than a Date at local midnight.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export function createDb(config: Pick<Config, 'DATABASE_POOL_MAX' | 'DATABASE_SSL_CA_PATH'>, url: string): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: config.DATABASE_POOL_MAX,
    ...(config.DATABASE_SSL_CA_PATH ? { ssl: { ca: readFileSync(config.DATABASE_SSL_CA_PATH, 'utf8') } } : {}),
  });
  // An idle connection the server closed (a restart, a failover, an administrator) is dropped by the
  // pool, which opens another on the next query; without a listener it would crash the process.
  pool.on('error', () => {});
  // The same for a connection lost while checked out between two statements of a transaction: its
  // next query fails (and the transaction with it) instead of the 'error' event crashing the process.
  pool.on('connect', (client) => client.on('error', () => {}));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

export async function pingDb(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
