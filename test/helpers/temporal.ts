import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { createCaseActivities } from '../../activities/case-activities.ts';
import type { Db } from '../../platform/db.ts';
import { workflowsPath } from '../../platform/paths.ts';
import { createTelephonyActivities } from '../../telephony/activities.ts';

let runtimeInstalled = false;

/** Worker logs at WARN: the suite's output should show test results, not worker state changes. */
export function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  Runtime.install({ logger: new DefaultLogger('WARN') });
  runtimeInstalled = true;
}

export interface TestWorkers {
  client: Client;
  taskQueue: string;
  telephonyTaskQueue: string;
  stop: () => Promise<void>;
}

/**
 * The real case and telephony workers of this test file, on task queues of their own, against the
 * run's Temporal dev server and this file's database.
 */
export async function startTestWorkers(db: Db): Promise<TestWorkers> {
  installQuietRuntime();
  const address = inject('temporalAddress');
  const suffix = randomBytes(4).toString('hex');
  const taskQueue = `cases-${suffix}`;
  const telephonyTaskQueue = `telephony-${suffix}`;
  const nativeConnection = await NativeConnection.connect({ address });
  const caseWorker = await Worker.create({
    connection: nativeConnection, taskQueue, workflowsPath, activities: createCaseActivities({ db }),
  });
  const telephonyWorker = await Worker.create({
    connection: nativeConnection, taskQueue: telephonyTaskQueue, activities: createTelephonyActivities({ db }),
  });
  const running = Promise.all([caseWorker.run(), telephonyWorker.run()]);
  const connection = await Connection.connect({ address });
  return {
    client: new Client({ connection }),
    taskQueue,
    telephonyTaskQueue,
    stop: async () => {
      caseWorker.shutdown();
      telephonyWorker.shutdown();
      await running;
      await connection.close();
      await nativeConnection.close();
    },
  };
}
