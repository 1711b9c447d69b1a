/** DTMF as it reaches the user agent: RFC 4733 (ex 2833) RTP events, or SIP INFO application/dtmf-relay. */
const keys = '0123456789*#ABCD';

/**
 * A telephone-event RTP packet: its key and the RTP timestamp that identifies one key press
 * (a press is sent as several packets, the end one three times). Null for other packets.
 */
export function parseRtpEvent(packet: Buffer, payloadType: number): { key: string; timestamp: number } | null {
  if (packet.length < 12 || packet[0]! >> 6 !== 2) return null;
  if ((packet[1]! & 0x7f) !== payloadType) return null;
  let offset = 12 + (packet[0]! & 0x0f) * 4; // CSRC list
  if (packet[0]! & 0x10) {
    // header extension
    if (packet.length < offset + 4) return null;
    offset += 4 + packet.readUInt16BE(offset + 2) * 4;
  }
  if (packet.length < offset + 4) return null;
  const key = keys[packet[offset]!];
  return key ? { key, timestamp: packet.readUInt32BE(4) } : null;
}

/** The key of an application/dtmf-relay body (`Signal=5\r\nDuration=160`). */
export function parseDtmfRelay(body: string): string | null {
  const signal = /^\s*Signal\s*=\s*(\S+)\s*$/im.exec(body)?.[1]?.toUpperCase();
  if (signal === undefined) return null;
  if (/^1[0-5]$/.test(signal)) return keys[Number(signal)]!; // some phones send 10 for * and 11 for #
  return signal.length === 1 && keys.includes(signal) ? signal : null;
}
