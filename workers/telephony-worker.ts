import { allLines } from '../db/lines.repository.ts';
import { runMain } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import { connectClient } from '../platform/temporal.ts';
import { payloadMasterKey } from '../platform/payload-master-key.ts';
import { dataConverter } from '../services/payload-codec.ts';
import { runWorkerProcess } from './worker-process.ts';
import { createTelephonyActivities } from '../activities/telephony-activities.ts';
import { citizenLinkKeys, workflowIdKey } from '../platform/citizen-link-secret.ts';
import { CallEventRecorder } from '../services/call-recorder.ts';
import { noDialer } from '../domain/dialer.ts';
import { createIngestion } from '../services/call-ingestion.ts';
import { startSipAdapter } from '../telephony/sip/adapter.ts';
import { startAriAdapter } from '../telephony/ari/adapter.ts';

const catchUpEveryMs = 60_000;

// The telephony worker: outbound messages and the calls the workflows ask for; with SIP, also the
// user agent answering the lines; with ARI, the Stasis application on Asterisk doing the same. In both cases it acts on the call events recorded but not yet
// acted on (after a crash, or a webhook's event whose workflow could not be started).
await runMain(() =>
  runWorkerProcess('telephony', async (config, db) => {
    const log = createLogger(config, 'telephony');
    const temporal = await connectClient(config, config.TEMPORAL_ADDRESS!, dataConverter(db, payloadMasterKey(config)));
    const ingest = createIngestion({
      db,
      temporal,
      log,
      taskQueue: config.CASE_TASK_QUEUE,
      telephonyTaskQueue: config.TELEPHONY_TASK_QUEUE,
      updateTimeoutMs: config.CASE_UPDATE_TIMEOUT_SECONDS * 1000,
      workflowIdKey: workflowIdKey(citizenLinkKeys(config).secret),
    });
    const sip = config.TELEPHONY_DIALER === 'sip' ? await startSipAdapter(config, db, log, await allLines(db)) : null;
    const ari = config.TELEPHONY_DIALER === 'ari' ? await startAriAdapter(config, db, log, await allLines(db)) : null;
    const recorder = sip?.recorder ?? ari?.recorder ?? new CallEventRecorder(db, log);
    recorder.onRecorded = ingest;
    const catchUp = () =>
      recorder
        .catchUp()
        .then((n) => {
          if (n > 0) log.info({ events: n }, 'acted on call events left over');
        })
        .catch((err: unknown) => log.error({ err }, 'call events catch-up failed'));
    await catchUp();
    const timer = setInterval(() => void catchUp(), catchUpEveryMs);
    if (sip) {
      log.info({ address: sip.ua.address }, 'SIP user agent answering');
    } else if (ari) {
      log.info({ url: config.ARI_URL, app: config.ARI_APP }, 'Asterisk ARI Stasis application running');
    } else {
      log.warn(
        { TELEPHONY_DIALER: config.TELEPHONY_DIALER },
        'no dialer configured: citizens are not called back, each callback goes straight to the written fallback (SMS or e-mail)',
      );
    }
    return {
      taskQueue: config.TELEPHONY_TASK_QUEUE,
      activities: createTelephonyActivities({ db, dialer: sip?.dialer ?? ari?.app ?? noDialer, citizenLinks: citizenLinkKeys(config) }),
      stop: async () => {
        clearInterval(timer);
        await sip?.stop();
        await ari?.stop();
        await temporal.connection.close();
      },
    };
  }),
);
