import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCaseActivities } from '../../activities/case-activities.ts';
import { workflowsPath } from '../../platform/paths.ts';
import { addSearchAttributes } from '../../platform/temporal-dev-server.ts';
import { resolveTemporalTestServer } from '../../platform/tools.ts';
import { seedDemoReferenceData } from '../../scripts/seed.ts';
import { createTelephonyActivities } from '../../telephony/activities.ts';
import type { caseWorkflow } from '../../workflows/case.ts';
import { openedUpdate, resolveUpdate } from '../../workflows/case.definitions.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { demoDefinition } from '../helpers/definitions.ts';
import { installQuietRuntime } from '../helpers/temporal.ts';

// The time-skipping server, found as `npm test` installs it; later lifecycle stages (SLA timers,
// reminders, survey deadlines) are tested on it. Here: the case lifecycle runs on it unchanged.
let env: TestWorkflowEnvironment;
let t: TestDatabase;
beforeAll(async () => {
  installQuietRuntime();
  t = await createTestDatabase();
  await seedDemoReferenceData(t.db);
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: resolveTemporalTestServer() } },
  });
  await addSearchAttributes(env.connection, env.namespace ?? 'default');
});
afterAll(async () => {
  await env?.teardown();
  await t?.drop();
});

it('runs a case from opening to closure on the time-skipping server', async () => {
  const caseWorker = await Worker.create({
    connection: env.nativeConnection, taskQueue: 'cases', workflowsPath, activities: createCaseActivities({ db: t.db }),
  });
  const telephonyWorker = await Worker.create({
    connection: env.nativeConnection, taskQueue: 'telephony', activities: createTelephonyActivities({ db: t.db }),
  });
  const caseId = 'C-2026-700001';
  const result = await caseWorker.runUntil(telephonyWorker.runUntil(async () => {
    const handle = await env.client.workflow.start<typeof caseWorkflow>('caseWorkflow', {
      workflowId: caseId, taskQueue: 'cases',
      args: [{
        caseId, actor: null, telephonyTaskQueue: 'telephony', definition: demoDefinition('pothole-report'),
        intake: {
          municipalityId: 'milano', serviceCode: 'pothole-report', channel: 'web', subject: 'Buca in viale Monza', description: '',
          citizen: { phone: '+390212345678' }, details: { address: 'Viale Monza 200', danger: false },
        },
      }],
    });
    await handle.executeUpdate(openedUpdate);
    await handle.executeUpdate(resolveUpdate, { args: [{ outcome: 'resolved', actor: 'paolo.supervisore' }] });
    return handle.result();
  }));
  expect(result).toMatchObject({ caseId, status: 'resolved', lastSeq: 3 });
  const types = await t.db.selectFrom('case_events').select('type').where('case_id', '=', caseId).orderBy('seq').execute();
  expect(types.map((e) => e.type)).toEqual(['case.opened', 'case.resolved', 'citizen.notified']);
});
