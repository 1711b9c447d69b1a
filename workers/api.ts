import { loadConfig, publicUrl, requireExternalServices, runMain } from '../platform/config.ts';
import { createDb } from '../db/connection.ts';
import { createLogger } from '../platform/logger.ts';
import { stopWhenSupervisorGoes } from '../platform/process.ts';
import { connectClient } from '../platform/temporal.ts';
import { payloadMasterKey } from '../platform/payload-master-key.ts';
import { dataConverter } from '../services/payload-codec.ts';
import { buildApp } from '../api/app.ts';

// The API process: run as many as needed behind a load balancer (its state is in PostgreSQL, but
// for the rate-limit counters, which each process keeps in memory).
await runMain(async () => {
  const config = requireExternalServices(loadConfig());
  const logger = createLogger(config, 'api');
  const db = createDb(config, config.DATABASE_URL);
  const temporal = await connectClient(config, config.TEMPORAL_ADDRESS, dataConverter(db, payloadMasterKey(config)));
  const app = await buildApp({ config, db, temporal, logger });

  let stopping = false;
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`stopping (${reason}): finishing in-flight requests`);
    await app.close();
    await temporal.connection.close();
    await db.destroy();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  stopWhenSupervisorGoes(() => stop('supervisor gone'));

  await app.listen({ host: config.HOST, port: config.PORT });
  logger.info(`API listening on ${publicUrl(config)}`);
});
