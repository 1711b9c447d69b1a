import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { demoCases, demoPassword, demoStaff } from '../catalog/demo.ts';
import { logIn } from './api-session.ts';
import { migrateToLatest } from '../migrations/migrate.ts';
import { loadConfig, publicUrl, runMain } from '../platform/config.ts';
import { createDb } from '../db/connection.ts';
import { type EmbeddedPostgresHandle, startEmbeddedPostgres } from '../platform/embedded-postgres.ts';
import { AlreadyRunningError, RunLock } from '../platform/run-lock.ts';
import { startMailCatcher } from '../platform/mail-catcher.ts';
import { startSmsCatcher } from '../platform/sms-catcher.ts';
import { linePrefixer, SupervisedProcess } from '../platform/supervised.ts';
import { SupervisedServer } from '../platform/supervised-server.ts';
import { ensureSearchAttributes, startTemporalDevServer } from '../platform/temporal-dev-server.ts';
import { connect } from '../platform/temporal.ts';
import { resolveTemporalCli } from '../platform/tools.ts';
import { ensureConsoleBuilt } from './console-build.ts';
import { seedDemoHistory } from './demo-history.ts';
import { seedDemoReferenceData } from './seed.ts';
import { readableMailboxes } from '../services/mail-intake.service.ts';

/**
 * `npm start`: the whole platform on one machine. Embedded PostgreSQL and Temporal unless
 * DATABASE_URL / TEMPORAL_ADDRESS name external ones, then migrations, demo data, the console
 * build, a local mail catcher unless SMTP_URL names a server (and an SMS catcher unless
 * SMS_GATEWAY_URL names a gateway), and the API and the workers (and the mail
 * intake, when a mailbox is configured) under supervision. Ctrl-C stops everything in order.
 */
