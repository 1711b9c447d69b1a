import { describe, expect, it } from 'vitest';
import { parseSip, serializeSip, type SipRequest } from '../../telephony/sip/message.ts';
import { type Framed, SipStreamFramer } from '../../telephony/sip/stream.ts';

const message = (n: number, body = ''): Buffer =>
  serializeSip({
    kind: 'request',
    method: 'INFO',
    uri: 'sip:ua@127.0.0.1',
    body,
    headers: new Map([
      ['via', [`SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK${n}`]],
      ['from', ['<sip:a@127.0.0.1>;tag=a']],
      ['to', ['<sip:b@127.0.0.1>']],
      ['call-id', [`c${n}`]],
      ['cseq', [`${n} INFO`]],
      ['content-type', ['application/dtmf-relay']],
    ]),
  } satisfies SipRequest);
const callIds = (out: Framed[]) => out.map((f) => ('message' in f ? parseSip(f.message).headers.get('call-id')![0] : 'oversized'));

describe('SIP stream framing (RFC 3261 §18.3)', () => {
  it('joins a message split at every byte, body included', () => {
    const bytes = message(1, 'Signal=5\r\nDuration=160\r\n');
    const framer = new SipStreamFramer(16 * 1024);
    const out: Framed[] = [];
    for (let i = 0; i < bytes.length; i++) out.push(...framer.push(bytes.subarray(i, i + 1)));
    expect(out).toHaveLength(1);
    expect('message' in out[0]! && out[0].message.equals(bytes)).toBe(true);
    expect(parseSip((out[0] as { message: Buffer }).message).body).toBe('Signal=5\r\nDuration=160\r\n');
  });

  it('cuts coalesced messages apart, keep-alive CRLFs between them skipped, and keeps a trailing partial one', () => {
    const framer = new SipStreamFramer(16 * 1024);
    const third = message(3, 'Signal=1\r\n');
    const chunk = Buffer.concat([message(1, 'x'), Buffer.from('\r\n\r\n'), message(2), third.subarray(0, third.length - 3)]);
    expect(callIds(framer.push(chunk))).toEqual(['c1', 'c2']);
    expect(callIds(framer.push(third.subarray(third.length - 3)))).toEqual(['c3']);
  });

  it('gives up a stream whose message declares more than the limit, passing its headers for a 513', () => {
    const framer = new SipStreamFramer(1024);
    const big = message(1, 'a'.repeat(2000));
    const [first, ...rest] = framer.push(Buffer.concat([message(7), big.subarray(0, 600)]));
    expect(callIds([first!])).toEqual(['c7']);
    expect(rest).toHaveLength(1);
    const head = (rest[0] as { oversized: Buffer }).oversized.toString();
    expect(head).toMatch(/^INFO sip:ua@127\.0\.0\.1 SIP\/2\.0\r\n/);
    expect(head).toContain('Content-Length: 2000\r\n\r\n');
    expect(framer.push(big.subarray(600))).toEqual([]);
    expect(framer.push(message(8))).toEqual([]);
  });

  it('gives up a stream whose headers run past the limit without an end', () => {
    const framer = new SipStreamFramer(512);
    const out = framer.push(Buffer.from(`INFO sip:ua@127.0.0.1 SIP/2.0\r\nSubject: ${'s'.repeat(600)}`));
    expect(out).toHaveLength(1);
    expect((out[0] as { oversized: Buffer }).oversized).toHaveLength(512);
  });
});
