import type { Client } from '@temporalio/client';
import type { Db } from '../../db/connection.ts';
import type { Config } from '../../platform/config.ts';
import type { Logger } from '../../platform/logger.ts';
import { type MailResult, readableMailboxes } from '../../services/mail-intake.service.ts';
import { MailboxReader } from './reader.ts';

type IntakeConfig = Pick<
  Config,
  | 'MAIL_DOMAIN'
  | 'MAIL_FROM'
  | 'MAIL_FROM_BY_MUNICIPALITY'
  | 'MAILBOX_PASSWORDS'
  | 'MAIL_INTAKE_RESCAN_SECONDS'
  | 'CASE_TASK_QUEUE'
  | 'TELEPHONY_TASK_QUEUE'
  | 'CASE_UPDATE_TIMEOUT_SECONDS'
>;

/**
 * Starts a reader for every enabled mailbox that has its password in MAILBOX_PASSWORDS (the
 * others are named in a warning). Returns how many run and how to stop them.
 */
export async function startMailIntake(
  config: IntakeConfig,
  db: Db,
  temporal: Client,
  log: Logger,
  onMail?: (mailboxId: string, result: MailResult & { uid: number }) => void,
): Promise<{ readers: number; stop: () => Promise<void> }> {
  const { readable, withoutPassword } = await readableMailboxes(db, config.MAILBOX_PASSWORDS);
  if (withoutPassword.length) log.warn({ mailboxes: withoutPassword }, 'mailboxes without a password in MAILBOX_PASSWORDS are not read');
  const deps = {
    db,
    temporal,
    log,
    taskQueue: config.CASE_TASK_QUEUE,
    telephonyTaskQueue: config.TELEPHONY_TASK_QUEUE,
    updateTimeoutMs: config.CASE_UPDATE_TIMEOUT_SECONDS * 1000,
  };
  const readers = readable.map(
    (mailbox) =>
      new MailboxReader({
        mailbox,
        deps,
        log,
        rescanMs: config.MAIL_INTAKE_RESCAN_SECONDS * 1000,
        context: {
          domain: config.MAIL_DOMAIN,
          // Mail from ourselves is a loop: our senders (`Name <address>` or a bare address), and the mailbox's own address.
          ownAddresses: [config.MAIL_FROM, ...Object.values(config.MAIL_FROM_BY_MUNICIPALITY), mailbox.username]
            .map((a) => /<([^>]+)>/.exec(a)?.[1] ?? a)
            .filter((a) => a.includes('@')),
        },
        ...(onMail ? { onMail: (r: MailResult & { uid: number }) => onMail(mailbox.id, r) } : {}),
      }),
  );
  for (const r of readers) r.start();
  return { readers: readers.length, stop: async () => void (await Promise.all(readers.map((r) => r.stop()))) };
}