await runMain(async () => {
  const config = loadConfig();
  const print = linePrefixer('sportello');
  const say = (msg: string) => print(`${msg}\n`);

  let lock: RunLock;
  try {
    lock = await RunLock.acquire(config.DATA_DIR, say);
  } catch (err) {
    if (!(err instanceof AlreadyRunningError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }

  // The platform's processes stop first (in parallel), then the servers they use, last started first.
  const processes: SupervisedProcess[] = [];
  const servers: { name: string; stop: () => Promise<void> }[] = [];
  let shuttingDown = false;
  const shutdown = async (code: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    say('stopping…');
    await Promise.all(processes.map((p) => p.stop((config.SHUTDOWN_GRACE_SECONDS + 5) * 1000)));
    for (const s of servers.reverse()) await s.stop().catch((e) => say(`${s.name}: ${String(e)}`));
    lock.release();
    say('stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  try {
    let databaseUrl = config.DATABASE_URL;
    let embeddedPg: EmbeddedPostgresHandle | undefined;
    if (!databaseUrl) {
      const dir = path.join(config.DATA_DIR, 'postgres');
      say(`starting embedded PostgreSQL (${dir}, port ${config.EMBEDDED_POSTGRES_PORT})`);
      const postgres = new SupervisedServer(
        'PostgreSQL',
        () =>
          startEmbeddedPostgres({
            dir,
            port: config.EMBEDDED_POSTGRES_PORT,
            database: 'sportello',
            log: (l) => print(`[postgres] ${l}\n`),
          }),
        say,
        (h) => lock.record({ name: 'postgres', pid: h.process.pid!, match: dir, signal: 'SIGINT' }),
      );
      const pg = await postgres.start();
      servers.push({ name: 'postgres', stop: () => postgres.stop() });
      databaseUrl = pg.url;
      embeddedPg = pg;
    }

    let temporalAddress = config.TEMPORAL_ADDRESS;
    let temporalUi = config.TEMPORAL_UI_URL;
    if (!temporalAddress) {
      const cli = resolveTemporalCli(config.TEMPORAL_CLI, say);
      const dbFile = path.join(config.DATA_DIR, 'temporal.db');
      say(`starting Temporal dev server (${path.relative(process.cwd(), cli) || cli}, ${dbFile})`);
      const devServer = new SupervisedServer(
        'Temporal',
        () =>
          startTemporalDevServer({
            cli,
            port: config.TEMPORAL_DEV_PORT,
            uiPort: config.TEMPORAL_DEV_UI ? config.TEMPORAL_UI_PORT : null,
            namespace: config.TEMPORAL_NAMESPACE,
            dbFile,
            log: (l) => print(`[temporal] ${l}\n`),
          }),
        say,
        (h) => lock.record({ name: 'temporal', pid: h.process.pid!, match: dbFile, signal: 'SIGTERM' }),
      );
      const temporal = await devServer.start();
      servers.push({ name: 'temporal', stop: () => devServer.stop() });
      temporalAddress = temporal.address;
      temporalUi ??= temporal.uiUrl ?? undefined;
    } else if (!config.TEMPORAL_API_KEY) {
      // Temporal Cloud manages search attributes in its own console; a self-hosted cluster takes them here.
      const connection = await connect(config, temporalAddress);
      try {
        await ensureSearchAttributes(connection, config.TEMPORAL_NAMESPACE);
      } finally {
        await connection.close();
      }
    }

    const db = createDb(config, databaseUrl);
    let mailboxes = 0;
    try {
      await migrateToLatest(db, say);
      if (config.SEED_DEMO) {
        await seedDemoReferenceData(db);
        const t0 = Date.now();
        const history = await seedDemoHistory(db, { months: config.DEMO_HISTORY_MONTHS, scale: config.DEMO_HISTORY_SCALE });
        if (history)
          say(
            `demo history: ${history.callsOffered} simulated calls and ${history.casesOpened} cases over ${config.DEMO_HISTORY_MONTHS} months, in ${((Date.now() - t0) / 1000).toFixed(0)} s`,
          );
      }
      // The mail intake runs only when there is a mailbox to read (none in the demo: docs/inbound-mail.md).
      mailboxes = (await readableMailboxes(db, config.MAILBOX_PASSWORDS)).readable.length;
    } finally {
      await db.destroy();
    }
    ensureConsoleBuilt(say);

    // Without an SMTP server (and not in production) e-mail goes to a local catch-all that keeps each message as a file.
    let smtpUrl = config.SMTP_URL;
    let mailDir: string | undefined;
    if (!smtpUrl && config.NODE_ENV !== 'production') {
      const catcher = await startMailCatcher({ dir: path.join(config.DATA_DIR, 'mail'), port: config.MAIL_CATCHER_PORT });
      servers.push({ name: 'mail catcher', stop: catcher.stop });
      smtpUrl = catcher.url;
      mailDir = catcher.dir;
      say(`local mail catcher on ${catcher.url}: e-mail is written to ${catcher.dir}`);
    }

    // Likewise SMS: without a gateway (and not in production) a local stand-in takes them, reports
    // them delivered to the API's webhook, and shows them on its page. Its token is this run's own.
    let sms: Record<string, string> = {};
    let smsPage: string | undefined;
    if (!config.SMS_GATEWAY_URL && config.NODE_ENV !== 'production') {
      const token = randomBytes(24).toString('base64url');
      const secret = config.SMS_REPORTS_SECRET ?? randomBytes(24).toString('base64url');
      const catcher = await startSmsCatcher({
        dir: path.join(config.DATA_DIR, 'sms'),
        port: config.SMS_CATCHER_PORT,
        token,
        reports: { url: `${publicUrl(config)}/api/notifications/sms/reports`, secret },
      });
      servers.push({ name: 'SMS catcher', stop: catcher.stop });
      sms = { SMS_GATEWAY_URL: catcher.url, SMS_GATEWAY_TOKEN: token, SMS_REPORTS_SECRET: secret };
      smsPage = `${catcher.url}/`;
      say(`local SMS catcher on ${catcher.url}: SMS are shown at ${smsPage} and kept in ${catcher.file}`);
    }

    // The API links the console to the dev server's UI when no other is configured.
    const env = {
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporalAddress,
      ...(temporalUi ? { TEMPORAL_UI_URL: temporalUi } : {}),
      ...(smtpUrl ? { SMTP_URL: smtpUrl } : {}),
      ...sms,
    };
    for (const [name, script] of [
      ['api', 'workers/api.ts'],
      ['case-worker', 'workers/case-worker.ts'],
      ['telephony', 'workers/telephony-worker.ts'],
      ['notifications', 'workers/notifications-worker.ts'],
      ...(mailboxes > 0 ? ([['mail-intake', 'workers/mail-intake.ts']] as const) : []),
    ] as const) {
      const proc = new SupervisedProcess(name, script, env, (pid) => lock.record({ name, pid, match: script, signal: 'SIGTERM' }));
      proc.start();
      processes.push(proc);
    }

    const base = publicUrl(config);
    await waitForReady(`${base}/ready`, 120_000);
    if (config.SEED_DEMO) await openDemoCases(base);
    say(
      [
        '',
        'Sportello is running.',
        `  console       ${base}/admin/`,
        `  API docs      ${base}/docs`,
        `  readiness     ${base}/ready`,
        ...(temporalUi
          ? [`  Temporal UI   ${temporalUi}`]
          : config.TEMPORAL_ADDRESS
            ? []
            : ['  Temporal UI   off (TEMPORAL_DEV_UI=true turns it on; it shows workflow inputs to anyone on this host)']),
        ...(embeddedPg ? [`  PostgreSQL    ${withoutPassword(databaseUrl)} (passwords in ${embeddedPg.credentialsFile})`] : []),
        `  data          ${config.DATA_DIR}`,
        `  e-mail        ${mailDir ? `written to ${mailDir} (local mail catcher: nothing leaves this machine)` : smtpUrl ? `sent through ${new URL(smtpUrl).host}` : 'not sent: SMTP_URL is unset, e-mails stay queued'}`,
        `  SMS           ${smsPage ? `shown at ${smsPage} (local SMS catcher: nothing leaves this machine)` : config.SMS_GATEWAY_URL ? `sent through ${new URL(config.SMS_GATEWAY_URL).host}` : 'not sent: SMS_GATEWAY_URL is unset, SMS stay queued'}`,
        ...(config.SEED_DEMO
          ? [`  demo log-ins  password "${demoPassword}" for`, ...demoStaff.map((u) => `                ${u.email} (${u.role})`)]
          : []),
        'Press Ctrl-C to stop.',
        '',
      ].join('\n'),
    );
  } catch (err) {
    say(`start-up failed: ${err instanceof Error ? err.message : String(err)}`);
    await shutdown(1);
  }
});

function withoutPassword(url: string): string {
  const u = new URL(url);
  u.password = '';
  return u.toString();
}

async function waitForReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`${url} was not ready within ${timeoutMs / 1000}s`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/**
 * Through the real API, as the demo administrator; fixed idempotency keys make this a no-op on
 * every start after the first.
 */
async function openDemoCases(base: string): Promise<void> {
  const admin = demoStaff.find((u) => u.role === 'admin')!;
  const api = await logIn(base, admin.email, demoPassword);
  for (const { key, intake } of demoCases) {
    const res = await api('/api/cases', { method: 'POST', headers: { 'idempotency-key': key }, body: JSON.stringify(intake) });
    if (!res.ok) throw new Error(`demo case ${key}: ${res.status} ${await res.text()}`);
  }
}
