import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createDb, type Db } from '../../db/connection.ts';

export interface TestDatabase {
  db: Db;
  url: string;
  drop: () => Promise<void>;
}

async function admin<T>(templateUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const url = new URL(templateUrl);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated database of this test file's own, copied from the run's template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const templateUrl = inject('templateDatabaseUrl');
  const template = new URL(templateUrl).pathname.slice(1);
  const name = `sportello_t_${randomBytes(5).toString('hex')}`;
  await admin(templateUrl, (c) => c.query(`create database ${name} template ${template}`));
  const url = new URL(templateUrl);
  url.pathname = `/${name}`;
  const db = createDb({ DATABASE_POOL_MAX: 5 }, url.toString());
  return {
    db,
    url: url.toString(),
    drop: async () => {
      await db.destroy();
      await admin(templateUrl, async (c) => {
        // The pool's connections close a moment after destroy() returns: wait for them, so the
        // drop does not have to cut a connection that is still saying goodbye.
        for (let i = 0; i < 100; i++) {
          const { rows } = await c.query('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
          if (rows[0].n === 0) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        await c.query(`drop database if exists ${name} with (force)`);
      });
    },
  };
}
