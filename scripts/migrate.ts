import { migrateToLatest } from '../migrations/migrate.ts';
import { ConfigError, loadConfig, runMain } from '../platform/config.ts';
import { createDb } from '../db/connection.ts';

// `npm run migrate`: applies pending migrations to DATABASE_URL (a deployment step before rolling out new code).
await runMain(async () => {
  const config = loadConfig();
  if (!config.DATABASE_URL) throw new ConfigError([{ variable: 'DATABASE_URL', message: 'required to migrate an external database' }]);
  const db = createDb(config, config.DATABASE_URL);
  try {
    await migrateToLatest(db, (m) => console.log(m));
    console.log('database is up to date');
  } finally {
    await db.destroy();
  }
});
