import { runMain } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import { runWorkerProcess } from '../platform/worker-process.ts';
import { createTelephonyActivities } from './activities.ts';
import { noDialer } from './dialer.ts';

// The telephony worker: outbound messages and the calls the case workflows ask for.
await runMain(() => runWorkerProcess('telephony', (config, db) => {
  // TELEPHONY_DIALER has one value until the SIP adapter lands.
  createLogger(config, 'telephony').warn({ TELEPHONY_DIALER: config.TELEPHONY_DIALER },
    'no dialer configured: citizens are not called back, each callback goes straight to the written fallback (SMS or e-mail)');
  return { taskQueue: config.TELEPHONY_TASK_QUEUE, activities: createTelephonyActivities({ db, dialer: noDialer }) };
}));
