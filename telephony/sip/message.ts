/**
 * SIP messages (RFC 3261 §7) for the subset the user agent speaks: parse a datagram into a
 * request or response, serialise one back. Header names are kept lower-case and long-form.
 */
export type Headers = Map<string, string[]>;
export interface SipRequest {
  kind: 'request';
  method: string;
  uri: string;
  headers: Headers;
  body: string;
}
export interface SipResponse {
  kind: 'response';
  status: number;
  reason: string;
  headers: Headers;
  body: string;
}
export type SipMessage = SipRequest | SipResponse;

/** A message that cannot be understood; `partial` has what was read, enough to answer 400 when it is a request with its Via. */
export class SipParseError extends Error {
  constructor(
    message: string,
    readonly partial: Partial<SipRequest> & { headers: Headers },
  ) {
    super(message);
    this.name = 'SipParseError';
  }
}

const compact: Record<string, string> = {
  v: 'via',
  f: 'from',
  t: 'to',
  i: 'call-id',
  m: 'contact',
  l: 'content-length',
  c: 'content-type',
  k: 'supported',
  r: 'refer-to',
  o: 'event',
  b: 'referred-by',
  e: 'content-encoding',
  s: 'subject',
  u: 'allow-events',
};
const canonical: Record<string, string> = {
  'call-id': 'Call-ID',
  cseq: 'CSeq',
  'www-authenticate': 'WWW-Authenticate',
  'max-forwards': 'Max-Forwards',
};
// Headers whose values may be comma-separated lists of several entries.
const listHeaders = new Set(['via', 'route', 'record-route', 'contact', 'allow', 'supported']);
const token = /^[A-Za-z0-9.!%*_+`'~-]+$/;

export function parseSip(data: Buffer | string): SipMessage {
  const text = typeof data === 'string' ? data : data.toString('utf8');
  const headers: Headers = new Map();
  const end = text.search(/\r?\n\r?\n/);
  const head = end < 0 ? text : text.slice(0, end);
  const lines = head.split(/\r?\n/);
  const start = lines.shift() ?? '';
  const partial: Partial<SipRequest> & { headers: Headers } = { headers };
  const fail = (why: string): never => {
    throw new SipParseError(why, partial);
  };

  const req = /^([A-Za-z]+) (\S+) SIP\/2\.0$/.exec(start);
  const res = /^SIP\/2\.0 ([1-6]\d\d) ?(.*)$/.exec(start);
  if (req) {
    partial.kind = 'request';
    partial.method = req[1]!.toUpperCase();
    partial.uri = req[2]!;
  } else if (!res) fail('not a SIP start line');

  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    while (i + 1 < lines.length && /^[ \t]/.test(lines[i + 1]!)) line += ` ${lines[++i]!.trim()}`; // folded header
    const colon = line.indexOf(':');
    const rawName = line.slice(0, colon).trim();
    if (colon < 1 || !token.test(rawName)) fail(`malformed header line "${line.slice(0, 40)}"`);
    const name = compact[rawName.toLowerCase()] ?? rawName.toLowerCase();
    const value = line.slice(colon + 1).trim();
    const values = listHeaders.has(name) ? splitList(value) : [value];
    headers.set(name, [...(headers.get(name) ?? []), ...values]);
  }
  if (end < 0) fail('no empty line after the headers');

  const bodyBytes = Buffer.from(text.slice(end).replace(/^\r?\n\r?\n/, ''), 'utf8');
  const declared = header(headers, 'content-length');
  let body = bodyBytes.toString('utf8');
  if (declared !== undefined) {
    if (!/^\d+$/.test(declared)) fail('Content-Length is not a number');
    const n = Number(declared);
    if (n > bodyBytes.length) fail('body shorter than Content-Length');
    body = bodyBytes.subarray(0, n).toString('utf8');
  }
  for (const h of ['via', 'from', 'to', 'call-id', 'cseq']) if (!headers.get(h)?.length) fail(`missing ${h} header`);
  const cseq = parseCSeq(header(headers, 'cseq')!);
  if (!cseq) fail('malformed CSeq');
  if (req && cseq!.method !== partial.method) fail('CSeq method does not match the request');
  if (req) return { kind: 'request', method: partial.method!, uri: partial.uri!, headers, body };
  return { kind: 'response', status: Number(res![1]), reason: res![2] ?? '', headers, body };
}

/** Splits "a, b" at commas outside quotes and angle brackets. */
function splitList(value: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let from = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '"' && value[i - 1] !== '\\') quoted = !quoted;
    else if (!quoted && ch === '<') depth++;
    else if (!quoted && ch === '>') depth--;
    else if (!quoted && depth === 0 && ch === ',') {
      out.push(value.slice(from, i).trim());
      from = i + 1;
    }
  }
  out.push(value.slice(from).trim());
  return out.filter(Boolean);
}

export function serializeSip(m: SipMessage): Buffer {
  const start = m.kind === 'request' ? `${m.method} ${m.uri} SIP/2.0` : `SIP/2.0 ${m.status} ${m.reason}`;
  const body = Buffer.from(m.body, 'utf8');
  const lines = [start];
  for (const [name, values] of m.headers) {
    if (name === 'content-length') continue;
    const label = canonical[name] ?? name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
    for (const v of values) lines.push(`${label}: ${v}`);
  }
  lines.push(`Content-Length: ${body.length}`, '', '');
  return Buffer.concat([Buffer.from(lines.join('\r\n'), 'utf8'), body]);
}

export const header = (h: Headers, name: string): string | undefined => h.get(name)?.[0];

export function parseCSeq(value: string): { seq: number; method: string } | null {
  const m = /^(\d{1,10})\s+([A-Za-z]+)$/.exec(value.trim());
  return m ? { seq: Number(m[1]), method: m[2]!.toUpperCase() } : null;
}

/** A `;name=value` parameter of a header value, outside its `<…>` URI (tag, branch). */
export function param(value: string, name: string): string | undefined {
  const outside = value.includes('>') ? value.slice(value.lastIndexOf('>') + 1) : value;
  return new RegExp(`;\\s*${name}=([^;,\\s]+)`, 'i').exec(outside)?.[1];
}

/** The URI of a name-addr (`"Name" <sip:u@h>;tag=x`) or of a bare addr-spec. */
export function uriOf(value: string): string {
  const angle = /<([^>]*)>/.exec(value);
  return angle ? angle[1]! : value.split(';')[0]!.trim();
}

/** user, host and port of a sip: URI (`sip:020202@10.0.0.1:5060;transport=udp`). */
export function parseUri(uri: string): { user: string; host: string; port: number } | null {
  const m = /^sips?:(?:([^@;]*)@)?([^:;?>]+)(?::(\d+))?/i.exec(uri.trim());
  return m ? { user: decodeURIComponent(m[1] ?? ''), host: m[2]!, port: m[3] ? Number(m[3]) : 5060 } : null;
}
