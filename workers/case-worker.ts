import { requireExternalServices, runMain } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import { workflowsPath } from '../platform/paths.ts';
import { runWorkerProcess } from './worker-process.ts';
import { createCaseActivities } from '../activities/case-activities.ts';
import { citizenLinkKeys } from '../platform/citizen-link-secret.ts';
import { connectClient } from '../platform/temporal.ts';
import { payloadMasterKey } from '../platform/payload-master-key.ts';
import { dataConverter } from '../services/payload-codec.ts';
import { ensureRetentionSchedule } from '../services/retention-schedule.ts';

// The case worker: every case workflow, the nightly retention, and the activities that write the read model.
await runMain(() =>
  runWorkerProcess('case-worker', async (config, db) => {
    const client = await connectClient(
      config,
      requireExternalServices(config).TEMPORAL_ADDRESS,
      dataConverter(db, payloadMasterKey(config)),
    );
    try {
      await ensureRetentionSchedule(client, config.CASE_TASK_QUEUE);
    } catch (err) {
      // Cases matter more than the nightly retention: the worker runs on, and tries again at its next start.
      createLogger(config, 'case-worker').error({ err }, 'the retention schedule could not be created; retention will not run');
    } finally {
      await client.connection.close();
    }
    return {
      taskQueue: config.CASE_TASK_QUEUE,
      workflowsPath,
      activities: createCaseActivities({ db, citizenLinks: citizenLinkKeys(config) }),
    };
  }),
);
