import { runMain } from '../platform/config.ts';
import { workflowsPath } from '../platform/paths.ts';
import { runWorkerProcess } from './worker-process.ts';
import { createCaseActivities } from '../activities/case-activities.ts';

// The case worker: every case workflow and the activities that write the read model.
await runMain(() =>
  runWorkerProcess('case-worker', (config, db) => ({
    taskQueue: config.CASE_TASK_QUEUE,
    workflowsPath,
    activities: createCaseActivities({ db }),
  })),
);
