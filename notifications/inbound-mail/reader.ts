import { ImapFlow } from 'imapflow';
import type { Logger } from '../../platform/logger.ts';
import { handleMail, type Mailbox, type MailIntakeDeps, type MailResult, recordUidState } from '../../services/mail-intake.service.ts';
import { type ClassifyContext, classify } from './classify.ts';

/** Where a taken message goes: out of the read folder, so the mailbox shows what is left to do. */
export const processedFolder = 'Processed';
export const rejectedFolder = 'Rejected';
/** The keyword a rejected message carries (its reason is in the log and in inbound_mails). */
export const rejectedKeyword = '$SportelloRejected';

export interface ReaderOptions {
  mailbox: Mailbox & { password: string };
  deps: MailIntakeDeps;
  context: ClassifyContext;
  log: Logger;
  /** Besides IDLE, a look for new mail this often. */
  rescanMs: number;
  /** Called after each message is taken (tests and the bench count them). */
  onMail?: (result: MailResult & { uid: number }) => void;
}

const minBackoffMs = 1000;
const maxBackoffMs = 60_000;

/**
 * One mailbox's reader: connects, reads the folder's messages above the last UID it took, hands
 * each to the intake, moves it to Processed (Rejected for malformed mail) and records the UID; then
 * waits in IDLE for new mail. A lost connection is retried with a growing pause (1 s to 60 s).
 * Nothing is read twice or missed across restarts: the UID is recorded after the message is taken,
 * a message taken but not yet moved is found again by its Message-ID, and a new UIDVALIDITY
 * re-reads the whole folder (the Message-IDs keep it from being taken twice).
 */
export class MailboxReader {
  private client: ImapFlow | null = null;
  private stopped = false;
  private backoffMs = minBackoffMs;
  private draining: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private retry: NodeJS.Timeout | null = null;
  private uidvalidity: number | null;
  private lastUid: number;

  constructor(private readonly o: ReaderOptions) {
    this.uidvalidity = o.mailbox.uidvalidity;
    this.lastUid = o.mailbox.lastUid;
  }

  private get ctx() {
    return { mailboxId: this.o.mailbox.id };
  }

  start(): void {
    void this.connect();
    this.timer = setInterval(() => this.drain(), this.o.rescanMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.retry) clearTimeout(this.retry);
    await this.draining?.catch(() => {});
    await this.client?.logout().catch(() => {});
    this.client?.close();
    this.client = null;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const m = this.o.mailbox;
    const client = new ImapFlow({
      host: m.host,
      port: m.port,
      secure: m.tls,
      auth: { user: m.username, pass: m.password },
      logger: false,
      // IDLE (where new mail is announced) from one second after the last command, not imapflow's 15.
      autoIdleDelay: 1000,
    });
    client.on('error', (err: Error) => this.o.log.warn({ ...this.ctx, err: err.message }, 'IMAP connection error'));
    client.on('close', () => {
      if (this.client !== client) return;
      this.client = null;
      this.reconnectLater('connection closed');
    });
    // IDLE (imapflow enters it whenever no command runs) tells of new mail as it arrives.
    client.on('exists', () => this.drain());
    try {
      await client.connect();
      for (const folder of [processedFolder, rejectedFolder]) await client.mailboxCreate(folder).catch(() => {});
      const opened = await client.mailboxOpen(m.folder);
      const validity = Number(opened.uidValidity);
      if (this.uidvalidity !== validity) {
        if (this.uidvalidity !== null)
          this.o.log.warn({ ...this.ctx }, 'UIDVALIDITY changed: the folder is read again, known messages skipped by Message-ID');
        this.uidvalidity = validity;
        this.lastUid = 0;
        await recordUidState(this.o.deps.db, m.id, validity, 0);
      }
      this.client = client;
      this.backoffMs = minBackoffMs;
      this.o.log.info({ ...this.ctx, folder: m.folder }, 'mailbox open');
      this.drain();
    } catch (err) {
      client.close();
      this.reconnectLater(err instanceof Error ? err.message : String(err));
    }
  }

  private reconnectLater(why: string): void {
    if (this.stopped || this.retry) return;
    this.o.log.warn({ ...this.ctx, why, retryInMs: this.backoffMs }, 'mailbox unavailable, reconnecting');
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, this.backoffMs);
    this.backoffMs = Math.min(this.backoffMs * 2, maxBackoffMs);
  }

  /** Reads what is new; a call while reading makes it look again when done. */
  drain(): void {
    if (this.stopped || !this.client) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = this.readNew()
      .catch((err: unknown) => {
        // Left for the next look (IDLE, the rescan, a reconnect): the UID was not recorded.
        this.o.log.error({ ...this.ctx, err }, 'mail intake failed; the message is read again later');
      })
      .finally(() => {
        this.draining = null;
        if (this.again) {
          this.again = false;
          this.drain();
        }
      });
  }

  private async readNew(): Promise<void> {
    const client = this.client;
    if (!client) return;
    // UIDs only: a fetch must not run while other commands (the intake's moves) do.
    const found = await client.search({ uid: `${this.lastUid + 1}:*` }, { uid: true });
    // `n:*` also names the last message when every UID is below n.
    const uids = (found || []).filter((u) => u > this.lastUid).sort((a, b) => a - b);
    for (const uid of uids) {
      if (this.stopped || this.client !== client) return;
      const message = await client.fetchOne(String(uid), { source: true }, { uid: true });
      if (message && message.source) {
        const mail = await classify(message.source, this.o.context);
        const result = await handleMail(this.o.deps, this.o.mailbox, mail);
        const rejected = result.outcome === 'rejected';
        if (rejected) this.o.log.warn({ ...this.ctx, uid, reason: result.reason }, 'mail rejected');
        await client.messageFlagsAdd(String(uid), rejected ? ['\\Seen', rejectedKeyword] : ['\\Seen'], { uid: true });
        await client.messageMove(String(uid), rejected ? rejectedFolder : processedFolder, { uid: true });
        this.o.onMail?.({ ...result, uid });
      }
      this.lastUid = uid;
      await recordUidState(this.o.deps.db, this.o.mailbox.id, this.uidvalidity!, uid);
    }
  }
}
