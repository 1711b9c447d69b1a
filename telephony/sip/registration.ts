import { randomBytes } from 'node:crypto';
import type { Logger } from '../../platform/logger.ts';
import { header, param, type SipRequest, type SipResponse, uriOf } from './message.ts';
import { newBranch, newTag, type Peer, type SipTransport } from './transport.ts';

/**
 * Our binding at a registrar (RFC 3261 §10): REGISTER at start (the transport answers the
 * 401/407 with credentials), again before the granted time runs out, with back-off after a
 * failure, and Expires: 0 on stop. One Call-ID for the whole life of the binding, CSeq going up
 * (§10.2.4), so the registrar sees refreshes of one binding.
 */
export interface RegistrationOptions {
  registrar: Peer;
  /** The domain of our address of record (`sip:user@domain`); default the registrar's host. */
  domain?: string;
  user: string;
  /** The binding time we ask for, in seconds; the registrar may grant another. */
  expires: number;
}
export interface RegistrationState {
  state: 'registering' | 'registered' | 'failed' | 'unregistered';
  aor: string;
  /** When the registrar's binding runs out (registered only). */
  expiresAt: Date | null;
  /** The registrar's last final answer (a 408 when it did not answer). */
  lastStatus: number | null;
  /** Consecutive failures, for the back-off. */
  failures: number;
}

const maxBackoffMs = 5 * 60_000;
/** Refresh halfway through the granted time, so a lost REGISTER still has time for its retransmissions and one more try. */
const refreshAfterMs = (granted: number) => Math.max(1, granted / 2) * 1000;

export class SipRegistration {
  private readonly callId = `${randomBytes(10).toString('hex')}@sportello`;
  private readonly tag = newTag();
  private seq = 0;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private current: RegistrationState;
  private readonly listeners = new Set<(s: RegistrationState) => void>();

  constructor(
    private readonly transport: SipTransport,
    private readonly o: RegistrationOptions,
    private readonly log: Logger,
  ) {
    this.current = { state: 'unregistered', aor: this.aor, expiresAt: null, lastStatus: null, failures: 0 };
  }

  get aor(): string {
    return `sip:${this.o.user}@${this.o.domain ?? this.o.registrar.address}`;
  }
  get state(): RegistrationState {
    return { ...this.current };
  }

  /** Called on every change of state (tests and the health report wait on it). */
  onChange(listener: (s: RegistrationState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    this.update({ state: 'registering' });
    this.register(this.o.expires);
  }

  /** Removes our binding (Expires: 0); settles on the registrar's answer, or after `waitMs`. */
  async stop(waitMs = 2000): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.current.state !== 'registered') return this.update({ state: 'unregistered', expiresAt: null });
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, waitMs);
      this.register(0, () => {
        clearTimeout(t);
        resolve();
      });
    });
    this.update({ state: 'unregistered', expiresAt: null });
  }

  private register(expires: number, done?: () => void): void {
    const contact = this.transport.contact;
    const req: SipRequest = {
      kind: 'request',
      method: 'REGISTER',
      uri: `sip:${this.o.domain ?? `${this.o.registrar.address}:${this.o.registrar.port}`}`,
      body: '',
      headers: new Map([
        ['via', [this.transport.via(newBranch())]],
        ['max-forwards', ['70']],
        ['from', [`<${this.aor}>;tag=${this.tag}`]],
        ['to', [`<${this.aor}>`]],
        ['call-id', [this.callId]],
        ['cseq', [`${++this.seq} REGISTER`]],
        ['contact', [contact]],
        ['expires', [String(expires)]],
      ]),
    };
    this.transport.request(req, this.o.registrar, (res, sent) => {
      if (res.status < 200) return;
      this.seq = Math.max(this.seq, Number(header(sent.headers, 'cseq')!.split(' ')[0])); // after an authentication retry
      if (done) return done();
      if (this.stopped) return;
      if (res.status < 300) return this.registered(res, contact);
      if (res.status === 423) {
        // Interval Too Brief: ask again at once for at least what the registrar accepts.
        const min = Number(header(res.headers, 'min-expires'));
        if (min > expires) return this.register(min);
      }
      this.failed(res.status);
    });
  }

  private registered(res: SipResponse, contact: string): void {
    // The registrar's grant: the expires of our Contact in the answer, else its Expires header (§10.2.4).
    const ours = (res.headers.get('contact') ?? []).find((c) => uriOf(c) === uriOf(contact));
    const granted = Number(ours && param(ours, 'expires')) || Number(header(res.headers, 'expires')) || this.o.expires;
    const first = this.current.state !== 'registered';
    this.update({ state: 'registered', expiresAt: new Date(Date.now() + granted * 1000), lastStatus: res.status, failures: 0 });
    if (first) this.log.info({ aor: this.aor, registrar: this.o.registrar, expires: granted }, 'SIP registered');
    this.timer = setTimeout(() => this.register(this.o.expires), refreshAfterMs(granted));
    this.timer.unref();
  }

  private failed(status: number): void {
    const failures = this.current.failures + 1;
    const backoff = Math.min(1000 * 2 ** (failures - 1), maxBackoffMs);
    this.update({ state: 'failed', expiresAt: null, lastStatus: status, failures });
    this.log.warn({ aor: this.aor, registrar: this.o.registrar, status, retryInMs: backoff }, 'SIP registration failed');
    this.timer = setTimeout(() => this.register(this.o.expires), backoff);
    this.timer.unref();
  }

  private update(change: Partial<RegistrationState>): void {
    this.current = { ...this.current, ...change };
    for (const l of this.listeners) l(this.state);
  }
}
