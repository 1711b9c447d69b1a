import { ConfigError, loadConfig, runMain } from '../platform/config.ts';
import { createDb } from '../db/connection.ts';
import { createLogger } from '../platform/logger.ts';
import { stopWhenSupervisorGoes } from '../platform/process.ts';
import { buildAdapters } from '../notifications/adapters.ts';
import type { AppIoAdapter } from '../notifications/app-io.ts';
import { Dispatcher } from '../notifications/dispatcher.ts';

// The notifications worker: delivers the outbox (e-mail, and the other channels as they are
// configured). Needs only PostgreSQL; run as many as needed, they share the queue.
await runMain(async () => {
  const config = loadConfig();
  if (!config.DATABASE_URL) {
    throw new ConfigError([{ variable: 'DATABASE_URL', message: 'required when this process runs on its own (`npm start` provides one)' }]);
  }
  const log = createLogger(config, 'notifications');
  const db = createDb(config, config.DATABASE_URL);
  const { adapters, unavailable } = buildAdapters(config, db);
  const dispatcher = new Dispatcher({ db, adapters, unavailable, settings: config, log });

  // App IO tells a message's outcome only when asked: ask about the sent ones every minute.
  const io = adapters.io as AppIoAdapter | undefined;
  const polling = io
    ? setInterval(() => {
        io.pollStatuses().catch((err: unknown) => log.warn({ err: (err as Error).message }, 'App IO status round failed'));
      }, 60_000)
    : null;

  let stopping = false;
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`stopping (${reason}): recording the messages in hand`);
    if (polling) clearInterval(polling);
    await dispatcher.stop();
    await Promise.all(Object.values(adapters).map((a) => a.close?.()));
    await db.destroy();
    log.info('notifications stopped');
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  stopWhenSupervisorGoes(() => stop('supervisor gone'));

  for (const [channel, reason] of Object.entries(unavailable)) log.warn({ channel }, `not sending ${channel}: ${reason}`);
  dispatcher.start();
  log.info({ channels: Object.keys(adapters), smtp: config.SMTP_URL ? new URL(config.SMTP_URL).host : null }, 'delivering the outbox');
});
