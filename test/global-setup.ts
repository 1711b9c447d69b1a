import { rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { migrateToLatest } from '../migrations/migrate.ts';
import { createDb } from '../db/connection.ts';
import { ensureDatabase, startEmbeddedPostgres, tempDirForServer } from '../platform/embedded-postgres.ts';
import { workflowsPath } from '../platform/paths.ts';
import { failureConverterPath } from '../services/payload-codec.ts';
import { startTemporalDevServer } from '../platform/temporal-dev-server.ts';
import { resolveTemporalCli } from '../platform/tools.ts';
import { retryOnPortTaken } from './helpers/ports.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A database migrated to the latest schema, copied per test file (CREATE DATABASE … TEMPLATE). */
    templateDatabaseUrl: string;
    temporalAddress: string;
    /** The workflow code bundled once for the run (webpack takes seconds of CPU per worker otherwise). */
    workflowBundlePath: string;
  }
}

/**
 * One PostgreSQL and one Temporal dev server for the whole run, found and started exactly as
 * `npm start` does: TEST_DATABASE_URL names an existing server, else an embedded one is started.
 */
export default async function setup(project: TestProject) {
  const stops: (() => Promise<void>)[] = [];
  const teardown = async () => {
    for (const stop of stops.reverse()) await stop();
  };
  try {
    // Bundling is CPU, starting the servers mostly waiting: side by side, both done before any teardown.
    const failed = (await Promise.allSettled([startServers(project, stops), bundleWorkflows(project, stops)])).find(
      (r) => r.status === 'rejected',
    );
    if (failed) throw failed.reason;
  } catch (err) {
    await teardown();
    throw err;
  }
  return teardown;
}

async function bundleWorkflows(project: TestProject, stops: (() => Promise<void>)[]): Promise<void> {
  const { code } = await bundleWorkflowCode({ workflowsPath, failureConverterPath, logger: new DefaultLogger('WARN') });
  const file = path.join(os.tmpdir(), `sportello-workflows-${process.pid}.js`);
  writeFileSync(file, code);
  stops.push(async () => rmSync(file, { force: true }));
  project.provide('workflowBundlePath', file);
}

async function startServers(project: TestProject, stops: (() => Promise<void>)[]): Promise<void> {
  const quiet = () => {};
  let serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const dir = tempDirForServer('sportello-test-pg-');
    const pg = await retryOnPortTaken(1, ([port]) =>
      startEmbeddedPostgres({ dir: path.join(dir, 'data'), port: port!, database: 'postgres', log: quiet }),
    );
    stops.push(async () => {
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    // The suite creates a database per test file: it connects as the superuser.
    serverUrl = pg.adminUrl;
  }
  const template = new URL(serverUrl);
  template.pathname = `/sportello_template_${process.pid}`;
  await ensureDatabase(template.toString());
  const db = createDb({ DATABASE_POOL_MAX: 2 }, template.toString());
  await migrateToLatest(db);
  await db.destroy();

  const cli = resolveTemporalCli(process.env.TEMPORAL_CLI, (m) => console.log(m));
  const temporal = await retryOnPortTaken(1, ([port]) =>
    startTemporalDevServer({ cli, port: port!, uiPort: null, namespace: 'default', log: quiet }),
  );
  stops.push(temporal.stop);

  project.provide('templateDatabaseUrl', template.toString());
  project.provide('temporalAddress', temporal.address);
}
