/**
 * Message framing for SIP over a stream (RFC 3261 §18.3): the bytes of a TCP connection are cut
 * into messages at the blank line after the headers plus Content-Length bytes of body, whatever
 * the chunks they arrive in. CR/LF between messages (keep-alives, RFC 5626 §3.5.1) are skipped.
 */
export type Framed = { message: Buffer } | { oversized: Buffer };

const contentLength = /^(?:content-length|l)[ \t]*:[ \t]*(\d+)[ \t]*$/im;

export class SipStreamFramer {
  private buffer: Buffer = Buffer.alloc(0);
  private refused = false;

  constructor(private readonly maxBytes: number) {}

  /**
   * The messages completed by `chunk`. A message larger than `maxBytes` (or headers running past it)
   * comes out as `oversized` with what was read of its start — enough to answer 513 — and the
   * stream is given up: the rest of it cannot be framed without reading it all.
   */
  push(chunk: Buffer): Framed[] {
    if (this.refused) return [];
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const out: Framed[] = [];
    for (;;) {
      let start = 0;
      while (start < this.buffer.length && (this.buffer[start] === 13 || this.buffer[start] === 10)) start++;
      this.buffer = this.buffer.subarray(start);
      const end = this.buffer.indexOf('\r\n\r\n');
      const headBytes = end < 0 ? this.buffer.length : end + 4;
      // A missing Content-Length means an empty body (§18.3 requires it on streams; §20.14 reads its absence as 0).
      const total = end < 0 ? headBytes : headBytes + Number(contentLength.exec(this.buffer.subarray(0, end).toString('latin1'))?.[1] ?? 0);
      if (total > this.maxBytes) {
        out.push({ oversized: this.buffer.subarray(0, Math.min(headBytes, this.maxBytes)) });
        this.refused = true;
        this.buffer = Buffer.alloc(0);
        return out;
      }
      if (end < 0 || this.buffer.length < total) return out;
      out.push({ message: this.buffer.subarray(0, total) });
      this.buffer = this.buffer.subarray(total);
    }
  }
}
