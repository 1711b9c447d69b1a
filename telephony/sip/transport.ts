import { randomBytes } from 'node:crypto';
import type { Logger } from '../../platform/logger.ts';
import type { DigestClient } from './digest.ts';
import {
  header,
  param,
  parseCSeq,
  parseSip,
  SipParseError,
  type SipMessage,
  type SipRequest,
  type SipResponse,
  serializeSip,
} from './message.ts';
import { openWire, type Peer, type SipTransportProtocol, type Wire } from './wire.ts';

export type { Peer, SipTransportProtocol } from './wire.ts';

/**
 * SIP over UDP or TCP (the wire, ./wire.ts) with the transaction layer of RFC 3261 §17, simplified for one user agent:
 * retransmissions of our requests until answered (timers A/E, giving up with a 408 at 64·T1),
 * repeated requests answered with the response already sent, final INVITE responses repeated
 * until their ACK (timer G; for a 2xx the dialog layer confirms the ACK), non-2xx final responses
 * to our INVITEs acknowledged here. A 401/407 is answered with credentials when `auth` has them
 * (the request sent again with the next CSeq). Malformed requests get a 400, requests larger than
 * `maxMessageBytes` a 513, other garbage is dropped. Over TCP nothing is retransmitted: the
 * connection is reliable (timers A, E and G are not started, §17.1.1.2, §17.2.1), only the
 * 64·T1 transaction timeouts remain.
 */
export interface ResponseOptions {
  toTag?: string;
  headers?: [string, string][];
  body?: string;
  contentType?: string;
  /** A 2xx to an INVITE still not acknowledged after 64·T1 (RFC 3261 §13.3.1.4): the UA ends the call. */
  onUnacknowledged?: () => void;
}

const T1 = 500;
const T2 = 4000;
const lifetime = 64 * T1;
const reasons: Record<number, string> = {
  100: 'Trying',
  180: 'Ringing',
  200: 'OK',
  202: 'Accepted',
  400: 'Bad Request',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  481: 'Call/Transaction Does Not Exist',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  513: 'Message Too Large',
  500: 'Server Internal Error',
  501: 'Not Implemented',
};

interface ServerTxn {
  response: Buffer | null;
  to: Peer;
  timer?: NodeJS.Timeout;
  acked?: boolean;
}
interface ClientTxn {
  request: SipRequest;
  to: Peer;
  onResponse: OnResponse;
  final: boolean;
  timer?: NodeJS.Timeout;
  ack?: Buffer;
}

/** What a client transaction reports: each new response, and the request it answers (after an authentication retry, not the one first given). */
export type OnResponse = (r: SipResponse, sent: SipRequest) => void;
export interface TransportOptions {
  /** Answers 401/407 challenges; none: they reach the caller as failures. */
  auth?: DigestClient;
  /** The user part of our Contact (the registered user); default `sportello`. */
  contactUser?: string;
  /** Larger incoming messages are refused (513) or dropped. */
  maxMessageBytes?: number;
  /** Default `udp`. */
  protocol?: SipTransportProtocol;
}
/** Big enough for an INVITE with a rich SDP through a few proxies; far below what UDP carries. */
export const defaultMaxMessageBytes = 16 * 1024;

export const newBranch = () => `z9hG4bK${randomBytes(8).toString('hex')}`;
export const newTag = () => randomBytes(6).toString('hex');

export class SipTransport {
  private readonly server = new Map<string, ServerTxn>();
  private readonly client = new Map<string, ClientTxn>();
  onRequest: (req: SipRequest, from: Peer) => void = () => {};

  private constructor(
    private readonly wire: Wire,
    private readonly log: Logger,
    private readonly opts: TransportOptions,
  ) {
    wire.onMessage = (data, from, oversized) => this.receive(data, from, oversized);
  }

  static async bind(address: string, port: number, log: Logger, opts: TransportOptions = {}): Promise<SipTransport> {
    const wire = await openWire(opts.protocol ?? 'udp', address, port, opts.maxMessageBytes ?? defaultMaxMessageBytes, log);
    return new SipTransport(wire, log, opts);
  }

  get local(): Peer {
    return this.wire.local;
  }

  /** Our Contact: where requests for us come, in a dialog or to our registered address. */
  get contact(): string {
    const transport = this.wire.protocol === 'udp' ? '' : `;transport=${this.wire.protocol}`;
    return `<sip:${this.contactUser}@${this.local.address}:${this.local.port}${transport}>`;
  }
  get contactUser(): string {
    return this.opts.contactUser ?? 'sportello';
  }

  /** The Via our requests carry: responses come back to this address. */
  via(branch: string): string {
    return `SIP/2.0/${this.wire.protocol.toUpperCase()} ${this.local.address}:${this.local.port};branch=${branch};rport`;
  }

