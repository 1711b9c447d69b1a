import { describe, expect, it } from 'vitest';
import { parseDtmfRelay, parseRtpEvent } from '../../telephony/sip/dtmf.ts';
import { param, parseSip, SipParseError, serializeSip, uriOf } from '../../telephony/sip/message.ts';
import { parseSdp } from '../../telephony/sip/sdp.ts';

const crlf = (s: string) => s.replaceAll('\n', '\r\n');

describe('SIP messages', () => {
  it('reads compact names, folded lines and header lists, and keeps the body to its Content-Length', () => {
    const m = parseSip(
      crlf(
        'INVITE sip:020202@10.0.0.1 SIP/2.0\nv: SIP/2.0/UDP a:5060;branch=z9hG4bK1, SIP/2.0/UDP b;branch=z9hG4bK2\nf: "Rossi, Mario" <sip:333@a>;tag=x1\nt: <sip:020202@10.0.0.1>\ni: abc\nCSeq: 1\n INVITE\nl: 4\n\nv=0\nextra',
      ),
    );
    expect(m).toMatchObject({ kind: 'request', method: 'INVITE', body: 'v=0\r' });
    expect(m.headers.get('via')).toHaveLength(2);
    expect(m.headers.get('cseq')).toEqual(['1 INVITE']);
    expect(param(m.headers.get('from')![0]!, 'tag')).toBe('x1');
    expect(uriOf(m.headers.get('from')![0]!)).toBe('sip:333@a');
  });

  it('serialises with canonical names and a computed Content-Length, and reads its own output back', () => {
    const res = parseSip(
      crlf(
        'SIP/2.0 180 Ringing\nVia: SIP/2.0/UDP a;branch=z9hG4bK1\nFrom: <sip:a@b>;tag=1\nTo: <sip:c@d>;tag=2\nCall-ID: q\nCSeq: 1 INVITE\n\n',
      ),
    );
    const text = serializeSip(res).toString();
    expect(text).toMatch(/^SIP\/2\.0 180 Ringing\r\n/);
    expect(text).toContain('Call-ID: q\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n');
    expect(parseSip(text)).toEqual({ ...res, headers: new Map([...res.headers, ['content-length', ['0']]]) });
  });

  it.each([
    ['no start line', 'hello\r\n\r\n'],
    ['no CSeq', crlf('BYE sip:x SIP/2.0\nVia: SIP/2.0/UDP a;branch=z9hG4bK1\nFrom: <sip:a@b>;tag=1\nTo: <sip:x>\nCall-ID: q\n\n')],
    ['a header without a colon', crlf('BYE sip:x SIP/2.0\nVia: SIP/2.0/UDP a;branch=z9hG4bK1\nnonsense\n\n')],
    ['no end of headers', 'BYE sip:x SIP/2.0\r\nVia: SIP/2.0/UDP a'],
  ])('refuses %s', (_, text) => {
    expect(() => parseSip(text)).toThrow(SipParseError);
  });
});

describe('DTMF and SDP', () => {
  it('reads dtmf-relay bodies, 10 and 11 as * and #', () => {
    expect(['Signal=5\r\nDuration=160', 'Signal= *', 'Signal=11', 'Duration=160', 'Signal=X'].map(parseDtmfRelay)).toEqual([
      '5',
      '*',
      '#',
      null,
      null,
    ]);
  });

  it('reads an RFC 4733 event packet of the negotiated payload type only', () => {
    const packet = Buffer.from('80e51f30000033e00e05384e010a0000', 'hex'); // key 1, from SIPp's dtmf_2833_1.pcap
    expect(parseRtpEvent(packet, 101)).toEqual({ key: '1', timestamp: 0x33e0 });
    expect(parseRtpEvent(packet, 96)).toBeNull();
    expect(parseRtpEvent(packet.subarray(0, 13), 101)).toBeNull();
  });

  it('finds the media address, port and telephone-event type of an offer', () => {
    expect(parseSdp('v=0\r\nc=IN IP4 10.1.2.3\r\nm=audio 4000 RTP/AVP 0 96\r\na=rtpmap:96 telephone-event/8000\r\n')).toEqual({
      address: '10.1.2.3',
      port: 4000,
      telephoneEvent: 96,
    });
    expect(parseSdp('v=0\r\n')).toBeNull();
  });
});
