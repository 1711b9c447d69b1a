import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';

const migrationFolder = path.dirname(fileURLToPath(import.meta.url));

/**
 * Every `YYYY_MM_DD_HHMM_*.ts` file beside this one. Imported from here rather than by Kysely's
 * FileMigrationProvider so that whatever loads TypeScript for this module (tsx, vitest) loads them too.
 */
const provider: MigrationProvider = {
  async getMigrations() {
    const files = (await readdir(migrationFolder)).filter((f) => /^\d{4}_\d{2}_\d{2}_\d{4}_.+\.ts$/.test(f)).sort();
    const entries = await Promise.all(
      files.map(
        async (f) => [f.replace(/\.ts$/, ''), (await import(pathToFileURL(path.join(migrationFolder, f)).href)) as Migration] as const,
      ),
    );
    return Object.fromEntries(entries);
  },
};

/** Applies pending migrations; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<any>, log: (msg: string) => void = () => {}): Promise<void> {
  const migrator = new Migrator({
    db,
    provider,
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  for (const r of results ?? []) {
    log(`migration ${r.migrationName}: ${r.status === 'Success' ? 'applied' : r.status.toLowerCase()}`);
  }
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** Migrates up or down to the named migration (tests of a migration's data step start from the one before it). */
export async function migrateTo(db: Kysely<any>, name: string): Promise<void> {
  const { error } = await new Migrator({ db, provider, allowUnorderedMigrations: true }).migrateTo(name);
  if (error) throw error instanceof Error ? error : new Error(String(error));
}
