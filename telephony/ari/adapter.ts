import type { LineRecord } from '../../domain/line.ts';
import type { Config } from '../../platform/config.ts';
import type { Db } from '../../db/connection.ts';
import type { Logger } from '../../platform/logger.ts';
import { CallEventRecorder } from '../../services/call-recorder.ts';
import { phoneVariants } from '../../domain/line.ts';
import { SipCallEvents } from '../sip/call-events.ts';
import { StasisApp } from './stasis-app.ts';

export interface AriAdapter {
  app: StasisApp;
  recorder: CallEventRecorder;
  stop: () => Promise<void>;
}

export type AriConfig = Pick<
  Config,
  | 'ARI_URL'
  | 'ARI_USERNAME'
  | 'ARI_PASSWORD'
  | 'ARI_APP'
  | 'ARI_ENDPOINT_TEMPLATE'
  | 'ARI_AGENT_ENDPOINT_TEMPLATE'
  | 'ARI_CALLER_ID'
  | 'ARI_IVR_PROMPT'
  | 'ARI_TRANSFER_CONTEXT'
  | 'ARI_MOH_CLASS'
  | 'ARI_AGENT_RING_SECONDS'
>;

/**
 * The Asterisk ARI adapter as the telephony worker runs it: the Stasis application ARI_APP on
 * ARI_URL answering the configured lines' numbers with their IVR, its events recorded in
 * PostgreSQL; it is the Dialer for callbacks and the CallControl of its queued callers. Resolves
 * once the first connection attempt is over: an Asterisk not yet up is retried in the background.
 */
export async function startAriAdapter(
  config: AriConfig,
  db: Db,
  log: Logger,
  lines: LineRecord[],
  recorder = new CallEventRecorder(db, log),
): Promise<AriAdapter> {
  const municipalityOf = new Map(
    lines.flatMap((l) => l.numbers.flatMap((n) => phoneVariants(n).map((v) => [v, l.municipalityId] as const))),
  );
  const app = new StasisApp({
    url: config.ARI_URL!,
    username: config.ARI_USERNAME!,
    password: config.ARI_PASSWORD!,
    app: config.ARI_APP,
    endpointTemplate: config.ARI_ENDPOINT_TEMPLATE,
    agentEndpointTemplate: config.ARI_AGENT_ENDPOINT_TEMPLATE,
    callerId: config.ARI_CALLER_ID,
    promptMedia: config.ARI_IVR_PROMPT,
    transferContext: config.ARI_TRANSFER_CONTEXT,
    mohClass: config.ARI_MOH_CLASS,
    agentRingSeconds: config.ARI_AGENT_RING_SECONDS,
    lines,
    events: new SipCallEvents(recorder, (n) => municipalityOf.get(phoneVariants(n)[0] ?? '') ?? null),
    log,
  });
  await app.start();
  return {
    app,
    recorder,
    stop: async () => {
      await app.stop();
      await recorder.flush();
    },
  };
}
