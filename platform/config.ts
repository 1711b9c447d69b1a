import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * The only place that reads process.env. Every variable is declared here with its default and a
 * description; the configuration table of docs/operations.md is generated from this schema
 * (`npm run docs:config`) and a test keeps the two equal.
 */
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const port = z.coerce.number().int().min(1).max(65535);

export const configSchema = z
  .object({
    NODE_ENV: z
      .enum(['development', 'production', 'test'])
      .default('development')
      .describe('`production` turns off pretty logs and development conveniences.'),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info')
      .describe('pino log level of every process.'),
    DATA_DIR: z
      .string()
      .min(1)
      .default('.data')
      .describe('Where `npm start` keeps the embedded PostgreSQL cluster, the Temporal SQLite file and its lock.'),
    HOST: z.string().min(1).default('127.0.0.1').describe('Interface the API listens on (`0.0.0.0` in a container).'),
    PORT: port.default(3000).describe('API port; the console is served at `/admin`, API docs at `/docs`.'),
    PUBLIC_URL: z.url().optional().describe('External URL of the API, used in printed links. Default `http://HOST:PORT`.'),
    CITIZEN_LINK_SECRET: z
      .string()
      .min(32)
      .optional()
      .describe(
        "Secret (32+ characters) the citizens' page links are derived from; every API and telephony worker replica needs the same. Unset: generated once into `DATA_DIR/citizen-link.secret` (mode 0600).",
      ),
    AUDIT_SIGNING_KEY: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Ed25519 private key (PEM, or the path of a PEM file) the audit batch heads are signed with; keep it out of the database and give every API replica the same. Unset: generated once into `DATA_DIR/audit-signing.key` (mode 0600).',
      ),
    AUDIT_ANCHOR_DIR: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Append-only directory outside the database where every signed audit head is also written (one file per chain), so a rewound chain is detected; replicas on several machines must share it. Default `DATA_DIR/audit-anchor`.',
      ),
    PAYLOAD_MASTER_KEY: z
      .string()
      .min(1)
      .refine((v) => existsSync(v) || Buffer.from(v, 'base64').length === 32, {
        message: 'must be 32 bytes in base64 (e.g. `openssl rand -base64 32`), or the path of a file holding that',
      })
      .optional()
      .describe(
        "256-bit key (base64, or the path of a file holding it) that wraps each case's key for the Temporal payloads; keep it out of the database and give every API and worker replica the same. Unset: generated once into `DATA_DIR/payload-master.key` (mode 0600).",
      ),
    AUDIT_SEAL_INTERVAL_MS: z.coerce
      .number()
      .int()
      .min(50)
      .max(60_000)
      .default(1000)
      .describe('How often the API seals pending audit records into signed batches; until then they are reported as pending.'),
    CITIZEN_LINK_DAYS_AFTER_CLOSURE: z.coerce
      .number()
      .min(0)
      .max(3650)
      .default(90)
      .describe("Days a citizen's page link keeps working after its case is closed."),
    CITIZEN_PAGE_REQUESTS_PER_MINUTE: z.coerce
      .number()
      .int()
      .min(1)
      .default(60)
      .describe("Requests to the citizens' pages allowed per minute for one address, and for one link."),
    BODY_LIMIT_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(256 * 1024)
      .describe('Largest request body the API accepts.'),
    SESSION_TTL_HOURS: z.coerce
      .number()
      .min(0.1)
      .max(24 * 30)
      .default(12)
      .describe('How long a console login lasts.'),
    SESSION_COOKIE_SECURE: bool
      .default(true)
      .describe(
        'Mark the session cookie `Secure` (sent over HTTPS only; browsers also keep it on `http://localhost` and `127.0.0.1`). `false` only for a console served over plain HTTP on another address, which exposes sessions to the network.',
      ),
    LOGIN_ATTEMPTS_PER_MINUTE: z.coerce
      .number()
      .int()
      .min(1)
      .default(10)
      .describe(
        'Failed log-ins allowed per minute for one account (from any address) and for one address (over any accounts); beyond, even the right password answers 429 with Retry-After. Successful log-ins are not counted.',
      ),
    RATE_LIMIT_PER_MINUTE: z.coerce
      .number()
      .int()
      .min(1)
      .default(1200)
      .describe(
        'API requests allowed per minute for one caller: a staff member (all their sessions), an API key without a limit of its own, or an address for anonymous requests.',
      ),
    CORS_ORIGINS: z
      .string()
      .optional()
      .transform((v) =>
        v
          ? v
              .split(',')
              .map((o) => o.trim())
              .filter(Boolean)
          : [],
      )
      .pipe(z.array(z.url()))
      .describe('Comma-separated browser origins allowed to call the API from other sites. Unset: none (CORS closed).'),
    OPEN311_CONTACT: z
      .string()
      .min(1)
      .default('Contact centre of the municipality (Sportello): write to the address on its website.')
      .describe('`contact` of the Open311 service discovery document: how app developers reach the operator.'),
    OPEN311_KEY_SERVICE: z
      .string()
      .min(1)
      .default("API keys are issued by the municipality's Sportello administrators (console, API keys).")
      .describe('`key_service` of the Open311 service discovery document: how an app gets an `api_key`.'),
    DATABASE_URL: z
      .url()
      .optional()
      .describe(
        'PostgreSQL connection string (`?sslmode=require` for TLS). Unset: `npm start` runs an embedded PostgreSQL under `DATA_DIR`.',
      ),
    DATABASE_SSL_CA_PATH: z.string().optional().describe('CA certificate file to verify the PostgreSQL server (managed databases).'),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10).describe('Connections per process.'),
    EMBEDDED_POSTGRES_PORT: port.default(5433).describe('Port of the embedded PostgreSQL (only when `DATABASE_URL` is unset).'),
    TEMPORAL_ADDRESS: z
      .string()
      .regex(/^[^:\s]+:\d+$/, 'expected host:port')
      .optional()
      .describe('Temporal frontend `host:port`. Unset: `npm start` runs the Temporal CLI dev server.'),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default').describe('Temporal namespace.'),
    TEMPORAL_API_KEY: z.string().min(1).optional().describe('API key for Temporal Cloud (implies TLS).'),
    TEMPORAL_TLS: bool.default(false).describe('Connect to Temporal over TLS.'),
    TEMPORAL_TLS_CLIENT_CERT_PATH: z.string().optional().describe('mTLS client certificate file.'),
    TEMPORAL_TLS_CLIENT_KEY_PATH: z.string().optional().describe('mTLS client key file.'),
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: z.string().optional().describe('CA to verify the Temporal server.'),
    TEMPORAL_TLS_SERVER_NAME: z.string().optional().describe('Override of the TLS server name.'),
    TEMPORAL_CLI: z
      .string()
      .optional()
      .describe('Path of a `temporal` CLI to use for the dev server instead of the pinned one in `.tools/`.'),
    TEMPORAL_DEV_PORT: port.default(7233).describe('Dev server frontend port (embedded only).'),
    TEMPORAL_DEV_UI: bool
      .default(false)
      .describe(
        "Run the embedded dev server's web UI on 127.0.0.1:`TEMPORAL_UI_PORT`. Off by default: it shows every workflow's inputs to anyone on this host.",
      ),
    TEMPORAL_UI_PORT: port.default(8233).describe('Dev server web UI port (embedded only, with `TEMPORAL_DEV_UI`).'),
    TEMPORAL_UI_URL: z.url().optional().describe('Temporal web UI, for links from the console. Default: the dev server UI.'),
    CASE_TASK_QUEUE: z.string().min(1).default('cases').describe('Task queue of the case worker.'),
    TELEPHONY_TASK_QUEUE: z.string().min(1).default('telephony').describe('Task queue of the telephony worker.'),
    TELEPHONY_DIALER: z
      .enum(['none', 'sip', 'ari'])
      .default('none')
      .describe(
        'How the telephony worker calls citizens back. `none` (no PBX): every callback fails at once and the written fallback goes to the outbox. `sip`: the worker runs the SIP user agent (SIP_*) answering the lines configured in the database, turns its call events into cases and abandoned-caller callbacks, and calls citizens back through SIP_PBX_ADDRESS. `ari`: the worker runs the Stasis application ARI_APP on an Asterisk (ARI_*), which answers the lines, queues, bridges and transfers their calls and originates the callbacks.',
      ),
    SIP_BIND_ADDRESS: z
      .ipv4()
      .default('127.0.0.1')
      .describe("Address the telephony worker's SIP user agent listens on (UDP or TCP), and its RTP ports for DTMF."),
    SIP_PORT: port.default(5060).describe('UDP or TCP port (SIP_TRANSPORT) of the SIP user agent.'),
    SIP_TRANSPORT: z
      .enum(['udp', 'tcp'])
      .default('udp')
      .describe(
        'SIP transport of the user agent. `tcp`: it listens on SIP_BIND_ADDRESS:SIP_PORT for connections, reuses one connection per PBX/registrar, and sends `SIP/2.0/TCP` Vias and `;transport=tcp` Contacts.',
      ),
    SIP_PBX_ADDRESS: z
      .string()
      .regex(/^[^:\s]+:\d+$/, 'expected host:port')
      .optional()
      .describe(
        'PBX or SIP proxy (`host:port`) that callback calls and transfers are sent to. Unset: no outbound calls; transfers point back at the calling peer.',
      ),
    SIP_CALLER_ID: z
      .string()
      .regex(/^[0-9A-Za-z+._-]{1,32}$/)
      .default('sportello')
      .describe('User part presented in the From of outbound calls (the line number citizens see).'),
    SIP_ANSWER_AFTER_MS: z.coerce
      .number()
      .int()
      .min(0)
      .max(60_000)
      .default(500)
      .describe('How long an inbound call rings before the IVR answers it.'),
    SIP_USERNAME: z
      .string()
      .regex(/^[0-9A-Za-z+._-]{1,64}$/)
      .optional()
      .describe(
        "The user agent's SIP account at the PBX (extension or trunk user): the user of its Contact and registered address, and the name it answers 401/407 digest challenges with. Unset: `sportello`, no credentials.",
      ),
    SIP_PASSWORD: z
      .string()
      .min(1)
      .optional()
      .describe('Password of SIP_USERNAME for digest authentication (MD5 or SHA-256); never logged.'),
    SIP_REGISTRAR: z
      .string()
      .regex(/^[^:\s]+:\d+$/, 'expected host:port')
      .optional()
      .describe(
        'Registrar (`host:port`) the user agent registers `sip:SIP_USERNAME@host` with, refreshing before the binding runs out and removing it on stop. Unset: no REGISTER (the PBX sends calls to SIP_BIND_ADDRESS:SIP_PORT as configured there).',
      ),
    SIP_REGISTER_EXPIRES: z.coerce
      .number()
      .int()
      .min(60)
      .max(86_400)
      .default(3600)
      .describe('Binding time (seconds) asked of SIP_REGISTRAR; the registrar may grant another, which is honoured.'),
    ARI_URL: z.url().optional().describe("Asterisk's HTTP server, ARI below it (`http://pbx:8088`); required with TELEPHONY_DIALER=ari."),
    ARI_USERNAME: z.string().min(1).optional().describe('ARI user (ari.conf); required with TELEPHONY_DIALER=ari.'),
    ARI_PASSWORD: z.string().min(1).optional().describe("The ARI user's password; required with TELEPHONY_DIALER=ari, never logged."),
    ARI_APP: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/)
      .default('sportello')
      .describe("Name of the Stasis application: the dialplan hands the lines' calls to `Stasis(<ARI_APP>)`."),
    ARI_ENDPOINT_TEMPLATE: z
      .string()
      .includes('{number}')
      .default('PJSIP/{number}@trunk')
      .describe("Endpoint a callback dials, `{number}` replaced by the citizen's number."),
    ARI_AGENT_ENDPOINT_TEMPLATE: z
      .string()
      .includes('{extension}')
      .default('PJSIP/{extension}')
      .describe("Endpoint of an operator's phone, `{extension}` replaced by the extension the agent desktop gives."),
    ARI_CALLER_ID: z
      .string()
      .regex(/^[0-9A-Za-z+._-]{1,32}$/)
      .default('sportello')
      .describe('Caller id presented on callbacks (the line number citizens see).'),
    ARI_IVR_PROMPT: z
      .string()
      .min(1)
      .default('sound:sportello-{line}')
      .describe("Media of a line's IVR menu, played on answer, `{line}` replaced by the line's id (`sound:…`, `recording:…`)."),
    ARI_TRANSFER_CONTEXT: z
      .string()
      .min(1)
      .default('sportello-transfer')
      .describe("Dialplan context an IVR transfer continues in, at the extension of the office's number."),
    ARI_MOH_CLASS: z.string().min(1).default('default').describe("Music-on-hold class of the queues' holding bridges."),
    ARI_AGENT_RING_SECONDS: z.coerce
      .number()
      .int()
      .min(5)
      .max(120)
      .default(20)
      .describe("How long an operator's phone rings before connecting the caller counts as failed."),
    CASE_UPDATE_TIMEOUT_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .max(600)
      .default(30)
      .describe('How long an API request waits for a case workflow to answer before a 503 (e.g. no case worker running).'),
    SHUTDOWN_GRACE_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .max(600)
      .default(20)
      .describe('How long a stopping worker lets in-flight activities finish.'),
    NOTIFICATIONS_BATCH_SIZE: z.coerce
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(50)
      .describe('Messages a notifications dispatcher claims (and sends side by side) at a time.'),
    NOTIFICATIONS_LEASE_SECONDS: z.coerce
      .number()
      .int()
      .min(5)
      .max(3600)
      .default(120)
      .describe(
        'How long a claimed message belongs to its dispatcher; a dispatcher that dies before recording the outcome frees it after this.',
      ),
    NOTIFICATIONS_POLL_MS: z.coerce
      .number()
      .int()
      .min(50)
      .max(60_000)
      .default(1000)
      .describe('How often an idle dispatcher looks for due messages (a busy one goes on at once).'),
    NOTIFICATIONS_MAX_ATTEMPTS: z.coerce
      .number()
      .int()
      .min(1)
      .max(100)
      .default(8)
      .describe("Sending attempts of one message before it is failed and the citizen's next channel is tried."),
    NOTIFICATIONS_RETRY_BASE_SECONDS: z.coerce
      .number()
      .min(0.01)
      .max(3600)
      .default(30)
      .describe('First retry delay after a temporary failure; doubled at each attempt, with jitter.'),
    NOTIFICATIONS_RETRY_MAX_SECONDS: z.coerce
      .number()
      .min(0.01)
      .max(86_400)
      .default(3600)
      .describe('Longest delay between two attempts (a provider asking for longer is honoured).'),
    SMTP_URL: z
      .url()
      .optional()
      .describe(
        'SMTP server for the e-mail channel: `smtp://user:password@host:587` (STARTTLS when offered) or `smtps://…:465` (TLS). Unset: `npm start` (not in production) runs a local catch-all server writing each message to `DATA_DIR/mail/`; otherwise e-mails stay queued.',
      ),
    SMTP_REQUIRE_TLS: bool.default(false).describe('Refuse to send over an `smtp://` connection that does not upgrade with STARTTLS.'),
    SMTP_TLS_REJECT_UNAUTHORIZED: bool.default(true).describe("Verify the SMTP server's certificate (`false` only for a test server)."),
    SMTP_TLS_CA_PATH: z.string().optional().describe('CA certificate file to verify the SMTP server.'),
    SMTP_POOL_CONNECTIONS: z.coerce
      .number()
      .int()
      .min(1)
      .max(50)
      .default(5)
      .describe('SMTP connections kept open per notifications worker.'),
    MAIL_FROM: z
      .string()
      .min(3)
      .default('Sportello <noreply@sportello.localhost>')
      .describe("`From` of the platform's e-mail when the municipality has none in MAIL_FROM_BY_MUNICIPALITY."),
    MAIL_FROM_BY_MUNICIPALITY: z
      .string()
      .optional()
      .transform((v, ctx) => {
        const map: Record<string, string> = {};
        for (const pair of (v ?? '').split(';').filter((p) => p.trim())) {
          const at = pair.indexOf('=');
          if (at < 1) ctx.addIssue({ code: 'custom', message: `expected municipality=From, got "${pair.trim()}"` });
          else map[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
        }
        return map;
      })
      .describe('Per-municipality `From`, `;`-separated: `milano=Comune di Milano <urp@comune.milano.it>;firenze=…`.'),
    MAIL_DOMAIN: z
      .string()
      .regex(/^[a-z0-9.-]+$/i, 'a domain name')
      .default('sportello.localhost')
      .describe(
        'Domain of the Message-IDs of our outgoing mail (`<msg-<id>.<caseId>@MAIL_DOMAIN>`, thread `<case-<caseId>@MAIL_DOMAIN>`): replies are matched to cases by it, and the mail intake recognises bounces and loops by it.',
      ),
    MAIL_CATCHER_PORT: z.coerce
      .number()
      .int()
      .min(0)
      .max(65535)
      .default(2525)
      .describe('Port of the local catch-all SMTP server `npm start` runs when SMTP_URL is unset (127.0.0.1 only; 0: any free port).'),
    MAILBOX_PASSWORDS: z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (!v) return {};
        try {
          return z.record(z.string(), z.string()).parse(JSON.parse(v));
        } catch {
          ctx.addIssue({ code: 'custom', message: 'a JSON object of mailbox id to password, e.g. {"mi-protocollo":"secret"}' });
          return z.NEVER;
        }
      })
      .describe(
        'IMAP passwords of the mailboxes (table `mailboxes`), as a JSON object by mailbox id: `{"mi-protocollo":"…"}`. Never stored in the database. A mailbox without one is not read.',
      ),
    MAIL_INTAKE_RESCAN_SECONDS: z.coerce
      .number()
      .int()
      .min(5)
      .max(3600)
      .default(300)
      .describe('Besides IMAP IDLE, the mail intake looks for new mail this often (a missed IDLE notice costs at most this long).'),
    SEED_DEMO: bool.default(true).describe('`npm start` seeds the demo municipalities, offices, staff and services once.'),
    DEMO_HISTORY_MONTHS: z.coerce
      .number()
      .int()
      .min(0)
      .max(36)
      .default(13)
      .describe(
        "With SEED_DEMO, the first `npm start` also writes this many months (up to yesterday) of Milan's simulated contact history, for the KPI dashboards and the monthly report. 0: none.",
      ),
    DEMO_HISTORY_SCALE: z.coerce
      .number()
      .gt(0)
      .max(1)
      .default(0.02)
      .describe("Size of the demo history as a share of Milan's 2018 volumes (1: 1.27 million calls a year)."),
    SMS_GATEWAY_URL: z
      .url()
      .optional()
      .describe(
        'Base URL of the SMS gateway (the generic JSON contract of docs/notifications.md, "SMS"). Unset: no SMS is sent; SMS messages stay queued, saying why, until a notifications worker with a gateway runs.',
      ),
    SMS_CATCHER_PORT: z.coerce
      .number()
      .int()
      .min(0)
      .max(65535)
      .default(2526)
      .describe(
        'Port of the local SMS catcher `npm start` runs when SMS_GATEWAY_URL is unset (not in production): a stand-in gateway on 127.0.0.1 whose page shows the SMS sent (0: any free port).',
      ),
    SMS_GATEWAY_TOKEN: z.string().min(1).optional().describe('Bearer token the notifications worker presents to the SMS gateway.'),
    SMS_SENDER: z
      .string()
      .regex(/^([A-Za-z0-9 ]{1,11}|\+?[0-9]{3,15})$/, 'an alphanumeric sender of up to 11 characters, or a number')
      .default('Comune')
      .describe('Sender citizens see on SMS: up to 11 letters and digits, or a phone number.'),
    SMS_MAX_SEGMENTS: z.coerce
      .number()
      .int()
      .min(1)
      .max(10)
      .default(3)
      .describe('Longest SMS, in segments (160/153 GSM-7 characters, 70/67 UCS-2); longer texts are shortened, the page link kept.'),
    SMS_GATEWAY_TIMEOUT_SECONDS: z.coerce
      .number()
      .min(1)
      .max(120)
      .default(10)
      .describe('How long the SMS gateway may take to answer before the attempt counts as a temporary failure.'),
    SMS_REPORTS_SECRET: z
      .string()
      .min(16)
      .optional()
      .describe(
        'Shared secret the SMS gateway sends in `X-Gateway-Secret` with delivery reports (`POST /api/notifications/sms/reports`). Unset: reports are refused.',
      ),
    APP_IO_URL: z.url().default('https://api.io.pagopa.it').describe("Base URL of App IO's services API."),
    APP_IO_API_KEYS: z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (!v) return {};
        try {
          return z.record(z.string(), z.string().min(1)).parse(JSON.parse(v));
        } catch {
          ctx.addIssue({ code: 'custom', message: 'a JSON object of municipality id to App IO subscription key' });
          return z.NEVER;
        }
      })
      .describe(
        'App IO subscription keys, one per municipality (each is an IO service of its own), as JSON: `{"milano":"…","firenze":"…"}`. A municipality without a key sends nothing by App IO.',
      ),
    APP_IO_TIMEOUT_SECONDS: z.coerce
      .number()
      .min(1)
      .max(120)
      .default(10)
      .describe('How long App IO may take to answer before the attempt counts as a temporary failure.'),
  })
  .superRefine((c, ctx) => {
    const mtls = [c.TEMPORAL_TLS_CLIENT_CERT_PATH, c.TEMPORAL_TLS_CLIENT_KEY_PATH].filter(Boolean).length;
    if (mtls === 1) {
      ctx.addIssue({
        code: 'custom',
        path: [c.TEMPORAL_TLS_CLIENT_CERT_PATH ? 'TEMPORAL_TLS_CLIENT_KEY_PATH' : 'TEMPORAL_TLS_CLIENT_CERT_PATH'],
        message: 'client certificate and key must be given together',
      });
    }
    if (c.SMS_GATEWAY_URL && !c.SMS_GATEWAY_TOKEN) {
      ctx.addIssue({ code: 'custom', path: ['SMS_GATEWAY_TOKEN'], message: 'the SMS gateway needs its bearer token' });
    }
    if (c.TELEPHONY_DIALER === 'ari')
      for (const variable of ['ARI_URL', 'ARI_USERNAME', 'ARI_PASSWORD'] as const)
        if (!c[variable]) ctx.addIssue({ code: 'custom', path: [variable], message: 'TELEPHONY_DIALER=ari connects to Asterisk: give it' });
    for (const variable of ['SIP_PASSWORD', 'SIP_REGISTRAR'] as const)
      if (c[variable] && !c.SIP_USERNAME)
        ctx.addIssue({ code: 'custom', path: ['SIP_USERNAME'], message: `${variable} needs the SIP account's user name` });
    if (c.TELEPHONY_DIALER === 'sip' && !c.SIP_PBX_ADDRESS) {
      ctx.addIssue({
        code: 'custom',
        path: ['SIP_PBX_ADDRESS'],
        message: 'TELEPHONY_DIALER=sip calls citizens back through a PBX: give its host:port',
      });
    }
  });

