import type { Config } from '../../platform/config.ts';
import type { Db } from '../../platform/db.ts';
import type { Logger } from '../../platform/logger.ts';
import { CallEventRecorder } from '../call-recorder.ts';
import type { Dialer } from '../dialer.ts';
import { SipCallEvents } from './call-events.ts';
import { SipDialer } from './dialer.ts';
import { SipUserAgent, type SipUserAgentOptions } from './user-agent.ts';

export interface SipAdapter { ua: SipUserAgent; dialer: Dialer; recorder: CallEventRecorder; stop: () => Promise<void> }

/**
 * The SIP adapter as the telephony worker will run it: the user agent on SIP_BIND_ADDRESS:SIP_PORT,
 * its events recorded in PostgreSQL, and a dialer for callbacks through SIP_PBX_ADDRESS. Lines
 * (number → municipality) and the IVR come from the caller until lines are configured per municipality.
 */
export async function startSipAdapter(
  config: Pick<Config, 'SIP_BIND_ADDRESS' | 'SIP_PORT' | 'SIP_PBX_ADDRESS' | 'SIP_CALLER_ID' | 'SIP_ANSWER_AFTER_MS'>,
  db: Db,
  log: Logger,
  lines: { lineOf: (ourNumber: string) => string | null; ivr: SipUserAgentOptions['ivr'] },
): Promise<SipAdapter> {
  const recorder = new CallEventRecorder(db, log);
  const [pbxHost, pbxPort] = config.SIP_PBX_ADDRESS?.split(':') ?? [];
  const ua = await SipUserAgent.start({
    bind: { address: config.SIP_BIND_ADDRESS, port: config.SIP_PORT },
    pbx: pbxHost ? { address: pbxHost, port: Number(pbxPort) } : null,
    callerId: config.SIP_CALLER_ID,
    ringMs: config.SIP_ANSWER_AFTER_MS,
    ivr: lines.ivr,
    events: new SipCallEvents(recorder, lines.lineOf),
    log,
  });
  return {
    ua, recorder, dialer: new SipDialer(ua),
    stop: async () => { await ua.close(); await recorder.flush(); },
  };
}
