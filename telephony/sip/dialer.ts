import type { CallOutcome, Dialer, DialOptions } from '../../domain/dialer.ts';
import type { SipUserAgent } from './user-agent.ts';

const dialable = /^\+?[0-9]{3,20}$/;

/** Callbacks as SIP calls through the PBX: a number that cannot be dialled fails without a call. */
export class SipDialer implements Dialer {
  constructor(private readonly ua: SipUserAgent) {}

  async call(to: string, opts: DialOptions): Promise<CallOutcome> {
    if (!dialable.test(to)) return 'failed';
    return this.ua.originate(to, opts);
  }
}