export type Config = Readonly<z.infer<typeof configSchema> & { DATA_DIR: string }>;

export class ConfigError extends Error {
  constructor(readonly issues: { variable: string; message: string }[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  ${i.variable}: ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; empty strings count as unset so `FOO=` in a .env file means "default". */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const relevant = Object.fromEntries(
    Object.keys(configSchema.shape)
      .filter((k) => env[k] !== undefined && env[k] !== '')
      .map((k) => [k, env[k]]),
  );
  const parsed = configSchema.safeParse(relevant);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => ({
        variable: String(i.path[0] ?? '(config)'),
        message: i.message,
      })),
    );
  }
  return Object.freeze({ ...parsed.data, DATA_DIR: path.resolve(parsed.data.DATA_DIR) });
}

/** A process started on its own (not by `npm start`) needs its external services named. */
export function requireExternalServices(config: Config): Config & { DATABASE_URL: string; TEMPORAL_ADDRESS: string } {
  const missing = (['DATABASE_URL', 'TEMPORAL_ADDRESS'] as const).filter((k) => !config[k]);
  if (missing.length > 0) {
    throw new ConfigError(
      missing.map((variable) => ({
        variable,
        message: 'required when this process runs on its own (`npm start` provides embedded services)',
      })),
    );
  }
  return config as Config & { DATABASE_URL: string; TEMPORAL_ADDRESS: string };
}

export function publicUrl(config: Pick<Config, 'PUBLIC_URL' | 'HOST' | 'PORT'>): string {
  return config.PUBLIC_URL ?? `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${config.PORT}`;
}

/** Runs a process entry point; a configuration error ends it with the message and exit code 78 (EX_CONFIG). */
export async function runMain(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
}
