import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface MailCatcher {
  /** `smtp://127.0.0.1:<port>`, for SMTP_URL. */
  url: string;
  port: number;
  dir: string;
  stop: () => Promise<void>;
}

/**
 * A catch-all SMTP server on 127.0.0.1 for a demo without a mail server: it accepts every message
 * and writes it whole, as received, to `<dir>/<time>-<n>.eml` (open it with any mail client), so
 * one can see what citizens would get. No TLS, no authentication: local use only.
 */
export async function startMailCatcher(opts: { dir: string; port: number }): Promise<MailCatcher> {
  mkdirSync(opts.dir, { recursive: true });
  let n = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    banner: 'Sportello mail catcher',
    logger: false,
    size: 25 * 1024 * 1024,
    // The notifications worker closes its connections when it stops; one that crashed must not hold up the stop.
    closeTimeout: 2000,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', callback);
      stream.on('end', () => {
        const file = path.join(opts.dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${String(++n).padStart(6, '0')}.eml`);
        writeFile(file, Buffer.concat(chunks)).then(
          () => callback(),
          (err: Error) => callback(err),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    dir: opts.dir,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
