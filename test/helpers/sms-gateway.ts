import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answer, readJson } from './json-http.ts';

/** What the gateway took, as it was posted. */
export interface GatewayMessage {
  id: string;
  to: string;
  from: string;
  text: string;
  clientRef: string;
  authorization: string | undefined;
}

/**
 * A stand-in SMS gateway following the generic JSON contract of docs/notifications.md ("SMS"):
 * `POST /messages` with the bearer token answers 202 `{ id }`, the same id again for a clientRef
 * it already has (sending nothing twice); a number it cannot reach is a 400. The test can make it
 * rate-limit (429 with Retry-After), fail (503), or hang, and have it post delivery reports.
 */
export interface SmsGatewayStandIn {
  url: string;
  /** Every message it accepted, once each. */
  messages: GatewayMessage[];
  /** Requests it answered, refusals included. */
  requests: number;
  /** Numbers it answers 400 for. */
  unreachable: Set<string>;
  /** The next `times` requests answer 429 with `Retry-After: retryAfterSeconds`. */
  rateLimit(times: number, retryAfterSeconds: number): void;
  /** The next `times` requests answer 503. */
  failNext(times: number): void;
  /** The next `times` requests never get an answer (until the server closes). */
  hangNext(times: number): void;
  /** From now on the gateway takes messages (they count as sent to the citizen) but withholds its answer, until `release`. */
  holdReplies(): void;
  /** Drops the withheld answers (their callers may be gone) and answers normally again. */
  release(): void;
  /** Posts a delivery report to `webhook`, as the gateway would, and answers its HTTP status. */
  report(webhook: string, secret: string, report: { id: string; status: 'delivered' | 'failed'; error?: string }): Promise<number>;
  close(): Promise<void>;
}

export async function startSmsGateway({ token }: { token: string }): Promise<SmsGatewayStandIn> {
  const byRef = new Map<string, GatewayMessage>();
  const hanging: ServerResponse[] = [];
  let limited = { times: 0, retryAfter: 0 };
  let failing = 0;
  let hang = 0;
  let holding = false;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    gateway.requests++;
    if (req.method !== 'POST' || req.url !== '/messages') return answer(res, 404, { error: 'not found' });
    if (req.headers.authorization !== `Bearer ${token}`) return answer(res, 401, { error: 'bad token' });
    if (hang > 0) {
      hang--;
      hanging.push(res);
      return;
    }
    if (limited.times > 0) {
      limited.times--;
      return answer(res, 429, { error: 'too many requests' }, { 'retry-after': String(limited.retryAfter) });
    }
    if (failing > 0) {
      failing--;
      return answer(res, 503, { error: 'unavailable' });
    }
    const body = (await readJson(req)) as Partial<GatewayMessage> | null;
    if (!body || typeof body.to !== 'string' || typeof body.text !== 'string' || typeof body.clientRef !== 'string') {
      return answer(res, 400, { error: 'to, text and clientRef are required' });
    }
    if (!/^\+[1-9][0-9]{6,14}$/.test(body.to) || gateway.unreachable.has(body.to)) return answer(res, 400, { error: 'invalid number' });
    const known = byRef.get(body.clientRef);
    if (known) return answer(res, 202, { id: known.id });
    const message: GatewayMessage = {
      id: randomUUID(),
      to: body.to,
      from: String(body.from ?? ''),
      text: body.text,
      clientRef: body.clientRef,
      authorization: req.headers.authorization,
    };
    byRef.set(message.clientRef, message);
    gateway.messages.push(message);
    if (holding) hanging.push(res);
    else answer(res, 202, { id: message.id });
  };
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const gateway: SmsGatewayStandIn = {
    url: `http://127.0.0.1:${port}`,
    messages: [],
    requests: 0,
    unreachable: new Set(),
    rateLimit: (times, retryAfter) => {
      limited = { times, retryAfter };
    },
    failNext: (times) => {
      failing = times;
    },
    hangNext: (times) => {
      hang = times;
    },
    holdReplies: () => {
      holding = true;
    },
    release: () => {
      holding = false;
      for (const res of hanging.splice(0)) res.destroy();
    },
    report: async (webhook, secret, report) => {
      const res = await fetch(webhook, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-gateway-secret': secret },
        body: JSON.stringify(report),
      });
      return res.status;
    },
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return gateway;
}