  send(m: SipMessage | Buffer, to: Peer): void {
    this.wire.send(Buffer.isBuffer(m) ? m : serializeSip(m), to);
  }

  /** Answers a request (through its server transaction) and returns the response sent. */
  respond(req: SipRequest, status: number, opts: ResponseOptions = {}): SipResponse {
    const txn = this.server.get(serverKey(req));
    const to = header(req.headers, 'to')!;
    const headers = new Map<string, string[]>([
      ['via', req.headers.get('via')!],
      ['from', [header(req.headers, 'from')!]],
      ['to', [opts.toTag && !param(to, 'tag') ? `${to};tag=${opts.toTag}` : to]],
      ['call-id', [header(req.headers, 'call-id')!]],
      ['cseq', [header(req.headers, 'cseq')!]],
    ]);
    // A response that creates a dialog carries the proxies' Record-Route back to the caller (RFC 3261 §12.1.1).
    const recordRoute = req.headers.get('record-route');
    if (req.method === 'INVITE' && status > 100 && status < 300 && recordRoute) headers.set('record-route', recordRoute);
    for (const [name, value] of opts.headers ?? []) headers.set(name, [...(headers.get(name) ?? []), value]);
    if (opts.body) headers.set('content-type', [opts.contentType ?? 'application/sdp']);
    const res: SipResponse = { kind: 'response', status, reason: reasons[status] ?? 'Unknown', headers, body: opts.body ?? '' };
    if (!txn) return res; // the transaction is over (a late answer): nothing to send it through
    txn.response = serializeSip(res);
    this.send(txn.response, txn.to);
    if (status >= 200) {
      if (req.method === 'INVITE' && !this.wire.reliable) this.repeatUntilAcked(txn);
      setTimeout(() => {
        clearTimeout(txn.timer);
        this.server.delete(serverKey(req));
        if (req.method === 'INVITE' && status < 300 && !txn.acked) opts.onUnacknowledged?.();
      }, lifetime).unref();
    }
    return res;
  }

  /** The 2xx to this INVITE was acknowledged (the ACK of a 2xx is its own transaction, seen by the dialog). */
  confirmed(invite: SipRequest): void {
    const txn = this.server.get(serverKey(invite));
    if (!txn) return;
    clearTimeout(txn.timer);
    txn.acked = true;
  }

  /** Sends a request in a client transaction; `onResponse` sees each new response, a 408 when nobody answers. */
  request(req: SipRequest, to: Peer, onResponse: OnResponse): void {
    const txn: ClientTxn = { request: req, to, onResponse, final: false };
    const key = clientKey(req);
    this.client.set(key, txn);
    const bytes = serializeSip(req);
    this.send(bytes, to);
    const started = Date.now();
    const retransmit = (interval: number) => {
      txn.timer = setTimeout(() => {
        if (Date.now() - started >= lifetime) {
          this.client.delete(key);
          onResponse(timeoutResponse(req), req);
          return;
        }
        this.send(bytes, to);
        retransmit(req.method === 'INVITE' ? interval * 2 : Math.min(interval * 2, T2));
      }, interval);
      txn.timer.unref();
    };
    if (!this.wire.reliable) return retransmit(T1);
    // Reliable: no timer A/E, only timer B/F — nobody answered within 64·T1.
    txn.timer = setTimeout(() => {
      this.client.delete(key);
      onResponse(timeoutResponse(req), req);
    }, lifetime);
    txn.timer.unref();
  }

  /** Stops an INVITE transaction that got no provisional response, so nothing can be cancelled. */
  abandon(req: SipRequest): void {
    const txn = this.client.get(clientKey(req));
    clearTimeout(txn?.timer);
    this.client.delete(clientKey(req));
  }

  close(): Promise<void> {
    for (const t of [...this.server.values(), ...this.client.values()]) clearTimeout(t.timer);
    return this.wire.close();
  }

  /** `oversized`: the wire saw a stream message too large and passes only its start. */
  private receive(data: Buffer, from: Peer, oversized = false): void {
    const tooLarge = oversized || data.length > this.maxBytes;
    let m: SipMessage;
    try {
      m = parseSip(data);
    } catch (err) {
      if (err instanceof SipParseError) this.rejectMalformed(err, from, tooLarge ? 513 : 400);
      return;
    }
    if (tooLarge) {
      if (m.kind === 'request') this.rejectMalformed(new SipParseError('message too large', m), from, 513);
      else this.log.warn({ from, bytes: data.length }, 'SIP message too large');
      return;
    }
    try {
      if (m.kind === 'response') this.receiveResponse(m);
      else this.receiveRequest(m, from);
    } catch (err) {
      this.log.error({ err }, 'SIP message handling failed');
    }
  }

  private get maxBytes(): number {
    return this.opts.maxMessageBytes ?? defaultMaxMessageBytes;
  }

