import { createHash, randomBytes } from 'node:crypto';
import { header, parseCSeq, type SipRequest, type SipResponse } from './message.ts';
import { newBranch } from './transport.ts';

/**
 * HTTP digest authentication as SIP uses it (RFC 3261 §22, RFC 7616, RFC 8760): the answer to a
 * 401 (WWW-Authenticate → Authorization) or 407 (Proxy-Authenticate → Proxy-Authorization), with
 * MD5 or SHA-256, their -sess variants, and qop=auth (nc/cnonce) when the server offers it.
 */
export interface Credentials {
  username: string;
  password: string;
}
export interface Challenge {
  realm: string;
  nonce: string;
  algorithm: Algorithm;
  /** qop=auth offered (we do not do auth-int); absent: the RFC 2069 form without nc/cnonce. */
  qop: boolean;
  opaque?: string;
  stale: boolean;
}
type Algorithm = 'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess';
const algorithms: Record<string, Algorithm> = { md5: 'MD5', 'md5-sess': 'MD5-sess', 'sha-256': 'SHA-256', 'sha-256-sess': 'SHA-256-sess' };

/** The parameters of one `Digest …` challenge; null when it is another scheme or an algorithm we cannot do. */
export function parseChallenge(value: string): Challenge | null {
  const m = /^\s*Digest\s+(.*)$/is.exec(value);
  if (!m) return null;
  const params = new Map<string, string>();
  for (const p of m[1]!.matchAll(/([A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g))
    params.set(p[1]!.toLowerCase(), p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3]!);
  const algorithm = algorithms[(params.get('algorithm') ?? 'MD5').toLowerCase()];
  const realm = params.get('realm');
  const nonce = params.get('nonce');
  if (!algorithm || realm === undefined || !nonce) return null;
  const qops = params.has('qop')
    ? params
        .get('qop')!
        .split(',')
        .map((q) => q.trim().toLowerCase())
    : null;
  if (qops && !qops.includes('auth')) return null; // auth-int only
  return {
    realm,
    nonce,
    algorithm,
    qop: qops !== null,
    opaque: params.get('opaque'),
    stale: params.get('stale')?.toLowerCase() === 'true',
  };
}

const hash = (algorithm: Algorithm, s: string) =>
  createHash(algorithm.startsWith('SHA-256') ? 'sha256' : 'md5')
    .update(s, 'utf8')
    .digest('hex');

/** The `response` of RFC 7616 §3.4.1 (and of RFC 2617 §3.2.2.1 without qop). */
export function digestResponse(c: Challenge, creds: Credentials, method: string, uri: string, nc: number, cnonce: string): string {
  let ha1 = hash(c.algorithm, `${creds.username}:${c.realm}:${creds.password}`);
  if (c.algorithm.endsWith('-sess')) ha1 = hash(c.algorithm, `${ha1}:${c.nonce}:${cnonce}`);
  const ha2 = hash(c.algorithm, `${method}:${uri}`);
  const ncHex = nc.toString(16).padStart(8, '0');
  return c.qop ? hash(c.algorithm, `${ha1}:${c.nonce}:${ncHex}:${cnonce}:auth:${ha2}`) : hash(c.algorithm, `${ha1}:${c.nonce}:${ha2}`);
}

const quote = (s: string) => `"${s.replace(/["\\]/g, '\\$&')}"`;

/** The Authorization / Proxy-Authorization value answering `c` for a request. */
export function authorization(c: Challenge, creds: Credentials, method: string, uri: string, nc: number, cnonce: string): string {
  const parts = [
    `username=${quote(creds.username)}`,
    `realm=${quote(c.realm)}`,
    `nonce=${quote(c.nonce)}`,
    `uri=${quote(uri)}`,
    `response=${quote(digestResponse(c, creds, method, uri, nc, cnonce))}`,
    `algorithm=${c.algorithm}`,
  ];
  if (c.opaque !== undefined) parts.push(`opaque=${quote(c.opaque)}`);
  if (c.qop) parts.push('qop=auth', `nc=${nc.toString(16).padStart(8, '0')}`, `cnonce=${quote(cnonce)}`);
  return `Digest ${parts.join(', ')}`;
}

/**
 * Answers challenges for one user agent: the request to send again after a 401/407 (new branch,
 * next CSeq, the credentials added), or null when there is nothing better to send — no
 * credentials, no challenge we support, or the same realm refused credentials already sent with a
 * nonce that is not stale (a wrong password: sending it again would loop).
 */
export class DigestClient {
  /** How many times each nonce was used, for nc. */
  private readonly counts = new Map<string, number>();

  constructor(private readonly creds: Credentials | null) {}

  retry(sent: SipRequest, res: SipResponse): SipRequest | null {
    if (!this.creds || (res.status !== 401 && res.status !== 407)) return null;
    const [challengeHeader, answerHeader] =
      res.status === 401 ? ['www-authenticate', 'authorization'] : ['proxy-authenticate', 'proxy-authorization'];
    // RFC 8760 §2.4: the topmost challenge we support, per realm.
    const challenges = new Map<string, Challenge>();
    for (const v of res.headers.get(challengeHeader) ?? []) {
      const c = parseChallenge(v);
      if (c && !challenges.has(c.realm)) challenges.set(c.realm, c);
    }
    if (!challenges.size) return null;
    const previous = [...(sent.headers.get('authorization') ?? []), ...(sent.headers.get('proxy-authorization') ?? [])];
    const headers = new Map(sent.headers);
    const kept = (sent.headers.get(answerHeader) ?? []).filter((v) => !challenges.has(realmOf(v) ?? ''));
    const answers: string[] = [];
    for (const c of challenges.values()) {
      if (!c.stale && previous.some((v) => realmOf(v) === c.realm)) return null;
      const nc = (this.counts.get(c.nonce) ?? 0) + 1;
      this.counts.set(c.nonce, nc);
      if (this.counts.size > 1000) this.counts.delete(this.counts.keys().next().value!); // old nonces
      answers.push(authorization(c, this.creds, sent.method, sent.uri, nc, randomBytes(12).toString('hex')));
    }
    headers.set(answerHeader, [...kept, ...answers]);
    const [via, ...rest] = sent.headers.get('via')!;
    headers.set('via', [via!.replace(/;branch=[^;,\s]+/i, `;branch=${newBranch()}`), ...rest]);
    headers.set('cseq', [`${parseCSeq(header(sent.headers, 'cseq')!)!.seq + 1} ${sent.method}`]);
    return { ...sent, headers };
  }
}

const realmOf = (v: string) => /realm\s*=\s*"((?:[^"\\]|\\.)*)"/i.exec(v)?.[1];
