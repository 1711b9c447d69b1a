import { allLines } from '../api/db/lines.repository.ts';
import { runMain } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import { connectClient } from '../platform/temporal.ts';
import { runWorkerProcess } from '../platform/worker-process.ts';
import { createTelephonyActivities } from './activities.ts';
import { noDialer } from './dialer.ts';
import { createIngestion } from './ingestion.ts';
import { startSipAdapter } from './sip/adapter.ts';

// The telephony worker: outbound messages and the calls the workflows ask for; with SIP, also the
// user agent answering the lines and the ingestion turning its call events into workflows.
await runMain(() => runWorkerProcess('telephony', async (config, db) => {
  const log = createLogger(config, 'telephony');
  if (config.TELEPHONY_DIALER === 'none') {
    log.warn({ TELEPHONY_DIALER: config.TELEPHONY_DIALER },
      'no dialer configured: citizens are not called back, each callback goes straight to the written fallback (SMS or e-mail)');
    return { taskQueue: config.TELEPHONY_TASK_QUEUE, activities: createTelephonyActivities({ db, dialer: noDialer }) };
  }
  const lines = await allLines(db);
  const temporal = await connectClient(config, config.TEMPORAL_ADDRESS!);
  const sip = await startSipAdapter(config, db, log, lines);
  sip.recorder.onRecorded = createIngestion({
    db, temporal, log, taskQueue: config.CASE_TASK_QUEUE, telephonyTaskQueue: config.TELEPHONY_TASK_QUEUE,
    updateTimeoutMs: config.CASE_UPDATE_TIMEOUT_SECONDS * 1000,
  });
  log.info({ address: sip.ua.address, lines: lines.map((l) => `${l.id} (${l.numbers.join(', ')})`) }, 'SIP user agent answering');
  return {
    taskQueue: config.TELEPHONY_TASK_QUEUE,
    activities: createTelephonyActivities({ db, dialer: sip.dialer }),
    stop: async () => { await sip.stop(); await temporal.connection.close(); },
  };
}));
