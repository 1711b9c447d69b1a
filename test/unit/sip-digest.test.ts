import { describe, expect, it } from 'vitest';
import { DigestClient, digestResponse, parseChallenge } from '../../telephony/sip/digest.ts';
import { parseSip, type SipRequest, type SipResponse } from '../../telephony/sip/message.ts';

// RFC 7616 §3.9.1: the same request answered with MD5 and with SHA-256.
const rfc = {
  creds: { username: 'Mufasa', password: 'Circle of Life' },
  method: 'GET',
  uri: '/dir/index.html',
  cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  challenge: (algorithm: string) =>
    `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=${algorithm}, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`,
};

describe('digest authentication', () => {
  it('computes the responses of RFC 7616 §3.9.1 for MD5 and SHA-256', () => {
    const md5 = parseChallenge(rfc.challenge('MD5'))!;
    const sha = parseChallenge(rfc.challenge('SHA-256'))!;
    expect(md5).toMatchObject({ realm: 'http-auth@example.org', algorithm: 'MD5', qop: true, stale: false });
    expect(digestResponse(md5, rfc.creds, rfc.method, rfc.uri, 1, rfc.cnonce)).toBe('8ca523f5e9506fed4657c9700eebdbec');
    expect(digestResponse(sha, rfc.creds, rfc.method, rfc.uri, 1, rfc.cnonce)).toBe(
      '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
    );
  });

  it('computes the examples of RFC 2617 §3.5 (qop=auth) and RFC 2069 §2.4 (no qop), which RFC 3261 §22 keeps', () => {
    const nonce = 'dcd98b7102dd2f0e8b11d0f600bfb0c093';
    const qop = parseChallenge(`Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="${nonce}"`)!;
    const old = parseChallenge(`Digest realm="testrealm@host.com", nonce="${nonce}"`)!;
    expect(old.qop).toBe(false);
    const mufasa = (password: string) => ({ username: 'Mufasa', password });
    expect(digestResponse(qop, mufasa('Circle Of Life'), 'GET', '/dir/index.html', 1, '0a4f113b')).toBe('6629fae49393a05397450978507c4ef1');
    // RFC 2069 prints e966c932…, corrected by its erratum to:
    expect(digestResponse(old, mufasa('CircleOfLife'), 'GET', '/dir/index.html', 1, '')).toBe('1949323746fe6a43ef61f9606e7febea');
  });

  it('refuses schemes and algorithms it cannot do', () => {
    expect(parseChallenge('Basic realm="x"')).toBeNull();
    expect(parseChallenge('Digest realm="x", nonce="n", algorithm=SHA-512-256')).toBeNull();
    expect(parseChallenge('Digest realm="x", nonce="n", qop="auth-int"')).toBeNull();
    expect(parseChallenge('Digest realm="x", nonce="n", algorithm=sha-256-sess, stale=TRUE')).toMatchObject({
      algorithm: 'SHA-256-sess',
      stale: true,
    });
  });

  const register = parseSip(
    'REGISTER sip:pbx.example SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK-1;rport\r\nFrom: <sip:sportello@pbx.example>;tag=a\r\nTo: <sip:sportello@pbx.example>\r\nCall-ID: reg-1\r\nCSeq: 7 REGISTER\r\nContent-Length: 0\r\n\r\n',
  ) as SipRequest;
  const challenge = (status: 401 | 407, values: string[]): SipResponse => ({
    kind: 'response',
    status,
    reason: '',
    body: '',
    headers: new Map([[status === 401 ? 'www-authenticate' : 'proxy-authenticate', values]]),
  });

  it('sends again with the next CSeq, a new branch, the topmost supported challenge, and counts nc per nonce', () => {
    const client = new DigestClient({ username: 'sportello', password: 'pw' });
    const retry = client.retry(
      register,
      challenge(401, [
        'Digest realm="pbx", nonce="n1", algorithm=SHA-512-256',
        'Digest realm="pbx", nonce="n1", algorithm=SHA-256, qop="auth"',
        'Digest realm="pbx", nonce="n1"',
      ]),
    )!;
    expect(retry.headers.get('cseq')).toEqual(['8 REGISTER']);
    expect(retry.headers.get('call-id')).toEqual(['reg-1']);
    expect(retry.headers.get('via')![0]).not.toContain('z9hG4bK-1;');
    expect(retry.headers.get('via')![0]).toMatch(/;rport$/);
    const [auth] = retry.headers.get('authorization')!;
    expect(auth).toMatch(
      /^Digest username="sportello", realm="pbx", nonce="n1", uri="sip:pbx.example", response="[0-9a-f]{64}", algorithm=SHA-256, qop=auth, nc=00000001, cnonce="[0-9a-f]+"$/,
    );
    // A refresh answered with a new challenge for the same nonce marked stale: nc goes on.
    const again = client.retry(retry, challenge(401, ['Digest realm="pbx", nonce="n1", algorithm=SHA-256, qop="auth", stale=true']))!;
    expect(again.headers.get('authorization')).toHaveLength(1);
    expect(again.headers.get('authorization')![0]).toContain('nc=00000002');
    expect(again.headers.get('cseq')).toEqual(['9 REGISTER']);
  });

  it('gives up when the credentials were refused (no loop), when it has none, and on other statuses', () => {
    const client = new DigestClient({ username: 'sportello', password: 'wrong' });
    const retry = client.retry(register, challenge(407, ['Digest realm="pbx", nonce="n2"']))!;
    expect(retry.headers.get('proxy-authorization')![0]).toMatch(/algorithm=MD5$/);
    expect(client.retry(retry, challenge(407, ['Digest realm="pbx", nonce="n3"']))).toBeNull();
    expect(new DigestClient(null).retry(register, challenge(401, ['Digest realm="pbx", nonce="n"']))).toBeNull();
    expect(client.retry(register, { ...challenge(401, []), status: 403 })).toBeNull();
    expect(client.retry(register, challenge(401, ['Basic realm="pbx"']))).toBeNull();
  });
});
