import { rmSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { createCaseActivities } from '../activities/case-activities.ts';
import { migrateToLatest } from '../migrations/migrate.ts';
import { createDb, type Db } from '../db/connection.ts';
import { startEmbeddedPostgres, tempDirForServer } from '../platform/embedded-postgres.ts';
import { workflowsPath } from '../platform/paths.ts';
import { startTemporalDevServer } from '../platform/temporal-dev-server.ts';
import { resolveTemporalCli } from '../platform/tools.ts';
import { createTelephonyActivities } from '../activities/telephony-activities.ts';
import { type Dialer, noDialer } from '../domain/dialer.ts';
import { seedDemoReferenceData } from './seed.ts';

/**
 * A whole platform for a tool's run (benchmarks, fixture recording): an embedded PostgreSQL with
 * the demo data and an in-memory Temporal dev server on the given ports, the case and telephony
 * workers in this process (task queues "cases" and "telephony"), and any extra workers. Everything
 * is stopped and removed afterwards. Calls go to `dialer` (none by default: every call fails).
 */
export async function withThrowawayPlatform<T>(
  ports: { postgres: number; temporal: number; temporalUi: number },
  run: (p: { db: Db; client: Client }) => Promise<T>,
  extraWorkers: Omit<WorkerOptions, 'connection'>[] = [],
  dialer: Dialer = noDialer,
): Promise<T> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const stops: (() => Promise<unknown>)[] = [];
  try {
    const { db, stop } = await startThrowawayDatabase(ports.postgres);
    stops.unshift(stop);
    const temporal = await startTemporalDevServer({
      cli: resolveTemporalCli(undefined),
      port: ports.temporal,
      uiPort: ports.temporalUi,
      namespace: 'default',
      log: () => {},
    });
    stops.unshift(temporal.stop);
    const native = await NativeConnection.connect({ address: temporal.address });
    stops.unshift(() => native.close());
    const workers = await Promise.all(
      [
        { taskQueue: 'cases', workflowsPath, activities: createCaseActivities({ db }), maxConcurrentWorkflowTaskExecutions: 50 },
        { taskQueue: 'telephony', activities: createTelephonyActivities({ db, dialer }) },
        ...extraWorkers,
      ].map((options) => Worker.create({ connection: native, ...options })),
    );
    const running = Promise.all(workers.map((w) => w.run()));
    stops.unshift(async () => {
      for (const w of workers) w.shutdown();
      await running;
    });
    const client = new Client({ connection: await Connection.connect({ address: temporal.address }) });
    stops.unshift(() => client.connection.close());
    return await run({ db, client });
  } finally {
    // Whatever started is stopped, last started first, even when start-up failed half-way.
    for (const stop of stops) await stop();
  }
}

/** An embedded PostgreSQL of a tool's own, migrated, with the demo data; `stop` removes it. */
export async function startThrowawayDatabase(port: number): Promise<{ db: Db; stop: () => Promise<void> }> {
  const tmp = tempDirForServer('sportello-tool-');
  const stops: (() => Promise<unknown>)[] = [async () => rmSync(tmp, { recursive: true, force: true })];
  const stop = async () => {
    for (const s of stops.splice(0)) await s();
  };
  try {
    const pg = await startEmbeddedPostgres({ dir: path.join(tmp, 'pg'), port, database: 'sportello', log: () => {} });
    stops.unshift(pg.stop);
    const db = createDb({ DATABASE_POOL_MAX: 20 }, pg.url);
    stops.unshift(() => db.destroy());
    await migrateToLatest(db);
    await seedDemoReferenceData(db);
    return { db, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
