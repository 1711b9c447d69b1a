import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface Received {
  raw: string;
  mail: ParsedMail;
  to: string[];
}

/**
 * A receiving MTA for the tests (the `smtp-server` package on 127.0.0.1, an OS-picked port): it keeps
 * what arrived, parsed, and answers each recipient as `answer` says (250 by default; an SMTP error code
 * to refuse it — 550 for good, 451 for now).
 */
export async function startTestSmtp(answer: (recipient: string) => number | undefined = () => undefined) {
  const received: Received[] = [];
  // While holding, a message is kept as arrived but its final 250 is withheld (the sender cannot know it was taken).
  let holding = false;
  const held: (() => void)[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const code = answer(address.address);
      if (!code) return callback();
      const err = Object.assign(new Error(code >= 500 ? 'mailbox unavailable' : 'try again later'), { responseCode: code });
      callback(err);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw).then((mail) => {
          received.push({ raw, mail, to: session.envelope.rcptTo.map((r) => r.address) });
          if (holding) held.push(() => callback());
          else callback();
        }, callback);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    /** From now on, messages arrive but their final reply waits for `release`. */
    hold: () => {
      holding = true;
    },
    /** Answers the held messages (to whoever is still connected) and stops holding. */
    release: () => {
      holding = false;
      for (const answer of held.splice(0)) answer();
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