  private receiveRequest(req: SipRequest, from: Peer): void {
    const key = serverKey(req);
    const txn = this.server.get(key);
    if (req.method === 'ACK' && txn) {
      clearTimeout(txn.timer);
      return;
    } // ACK of our non-2xx final answer
    if (txn) {
      if (txn.response) this.send(txn.response, txn.to);
      return;
    } // a retransmission
    if (req.method !== 'ACK') this.server.set(key, { response: null, to: from });
    this.onRequest(req, from);
  }

  private receiveResponse(res: SipResponse): void {
    const key = `${param(header(res.headers, 'via')!, 'branch')}|${parseCSeq(header(res.headers, 'cseq')!)!.method}`;
    const txn = this.client.get(key);
    if (!txn || (txn.final && res.status < 200)) return;
    if (txn.ack) {
      this.send(txn.ack, txn.to);
      return;
    } // a repeated failure: our ACK was lost
    if (res.status < 200) {
      // INVITE stops retransmitting once the peer is known to be working on it; others wait for a final answer.
      if (txn.request.method === 'INVITE') clearTimeout(txn.timer);
      txn.onResponse(res, txn.request);
      return;
    }
    const repeated = txn.final;
    clearTimeout(txn.timer);
    txn.final = true;
    if (txn.request.method === 'INVITE' && res.status >= 300) {
      txn.ack = serializeSip(ackForFailure(txn.request, res));
      this.send(txn.ack, txn.to);
    }
    if (!repeated) setTimeout(() => this.client.delete(key), lifetime).unref(); // absorbs repeated finals meanwhile
    const retry = !repeated && this.opts.auth?.retry(txn.request, res);
    if (retry) return this.request(retry, txn.to, txn.onResponse);
    // A repeated 2xx to an INVITE still reaches the dialog, which acknowledges it again.
    if (!repeated || (txn.request.method === 'INVITE' && res.status < 300)) txn.onResponse(res, txn.request);
  }

  private repeatUntilAcked(txn: ServerTxn, interval = T1): void {
    txn.timer = setTimeout(() => {
      if (interval >= lifetime / 2) return;
      this.send(txn.response!, txn.to);
      this.repeatUntilAcked(txn, Math.min(interval * 2, T2));
    }, interval);
    txn.timer.unref();
  }

  /** A request we cannot read is answered 400 when it carries enough to route the answer (RFC 3261 §16.3 spirit). */
  private rejectMalformed(err: SipParseError, from: Peer, status: 400 | 513): void {
    const { partial } = err;
    this.log.warn({ from, reason: err.message }, status === 513 ? 'SIP message too large' : 'malformed SIP message');
    if (partial.kind !== 'request' || partial.method === 'ACK' || !partial.headers.get('via')?.length) return;
    const h = partial.headers;
    const headers = new Map<string, string[]>([['via', h.get('via')!]]);
    for (const name of ['from', 'to', 'call-id', 'cseq']) if (h.get(name)?.length) headers.set(name, [header(h, name)!]);
    const reason = status === 513 ? reasons[513]! : `Bad Request (${err.message})`;
    this.send({ kind: 'response', status, reason, headers, body: '' }, from);
  }
}

const serverKey = (req: SipRequest) => {
  const method = req.method === 'ACK' ? 'INVITE' : req.method;
  const branch =
    param(header(req.headers, 'via')!, 'branch') ?? `${header(req.headers, 'call-id')}:${parseCSeq(header(req.headers, 'cseq')!)!.seq}`;
  return `${branch}|${method}`;
};
const clientKey = (req: SipRequest) => `${param(header(req.headers, 'via')!, 'branch')}|${req.method}`;

function timeoutResponse(req: SipRequest): SipResponse {
  const headers = new Map([...req.headers].filter(([name]) => ['via', 'from', 'to', 'call-id', 'cseq'].includes(name)));
  return { kind: 'response', status: 408, reason: 'Request Timeout', headers, body: '' };
}

/** The ACK of a failed INVITE belongs to the INVITE's transaction: same branch, the response's To tag (§17.1.1.3). */
function ackForFailure(invite: SipRequest, res: SipResponse): SipRequest {
  const headers = new Map<string, string[]>([
    ['via', [header(invite.headers, 'via')!]],
    ['max-forwards', ['70']],
    ['from', [header(invite.headers, 'from')!]],
    ['to', [header(res.headers, 'to')!]],
    ['call-id', [header(invite.headers, 'call-id')!]],
    ['cseq', [`${parseCSeq(header(invite.headers, 'cseq')!)!.seq} ACK`]],
  ]);
  if (invite.headers.get('route')) headers.set('route', invite.headers.get('route')!);
  return { kind: 'request', method: 'ACK', uri: invite.uri, headers, body: '' };
}
