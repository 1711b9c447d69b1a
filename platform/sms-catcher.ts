import { randomUUID, timingSafeEqual } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/** An SMS the catcher took, and how its delivery report went. */
export interface CaughtSms {
  id: string;
  at: string;
  to: string;
  from: string;
  text: string;
  clientRef: string;
  /**
   * `pending` until the platform recorded the catcher's delivery report, `recorded` then (`gave-up`
   * after its tries); `unsent` without a webhook; `earlier-run` for a message of a previous start.
   */
  report: 'pending' | 'recorded' | 'gave-up' | 'unsent' | 'earlier-run';
}

export interface SmsCatcher {
  /** `http://127.0.0.1:<port>`, for SMS_GATEWAY_URL; its page lists the messages, `/messages.json` as JSON. */
  url: string;
  port: number;
  /** Where every message taken is appended, one JSON object a line. */
  file: string;
  messages: () => CaughtSms[];
  stop: () => Promise<void>;
}

export interface SmsCatcherOptions {
  dir: string;
  port: number;
  /** The bearer token the notifications worker presents (SMS_GATEWAY_TOKEN). */
  token: string;
  /** Where delivery reports go (`POST /api/notifications/sms/reports`) and the secret they carry (SMS_REPORTS_SECRET). */
  reports?: { url: string; secret: string };
  /** Tries of one delivery report, a second apart: the API may not be up yet, or not have recorded the send yet (404). */
  reportAttempts?: number;
}

const tokenMatches = (given: string | undefined, token: string) => {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(`Bearer ${token}`);
  return a.length === b.length && timingSafeEqual(a, b);
};

const answer = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 64 * 1024) return null;
    chunks.push(c as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return null;
  }
}

function page(messages: CaughtSms[]): string {
  const rows = messages
    .slice()
    .reverse()
    .map(
      (m) =>
        `<tr><td>${escapeHtml(m.at)}</td><td>${escapeHtml(m.to)}</td><td>${escapeHtml(m.from)}</td><td class="text">${escapeHtml(m.text)}</td><td>${escapeHtml(m.clientRef)}</td><td>${m.report}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5"><title>Sportello SMS catcher</title>
<style>body{font-family:sans-serif;margin:1.5rem}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.3rem .5rem;vertical-align:top;text-align:left}.text{white-space:pre-wrap;max-width:40rem}</style></head>
<body><h1>SMS the platform sent</h1>
<p>Local SMS catcher: nothing leaves this machine. ${messages.length} message(s), newest first; this page reloads every 5 seconds. <a href="/messages.json">JSON</a></p>
<table><thead><tr><th>received</th><th>to</th><th>from</th><th>text</th><th>clientRef</th><th>delivery report</th></tr></thead>
<tbody>
${rows}
</tbody></table></body></html>
`;
}

/**
 * A stand-in SMS gateway for a demo without one, on 127.0.0.1: it follows the generic JSON contract
 * of docs/notifications.md ("SMS") — `POST /messages` with the bearer token, `202 { id }`, the same
 * id again for a clientRef it has — keeps each message (appended to `<dir>/messages.jsonl`, read
 * back on the next start), and posts a `delivered` report for it to the platform's webhook. Its
 * page (`GET /`) shows what citizens would have got. Nothing is sent anywhere: local use only.
 */
export async function startSmsCatcher(opts: SmsCatcherOptions): Promise<SmsCatcher> {
  mkdirSync(opts.dir, { recursive: true });
  const file = path.join(opts.dir, 'messages.jsonl');
  const messages: CaughtSms[] = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => ({ ...(JSON.parse(l) as CaughtSms), report: 'earlier-run' as const }))
    : [];
  const byRef = new Map(messages.map((m) => [m.clientRef, m]));
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  const report = (m: CaughtSms, attempt = 1) => {
    if (!opts.reports || stopped) return;
    const { url, secret } = opts.reports;
    void fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-gateway-secret': secret },
      body: JSON.stringify({ id: m.id, status: 'delivered' }),
      signal: AbortSignal.timeout(5000),
    })
      .then((res) => res.ok)
      .catch(() => false)
      .then((ok) => {
        if (ok) m.report = 'recorded';
        else if (attempt >= (opts.reportAttempts ?? 120)) m.report = 'gave-up';
        else if (!stopped) {
          const t = setTimeout(() => {
            timers.delete(t);
            report(m, attempt + 1);
          }, 1000);
          timers.add(t);
        }
      });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const route = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && route === '/') {
      return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(messages));
    }
    if (req.method === 'GET' && route === '/messages.json') return answer(res, 200, messages);
    if (req.method !== 'POST' || route !== '/messages') return answer(res, 404, { error: 'not found' });
    if (!tokenMatches(req.headers.authorization, opts.token)) return answer(res, 401, { error: 'bad token' });
    const body = (await readJson(req)) as Record<string, unknown> | null;
    if (!body || typeof body.to !== 'string' || typeof body.text !== 'string' || typeof body.clientRef !== 'string') {
      return answer(res, 400, { error: 'to, text and clientRef are required' });
    }
    if (!/^\+[1-9][0-9]{6,14}$/.test(body.to)) return answer(res, 400, { error: 'to: not an E.164 number' });
    const known = byRef.get(body.clientRef);
    if (known) return answer(res, 202, { id: known.id });
    const m: CaughtSms = {
      id: randomUUID(),
      at: new Date().toISOString(),
      to: body.to,
      from: typeof body.from === 'string' ? body.from : '',
      text: body.text,
      clientRef: body.clientRef,
      report: opts.reports ? 'pending' : 'unsent',
    };
    appendFileSync(file, `${JSON.stringify(m)}\n`);
    messages.push(m);
    byRef.set(m.clientRef, m);
    answer(res, 202, { id: m.id });
    // After the answer, as a gateway reports: the dispatcher records the send once it has the id.
    report(m);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) answer(res, 500, { error: 'internal error' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    file,
    messages: () => messages.map((m) => ({ ...m })),
    stop: async () => {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
