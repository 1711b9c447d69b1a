import { rmSync, statSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, tempDirForServer } from '../../platform/embedded-postgres.ts';
import { retryOnPortTaken } from '../helpers/ports.ts';

const dir = tempDirForServer('sportello-pg-test-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}
const start = () =>
  retryOnPortTaken(1, ([port]) => startEmbeddedPostgres({ dir: path.join(dir, 'pg'), port: port!, database: 'sportello', log: () => {} }));

describe('the embedded PostgreSQL', () => {
  it('takes over a cluster of an earlier release: the fixed password replaced, its objects handed to the application role', async () => {
    // A cluster as an earlier release left it: superuser password "sportello", tables owned by the superuser, no credentials file.
    const first = await start();
    await query(first.adminUrl, "create table legacy (id serial primary key, note text); create type mood as enum ('ok')");
    await query(first.adminUrl, 'alter database sportello owner to postgres');
    await query(first.adminUrl.replace(/\/sportello$/, '/postgres'), "drop role sportello; alter role postgres password 'sportello'");
    await first.stop();
    rmSync(first.credentialsFile);

    const again = await start();
    try {
      expect(statSync(again.credentialsFile).mode & 0o777).toBe(0o600);
      const legacy = new pg.Client({ connectionString: again.adminUrl.replace(/:[^:@]+@/, ':sportello@') });
      await expect(legacy.connect()).rejects.toThrow(/password authentication failed/);
      expect(await query(again.url, "select tableowner from pg_tables where tablename = 'legacy'")).toEqual([{ tableowner: 'sportello' }]);
      // Owned, so the application's migrations can change it; its sequence came along.
      await query(again.url, "alter table legacy add column extra text; insert into legacy (note) values ('x')");
      expect(await query(again.url, 'select rolsuper from pg_roles where rolname = current_user')).toEqual([{ rolsuper: false }]);
    } finally {
      await again.stop();
    }
  });
});
