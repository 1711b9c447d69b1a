/**
 * Minimal SDP offer/answer (RFC 3264) for an audio line: G.711 µ-law plus telephone-event
 * (RFC 4733) so the peer can send DTMF as RTP. Nothing is played; the media port is where DTMF
 * arrives.
 */
export interface MediaOffer {
  address: string;
  port: number;
  telephoneEvent: number | null;
}

export const defaultTelephoneEvent = 101;

export function parseSdp(body: string): MediaOffer | null {
  const address = /^c=IN IP4 (\S+)/m.exec(body)?.[1];
  const media = /^m=audio (\d+) RTP\/AVP([ \d]*)/m.exec(body);
  if (!address || !media) return null;
  const event = /^a=rtpmap:(\d+) telephone-event\/8000/im.exec(body);
  return { address, port: Number(media[1]), telephoneEvent: event ? Number(event[1]) : null };
}

/** Our side of the session: the answer (mirroring the offer's telephone-event type) or an offer. */
export function buildSdp(address: string, port: number, telephoneEvent = defaultTelephoneEvent): string {
  const session = Date.now() % 1e9;
  return [
    'v=0',
    `o=sportello ${session} ${session} IN IP4 ${address}`,
    's=sportello',
    `c=IN IP4 ${address}`,
    't=0 0',
    `m=audio ${port} RTP/AVP 0 ${telephoneEvent}`,
    'a=rtpmap:0 PCMU/8000',
    `a=rtpmap:${telephoneEvent} telephone-event/8000`,
    `a=fmtp:${telephoneEvent} 0-15`,
    'a=sendrecv',
    '',
  ].join('\r\n');
}
