import { runMain } from '../platform/config.ts';
import { runWorkerProcess } from '../platform/worker-process.ts';
import { createTelephonyActivities } from './activities.ts';

// The telephony worker: outbound actions the case workflows ask for (messages now; calls with the SIP adapter).
await runMain(() => runWorkerProcess('telephony', (config, db) => ({
  taskQueue: config.TELEPHONY_TASK_QUEUE,
  activities: createTelephonyActivities({ db }),
})));
