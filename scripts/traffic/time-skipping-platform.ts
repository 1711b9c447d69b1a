import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { createCaseActivities } from '../../activities/case-activities.ts';
import { buildApp } from '../../api/app.ts';
import { loadConfig } from '../../platform/config.ts';
import type { Db } from '../../db/connection.ts';
import { workflowsPath } from '../../platform/paths.ts';
import { addSearchAttributes } from '../../platform/temporal-dev-server.ts';
import { resolveTemporalTestServer } from '../../platform/tools.ts';
import { createTelephonyActivities } from '../../activities/telephony-activities.ts';
import type { Dialer } from '../../domain/dialer.ts';

/**
 * The platform on Temporal's time-skipping test server: the case and telephony workers in this
 * process and the real API (in-process, requests by `inject`) on a database the caller migrated
 * and seeded. The server's clock is the simulated one: it stands still unless `sleepUntil` skips
 * it forward, firing every durable timer due on the way (workflow code reads it as Date.now()).
 */
export interface TimeSkippingPlatform {
  db: Db;
  env: TestWorkflowEnvironment;
  app: FastifyInstance;
  taskQueues: { cases: string; telephony: string };
  /** The server's time. */
  now: () => Promise<number>;
  /** Skips the server's clock to `instant` (no-op when it is already there). */
  sleepUntil: (instant: number) => Promise<void>;
  stop: () => Promise<void>;
}

let runtimeInstalled = false;

export async function startTimeSkippingPlatform(o: { db: Db; dialer: Dialer }): Promise<TimeSkippingPlatform> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
    runtimeInstalled = true;
  }
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const s of stops.splice(0)) await s();
  };
  try {
    const env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: resolveTemporalTestServer() } },
    });
    stops.unshift(() => env.teardown());
    await addSearchAttributes(env.connection, env.namespace ?? 'default');
    const taskQueues = { cases: 'cases', telephony: 'telephony' };
    const workers = [
      await Worker.create({
        connection: env.nativeConnection,
        taskQueue: taskQueues.cases,
        workflowsPath,
        activities: createCaseActivities({ db: o.db }),
      }),
      await Worker.create({
        connection: env.nativeConnection,
        taskQueue: taskQueues.telephony,
        activities: createTelephonyActivities({ db: o.db, dialer: o.dialer }),
      }),
    ];
    const running = Promise.all(workers.map((w) => w.run()));
    stops.unshift(async () => {
      for (const w of workers) w.shutdown();
      await running;
    });
    const config = loadConfig({
      NODE_ENV: 'test',
      CASE_TASK_QUEUE: taskQueues.cases,
      TELEPHONY_TASK_QUEUE: taskQueues.telephony,
      RATE_LIMIT_PER_MINUTE: '1000000',
      LOGIN_ATTEMPTS_PER_MINUTE: '1000',
    });
    const app = await buildApp({ config, db: o.db, temporal: env.client, logger: pino({ level: 'error' }) });
    stops.unshift(() => app.close());
    const now = () => env.currentTimeMs();
    return {
      db: o.db,
      env,
      app,
      taskQueues,
      now,
      stop,
      sleepUntil: async (instant) => {
        const ms = instant - (await now());
        if (ms >= 1) await env.sleep(ms);
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
