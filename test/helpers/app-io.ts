import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answer, readJson } from './json-http.ts';

export type IoStatus = 'ACCEPTED' | 'THROTTLED' | 'FAILED' | 'PROCESSED' | 'REJECTED';
export interface IoMessage {
  id: string;
  key: string;
  fiscal_code: string;
  subject: string;
  markdown: string;
  status: IoStatus;
}

/**
 * A stand-in of App IO's services API (the documented contract, as docs/notifications.md "App IO"
 * describes it): `GET /api/v1/profiles/{fiscal_code}` (404 without a profile, else `{ sender_allowed }`),
 * `POST /api/v1/messages` (201 `{ id }`; 400 on a subject outside 10–120 or a markdown outside
 * 80–10000 characters), `GET /api/v1/messages/{fiscal_code}/{id}` (`{ status }`), each needing a
 * known `Ocp-Apim-Subscription-Key` (401) and limited per key (429 with Retry-After once the test
 * sets a limit). New messages are ACCEPTED; the test moves them on with `setStatus`.
 */
export interface AppIoStandIn {
  url: string;
  /** Fiscal codes with a profile, and whether each allows the services' messages. */
  profiles: Map<string, boolean>;
  messages: IoMessage[];
  /** Requests per key it answered, refusals included. */
  requests: Map<string, number>;
  /** From now on, each key may make `perKey` more requests; past them a 429 with Retry-After. */
  limit(perKey: number, retryAfterSeconds: number): void;
  setStatus(id: string, status: IoStatus): void;
  close(): Promise<void>;
}

// IO answers refusals as problem+json.
const problem = (res: ServerResponse, status: number, detail: string, headers: Record<string, string> = {}) =>
  res.writeHead(status, { 'content-type': 'application/problem+json', ...headers }).end(JSON.stringify({ status, title: detail, detail }));

export async function startAppIo({ keys }: { keys: string[] }): Promise<AppIoStandIn> {
  let limit: { perKey: number; retryAfter: number; used: Map<string, number> } | null = null;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const key = req.headers['ocp-apim-subscription-key'];
    if (typeof key !== 'string' || !keys.includes(key)) return problem(res, 401, 'Access denied due to invalid subscription key');
    io.requests.set(key, (io.requests.get(key) ?? 0) + 1);
    if (limit) {
      const used = (limit.used.get(key) ?? 0) + 1;
      limit.used.set(key, used);
      if (used > limit.perKey) return problem(res, 429, 'Rate limit is exceeded', { 'retry-after': String(limit.retryAfter) });
    }
    const path = new URL(req.url ?? '/', 'http://io').pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (req.method === 'GET' && path.length === 4 && path.slice(0, 3).join('/') === 'api/v1/profiles') {
      const allowed = io.profiles.get(path[3]!);
      return allowed === undefined ? problem(res, 404, 'Profile not found') : answer(res, 200, { sender_allowed: allowed });
    }
    if (req.method === 'POST' && path.join('/') === 'api/v1/messages') {
      const body = await readJson(req);
      const subject = body?.content?.subject;
      const markdown = body?.content?.markdown;
      if (typeof body?.fiscal_code !== 'string') return problem(res, 400, 'fiscal_code is required');
      if (typeof subject !== 'string' || subject.length < 10 || subject.length > 120)
        return problem(res, 400, 'content.subject must be 10 to 120 characters');
      if (typeof markdown !== 'string' || markdown.length < 80 || markdown.length > 10_000)
        return problem(res, 400, 'content.markdown must be 80 to 10000 characters');
      const message: IoMessage = { id: randomUUID(), key, fiscal_code: body.fiscal_code, subject, markdown, status: 'ACCEPTED' };
      io.messages.push(message);
      return answer(res, 201, { id: message.id });
    }
    if (req.method === 'GET' && path.length === 5 && path.slice(0, 3).join('/') === 'api/v1/messages') {
      const message = io.messages.find((m) => m.id === path[4] && m.fiscal_code === path[3] && m.key === key);
      return message
        ? answer(res, 200, { message: { id: message.id, fiscal_code: message.fiscal_code }, status: message.status })
        : problem(res, 404, 'Message not found');
    }
    problem(res, 404, 'Not found');
  };
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const io: AppIoStandIn = {
    url: `http://127.0.0.1:${port}`,
    profiles: new Map(),
    messages: [],
    requests: new Map(),
    limit: (perKey, retryAfter) => {
      limit = { perKey, retryAfter, used: new Map() };
    },
    setStatus: (id, status) => {
      io.messages.find((m) => m.id === id)!.status = status;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return io;
}
