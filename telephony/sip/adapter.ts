import { type Line, type LineRecord, phoneVariants, priorityOf } from '../../domain/line.ts';
import type { Config } from '../../platform/config.ts';
import type { Db } from '../../db/connection.ts';
import type { Logger } from '../../platform/logger.ts';
import { CallEventRecorder } from '../../services/call-recorder.ts';
import type { Dialer } from '../../domain/dialer.ts';
import { SipCallEvents } from './call-events.ts';
import { SipDialer } from './dialer.ts';
import { type IvrMenu, SipUserAgent } from './user-agent.ts';

export interface SipAdapter {
  ua: SipUserAgent;
  dialer: Dialer;
  recorder: CallEventRecorder;
  stop: () => Promise<void>;
}

/** A line's IVR as the user agent plays it: each key to a queue, or to the office number it transfers to. */
export function ivrOf(line: Line): IvrMenu {
  const options = Object.entries(line.config.ivr.options);
  return {
    menu: line.config.ivr.menu,
    transfers: Object.fromEntries(options.flatMap(([key, o]) => ('transferTo' in o ? [[key, o.transferTo]] : []))),
    queues: Object.fromEntries(options.flatMap(([key, o]) => ('queue' in o ? [[key, o.queue]] : []))),
    priorityOf: (caller) => priorityOf(line, caller),
    fallbackQueue: line.config.queues[0]!.id,
  };
}

const noMenu: IvrMenu = { menu: 'none', transfers: {} };

/**
 * The SIP adapter as the telephony worker runs it: the user agent on SIP_BIND_ADDRESS:SIP_PORT
 * answering the configured lines' numbers with their IVR, its events recorded in PostgreSQL, and
 * a dialer for callbacks through SIP_PBX_ADDRESS; registered at SIP_REGISTRAR when given, answering
 * digest challenges as SIP_USERNAME.
 */
export async function startSipAdapter(
  config: Pick<Config, 'SIP_BIND_ADDRESS' | 'SIP_PORT' | 'SIP_PBX_ADDRESS' | 'SIP_CALLER_ID' | 'SIP_ANSWER_AFTER_MS'> &
    Partial<Pick<Config, 'SIP_TRANSPORT'>> &
    Partial<Pick<Config, 'SIP_USERNAME' | 'SIP_PASSWORD' | 'SIP_REGISTRAR' | 'SIP_REGISTER_EXPIRES'>>,
  db: Db,
  log: Logger,
  lines: LineRecord[],
  recorder = new CallEventRecorder(db, log),
): Promise<SipAdapter> {
  const byNumber = new Map(lines.flatMap((l) => l.numbers.flatMap((n) => phoneVariants(n).map((v) => [v, l] as const))));
  const lineOf = (ourNumber: string) => byNumber.get(phoneVariants(ourNumber)[0]!);
  const menus = new Map(lines.map((l) => [l.id, ivrOf(l)]));
  const [pbxHost, pbxPort] = config.SIP_PBX_ADDRESS?.split(':') ?? [];
  const [registrarHost, registrarPort] = config.SIP_REGISTRAR?.split(':') ?? [];
  const ua = await SipUserAgent.start({
    bind: { address: config.SIP_BIND_ADDRESS, port: config.SIP_PORT },
    pbx: pbxHost ? { address: pbxHost, port: Number(pbxPort) } : null,
    callerId: config.SIP_CALLER_ID,
    ringMs: config.SIP_ANSWER_AFTER_MS,
    ivr: (called) => menus.get(lineOf(called)?.id ?? '') ?? noMenu,
    events: new SipCallEvents(recorder, (n) => lineOf(n)?.municipalityId ?? null),
    log,
    user: config.SIP_USERNAME,
    password: config.SIP_PASSWORD,
    protocol: config.SIP_TRANSPORT,
    registrar: registrarHost
      ? { address: registrarHost, port: Number(registrarPort), expires: config.SIP_REGISTER_EXPIRES ?? 3600 }
      : undefined,
  });
  return {
    ua,
    recorder,
    dialer: new SipDialer(ua),
    stop: async () => {
      await ua.close();
      await recorder.flush();
    },
  };
}
