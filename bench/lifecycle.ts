import { fileURLToPath } from 'node:url';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { demoDefinitions } from '../catalog/definitions.ts';
import { ServiceDefinitionSchema } from '../domain/service-definition.ts';
import { withThrowawayPlatform } from '../scripts/throwaway-platform.ts';
import type { caseWorkflow } from '../workflows/case.ts';
import {
  caseWorkflowType,
  claimTaskUpdate,
  completeTaskUpdate,
  openedUpdate,
  surveyAnswerSignal,
  transferUpdate,
} from '../workflows/case.definitions.ts';
import { doneSignal, helloUpdate, type helloWorkflow } from './hello.workflow.ts';

/**
 * `npm run bench:lifecycle [cases] [concurrency]`: N cases driven from intake to closure through
 * the office stage against the dev server, with the same client round trips against a workflow
 * that does nothing, so our overhead over bare Temporal reads as a ratio. Real PostgreSQL,
 * real Temporal, workers in this process; everything on 127.0.0.1.
 */
const cases = Number(process.argv[2] ?? 200);
const concurrency = Number(process.argv[3] ?? 20);

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const timed = async <T>(into: number[], fn: () => Promise<T>) => {
  const t0 = performance.now();
  const r = await fn();
  into.push(performance.now() - t0);
  return r;
};
async function pool(n: number, run: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await run(next++);
    }),
  );
}

const helloWorker = { taskQueue: 'hello', workflowsPath: fileURLToPath(new URL('./hello.workflow.ts', import.meta.url)) };
await withThrowawayPlatform(
  { postgres: 54339, temporal: 17243, temporalUi: 18243 },
  async ({ client }) => {
    // The demo's callback window (weekdays 09:00–19:00) would leave every case waiting for the
    // next morning outside it: the bench's own copy may call at any hour, so it runs at any hour.
    const demo = ServiceDefinitionSchema.parse(demoDefinitions.find((d) => d.service.code === 'tari-refund'));
    const anyHour = { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const, from: '00:00', to: '23:59' };
    const definition = {
      version: 1,
      document: ServiceDefinitionSchema.parse({ ...demo, callback: { ...demo.callback, window: { ...anyHour, days: [...anyHour.days] } } }),
    };
    const operator = { id: 'bench.operator', role: 'operator' as const, officeId: null };
    const clerk = { id: 'bench.clerk', role: 'backoffice' as const, officeId: 'mi-tributi' };

    const measure = async (label: string, one: (i: number, intake: number[], updates: number[]) => Promise<void>) => {
      const intake: number[] = [];
      const updates: number[] = [];
      const t0 = performance.now();
      await pool(cases, (i) => one(i, intake, updates));
      const seconds = (performance.now() - t0) / 1000;
      return {
        label,
        perSecond: cases / seconds,
        intake50: quantile(intake, 0.5),
        intake99: quantile(intake, 0.99),
        update50: quantile(updates, 0.5),
        update99: quantile(updates, 0.99),
      };
    };

    const hello = await measure('bare hello workflow', async (i, intake, updates) => {
      const workflowId = `hello-${i}`;
      await timed(intake, () =>
        client.workflow.executeUpdateWithStart(helloUpdate, {
          args: ['intake'],
          startWorkflowOperation: new WithStartWorkflowOperation<typeof helloWorkflow>('helloWorkflow', {
            workflowId,
            taskQueue: 'hello',
            workflowIdConflictPolicy: 'USE_EXISTING',
          }),
        }),
      );
      const handle = client.workflow.getHandle(workflowId);
      for (const step of ['transfer', 'claim', 'complete']) await timed(updates, () => handle.executeUpdate(helloUpdate, { args: [step] }));
      await handle.signal(doneSignal);
      await handle.result();
    });

    const lifecycle = await measure('case lifecycle', async (i, intake, updates) => {
      const caseId = `C-2026-${String(500000 + i)}`;
      await timed(intake, () =>
        client.workflow.executeUpdateWithStart(openedUpdate, {
          startWorkflowOperation: new WithStartWorkflowOperation<typeof caseWorkflow>(caseWorkflowType, {
            workflowId: caseId,
            taskQueue: 'cases',
            workflowIdConflictPolicy: 'USE_EXISTING',
            args: [
              {
                caseId,
                definition,
                actor: operator,
                telephonyTaskQueue: 'telephony',
                intake: {
                  municipalityId: 'milano',
                  serviceCode: 'tari-refund',
                  channel: 'phone',
                  subject: 'Rimborso TARI',
                  description: '',
                  citizen: { phone: '+393330000000' },
                  details: { taxYear: 2025, taxpayerFiscalCode: 'RSSMRA85T10A562S' },
                },
              },
            ],
          }),
        }),
      );
      const handle = client.workflow.getHandle<typeof caseWorkflow>(caseId);
      await timed(updates, () => handle.executeUpdate(transferUpdate, { args: [{ actor: operator }] }));
      await timed(updates, () => handle.executeUpdate(claimTaskUpdate, { args: [{ actor: clerk }] }));
      await timed(updates, () =>
        handle.executeUpdate(completeTaskUpdate, { args: [{ actor: clerk, answer: 'Rimborso disposto', outcome: 'resolved' }] }),
      );
      await handle.signal(surveyAnswerSignal, { answers: { satisfaction: 5 } });
      await handle.result();
    });

    const f = (ms: number) => `${ms.toFixed(1)} ms`;
    console.log(`\n${cases} cases, ${concurrency} at a time, dev server and embedded PostgreSQL on 127.0.0.1, workers in-process\n`);
    console.log('| run | cases/s | intake p50 | intake p99 | update p50 | update p99 |');
    console.log('| --- | --- | --- | --- | --- | --- |');
    for (const r of [hello, lifecycle]) {
      console.log(`| ${r.label} | ${r.perSecond.toFixed(1)} | ${f(r.intake50)} | ${f(r.intake99)} | ${f(r.update50)} | ${f(r.update99)} |`);
    }
    console.log(
      `| ratio (lifecycle / hello) | ${(lifecycle.perSecond / hello.perSecond).toFixed(2)}× the bare workflow | ${(lifecycle.intake50 / hello.intake50).toFixed(2)}× | ${(lifecycle.intake99 / hello.intake99).toFixed(2)}× | ${(lifecycle.update50 / hello.update50).toFixed(2)}× | ${(lifecycle.update99 / hello.update99).toFixed(2)}× |`,
    );
  },
  [helloWorker],
);
