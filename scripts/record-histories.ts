import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection, WithStartWorkflowOperation } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createCaseActivities } from '../activities/case-activities.ts';
import { migrateToLatest } from '../migrations/migrate.ts';
import { createDb } from '../platform/db.ts';
import { startEmbeddedPostgres, tempDirForServer } from '../platform/embedded-postgres.ts';
import { projectRoot, workflowsPath } from '../platform/paths.ts';
import { startTemporalDevServer } from '../platform/temporal-dev-server.ts';
import { resolveTemporalCli } from '../platform/tools.ts';
import { createTelephonyActivities } from '../telephony/activities.ts';
import type { caseWorkflow } from '../workflows/case.ts';
import { type CaseWorkflowInput, caseWorkflowType, openedUpdate, resolveUpdate } from '../workflows/case.definitions.ts';
import { demoDefinitions } from '../catalog/definitions.ts';
import { ServiceDefinitionSchema } from '../domain/service-definition.ts';
import { seedDemoReferenceData } from './seed.ts';

/**
 * `npm run fixtures:record`: runs each path of the case workflow with the current code against
 * throw-away servers and saves the histories under test/fixtures/histories/. The replay test runs
 * every saved history against the code of the day, so a change that would break cases already
 * running fails the suite. Record new paths; never re-record old ones (they stand for running cases).
 */
const only = process.argv.slice(2);
const outDir = path.join(projectRoot, 'test', 'fixtures', 'histories');
const tmp = tempDirForServer('sportello-record-');
Runtime.install({ logger: new DefaultLogger('WARN') });

const pg = await startEmbeddedPostgres({ dir: path.join(tmp, 'pg'), port: 54329, database: 'record', log: () => {} });
const temporal = await startTemporalDevServer({ cli: resolveTemporalCli(undefined), port: 17233, uiPort: 18233, namespace: 'default', log: () => {} });
const db = createDb({ DATABASE_POOL_MAX: 4 }, pg.url);
try {
  await migrateToLatest(db);
  await seedDemoReferenceData(db);
  const native = await NativeConnection.connect({ address: temporal.address });
  const workers = [
    await Worker.create({ connection: native, taskQueue: 'cases', workflowsPath, activities: createCaseActivities({ db }) }),
    await Worker.create({ connection: native, taskQueue: 'telephony', activities: createTelephonyActivities({ db }) }),
  ];
  const running = Promise.all(workers.map((w) => w.run()));
  const client = new Client({ connection: await Connection.connect({ address: temporal.address }) });
  const definition = { version: 1, document: ServiceDefinitionSchema.parse(demoDefinitions.find((d) => d.service.code === 'general-information')) };

  const open = async (caseId: string) => {
    const input: CaseWorkflowInput = {
      caseId, definition, actor: 'giulia.operatrice', telephonyTaskQueue: 'telephony',
      intake: { municipalityId: 'milano', serviceCode: 'general-information', channel: 'phone', subject: 'Orari anagrafe', description: '', citizen: { phone: '+393330000001' }, details: { topic: 'orari' } },
    };
    await client.workflow.executeUpdateWithStart(openedUpdate, {
      startWorkflowOperation: new WithStartWorkflowOperation<typeof caseWorkflow>(caseWorkflowType, { workflowId: caseId, taskQueue: 'cases', args: [input], workflowIdConflictPolicy: 'USE_EXISTING' }),
    });
    return client.workflow.getHandle<typeof caseWorkflow>(caseId);
  };
  const paths: Record<string, () => Promise<string>> = {
    // A case opened and still waiting when the code changed.
    'foundation-open': async () => (await open('C-2026-000001')).workflowId,
    // A case opened, resolved and closed.
    'foundation-resolved': async () => {
      const handle = await open('C-2026-000002');
      await handle.executeUpdate(resolveUpdate, { args: [{ outcome: 'resolved', note: 'Risposto al telefono', actor: 'giulia.operatrice' }] });
      await handle.result();
      return handle.workflowId;
    },
  };
  mkdirSync(outDir, { recursive: true });
  for (const [name, run] of Object.entries(paths)) {
    if (only.length > 0 && !only.includes(name)) continue;
    const id = await run();
    const history = await client.workflow.getHandle(id).fetchHistory();
    writeFileSync(path.join(outDir, `${name}.json`), `${JSON.stringify(JSON.parse(historyToJSON(history)), null, 1)}\n`);
    console.log(`recorded ${name} (${history.events?.length} events)`);
  }
  for (const w of workers) w.shutdown();
  await running;
  await client.connection.close();
  await native.close();
} finally {
  await db.destroy();
  await temporal.stop();
  await pg.stop();
  rmSync(tmp, { recursive: true, force: true });
}
