import { DefaultLogger, type LogLevel, makeTelemetryFilterString, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { loadConfig, requireExternalServices, type Config } from '../platform/config.ts';
import { createDb, type Db } from '../db/connection.ts';
import { createLogger } from '../platform/logger.ts';
import { connectWorker } from '../platform/temporal.ts';
import { payloadMasterKey } from '../platform/payload-master-key.ts';
import { dataConverter } from '../services/payload-codec.ts';
import { stopWhenSupervisorGoes } from '../platform/process.ts';

const temporalLevel = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'ERROR',
  silent: 'ERROR',
} as const satisfies Record<Config['LOG_LEVEL'], LogLevel>;
const pinoLevel = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const satisfies Record<
  LogLevel,
  string
>;

/** What a worker runs; `stop`: what it started beside the worker (the SIP adapter), stopped after it. */
type WorkerParts = Pick<WorkerOptions, 'taskQueue' | 'activities' | 'workflowsPath' | 'workflowBundle'> & { stop?: () => Promise<void> };
type WorkerSpec = (config: Config, db: Db) => WorkerParts | Promise<WorkerParts>;

/**
 * Runs one Temporal worker process against external PostgreSQL and Temporal. SIGINT/SIGTERM (or
 * the supervisor going away) stop polling, let in-flight activities finish within
 * SHUTDOWN_GRACE_SECONDS, then close the database pool.
 */
export async function runWorkerProcess(name: string, spec: WorkerSpec): Promise<void> {
  const config = requireExternalServices(loadConfig());
  const logger = createLogger(config, name);
  // Workflow and activity `log` calls and Temporal's own logs go through the process's pino logger;
  // the worker's routine INFO chatter (bundle statistics, state changes) is demoted to debug.
  Runtime.install({
    logger: new DefaultLogger(temporalLevel[config.LOG_LEVEL], (entry) => {
      const routine = entry.level === 'INFO' && entry.meta?.sdkComponent === 'worker';
      logger[routine ? 'debug' : pinoLevel[entry.level]](entry.meta ?? {}, entry.message);
    }),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }) } },
  });
  const db = createDb(config, config.DATABASE_URL);
  const connection = await connectWorker(config, config.TEMPORAL_ADDRESS);
  const { stop, ...parts } = await spec(config, db);
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    shutdownGraceTime: `${config.SHUTDOWN_GRACE_SECONDS}s`,
    dataConverter: dataConverter(db, payloadMasterKey(config)),
    ...parts,
  });
  stopWhenSupervisorGoes(() => worker.shutdown());
  logger.info({ taskQueue: worker.options.taskQueue, namespace: config.TEMPORAL_NAMESPACE }, `${name} polling`);
  try {
    await worker.run();
  } finally {
    await stop?.();
    await connection.close();
    await db.destroy();
    logger.info(`${name} stopped`);
  }
}
