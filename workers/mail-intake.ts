import { loadConfig, requireExternalServices, runMain } from '../platform/config.ts';
import { createDb } from '../db/connection.ts';
import { createLogger } from '../platform/logger.ts';
import { stopWhenSupervisorGoes } from '../platform/process.ts';
import { connectClient } from '../platform/temporal.ts';
import { payloadMasterKey } from '../platform/payload-master-key.ts';
import { dataConverter } from '../services/payload-codec.ts';
import { startMailIntake } from '../notifications/inbound-mail/intake.ts';

// The mail intake (`npm run mail-intake`): reads the configured mailboxes over IMAP and turns their
// mail into cases and replies (docs/inbound-mail.md). Run one per set of mailboxes: two readers of
// one mailbox would not open a case twice (Message-IDs), but would race to move its messages.
await runMain(async () => {
  const config = requireExternalServices(loadConfig());
  const log = createLogger(config, 'mail-intake');
  const db = createDb(config, config.DATABASE_URL);
  const temporal = await connectClient(config, config.TEMPORAL_ADDRESS, dataConverter(db, payloadMasterKey(config)));
  const intake = await startMailIntake(config, db, temporal, log);
  if (intake.readers === 0) log.warn('no mailbox to read (table mailboxes, MAILBOX_PASSWORDS): nothing to do');
  else log.info({ mailboxes: intake.readers }, 'mail intake reading');

  let stopping = false;
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`stopping (${reason})`);
    await intake.stop();
    await temporal.connection.close();
    await db.destroy();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  stopWhenSupervisorGoes(() => stop('supervisor gone'));
});
