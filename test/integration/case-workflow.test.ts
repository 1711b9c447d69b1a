import { WithStartWorkflowOperation, WorkflowUpdateFailedError } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseIntake } from '../../domain/case.ts';
import { workflowsPath } from '../../platform/paths.ts';
import { seedDemoReferenceData } from '../../scripts/seed.ts';
import type { caseWorkflow } from '../../workflows/case.ts';
import {
  type CaseWorkflowInput, caseWorkflowType, openedUpdate, resolveUpdate, snapshotQuery,
} from '../../workflows/case.definitions.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { demoDefinition } from '../helpers/definitions.ts';
import { startTestWorkers, type TestWorkers } from '../helpers/temporal.ts';

let t: TestDatabase;
let w: TestWorkers;
beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemoReferenceData(t.db);
  w = await startTestWorkers(t.db);
});
afterAll(async () => {
  await w?.stop();
  await t?.drop();
});

const intake: CaseIntake = {
  municipalityId: 'firenze', serviceCode: 'change-of-residence', channel: 'counter', subject: 'Cambio di residenza',
  description: 'Trasferimento da Prato', citizen: { name: 'Chiara Neri', email: 'chiara.neri@example.org' },
  details: { newAddress: 'Via dei Neri 10, Firenze', moveDate: '2026-11-02' },
};
const definition = demoDefinition('change-of-residence');

let counter = 0;
async function openCase(citizen: CaseIntake['citizen'] = intake.citizen) {
  const caseId = `C-2026-9${String(++counter).padStart(5, '0')}-${Date.now() % 100000}`;
  const input: CaseWorkflowInput = { caseId, intake: { ...intake, citizen }, definition, actor: 'lorenzo.operatore', telephonyTaskQueue: w.telephonyTaskQueue };
  const snapshot = await w.client.workflow.executeUpdateWithStart(openedUpdate, {
    startWorkflowOperation: new WithStartWorkflowOperation<typeof caseWorkflow>(caseWorkflowType, {
      workflowId: caseId, taskQueue: w.taskQueue, args: [input], workflowIdConflictPolicy: 'USE_EXISTING',
    }),
  });
  return { caseId, snapshot, handle: w.client.workflow.getHandle<typeof caseWorkflow>(caseId) };
}

describe('case workflow', () => {
  it('answers the opening update only once the case is in the read model', async () => {
    const { caseId, snapshot } = await openCase();
    expect(snapshot).toMatchObject({ caseId, status: 'open', stage: 'intake', lastSeq: 1 });
    const row = await t.db.selectFrom('cases').select(['status', 'last_seq', 'municipality_id']).where('id', '=', caseId).executeTakeFirst();
    expect(row).toEqual({ status: 'open', last_seq: 1, municipality_id: 'firenze' });
  });

  it('resolves through an update, informs the citizen and closes, recording every step in order', async () => {
    const { caseId, handle } = await openCase();
    const resolved = await handle.executeUpdate(resolveUpdate, { args: [{ outcome: 'resolved', note: 'Pratica completata', actor: 'sara.anagrafe' }] });
    expect(resolved).toMatchObject({ status: 'resolved', outcome: 'resolved', lastSeq: 2 });
    // The update answered after its write: the read model already shows it.
    const row = await t.db.selectFrom('cases').select(['status', 'outcome']).where('id', '=', caseId).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'resolved', outcome: 'resolved' });

    expect(await handle.result()).toMatchObject({ status: 'resolved', lastSeq: 3 });
    const events = await t.db.selectFrom('case_events').select(['seq', 'type', 'actor', 'data']).where('case_id', '=', caseId).orderBy('seq').execute();
    expect(events).toEqual([
      { seq: 1, type: 'case.opened', actor: 'lorenzo.operatore', data: { channel: 'counter' } },
      { seq: 2, type: 'case.resolved', actor: 'sara.anagrafe', data: { outcome: 'resolved', note: 'Pratica completata' } },
      { seq: 3, type: 'citizen.notified', actor: null, data: { channel: 'email', recipient: 'chiara.neri@example.org' } },
    ]);
    const outbox = await t.db.selectFrom('outbound_messages').select(['channel', 'recipient', 'body']).where('case_id', '=', caseId).execute();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ channel: 'email', recipient: 'chiara.neri@example.org' });
    expect(outbox[0]!.body).toContain(caseId);
  });

  it('records that a citizen without contacts could not be informed', async () => {
    const { caseId, handle } = await openCase({});
    await handle.executeUpdate(resolveUpdate, { args: [{ outcome: 'withdrawn', actor: null }] });
    await handle.result();
    const last = await t.db.selectFrom('case_events').select(['type']).where('case_id', '=', caseId).where('seq', '=', 3).executeTakeFirstOrThrow();
    expect(last.type).toBe('citizen.not_notified');
  });

  it('rejects a second resolution and an unknown outcome in the validator, changing nothing', async () => {
    const { caseId, handle } = await openCase();
    await expect(handle.executeUpdate(resolveUpdate, { args: [{ outcome: 'approved' as never, actor: null }] }))
      .rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    expect((await handle.query(snapshotQuery)).status).toBe('open');

    const [first, second] = await Promise.allSettled([
      handle.executeUpdate(resolveUpdate, { args: [{ outcome: 'rejected', actor: null }] }),
      handle.executeUpdate(resolveUpdate, { args: [{ outcome: 'resolved', actor: null }] }),
    ]);
    expect([first.status, second.status].sort()).toEqual(['fulfilled', 'rejected']);
    const rejection = (first.status === 'rejected' ? first : second) as PromiseRejectedResult;
    expect(rejection.reason).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(String(rejection.reason.cause?.message)).toMatch(/already resolved/);
    const resolutions = await t.db.selectFrom('case_events').select(['seq']).where('case_id', '=', caseId).where('type', '=', 'case.resolved').execute();
    expect(resolutions).toHaveLength(1);
  });

  it('a repeated opening joins the running case instead of starting another', async () => {
    const { caseId } = await openCase();
    const again = await w.client.workflow.executeUpdateWithStart(openedUpdate, {
      startWorkflowOperation: new WithStartWorkflowOperation<typeof caseWorkflow>(caseWorkflowType, {
        workflowId: caseId, taskQueue: w.taskQueue, workflowIdConflictPolicy: 'USE_EXISTING',
        args: [{ caseId, intake, definition, actor: null, telephonyTaskQueue: w.telephonyTaskQueue }],
      }),
    });
    expect(again.lastSeq).toBe(1);
    const runs = await w.client.workflow.count(`WorkflowId = '${caseId}'`);
    expect(runs.count).toBe(1);
  });

  it('replays its recorded history deterministically', async () => {
    const { handle } = await openCase();
    await handle.executeUpdate(resolveUpdate, { args: [{ outcome: 'redirected', actor: null }] });
    await handle.result();
    const history = await handle.fetchHistory();
    await expect(Worker.runReplayHistory({ workflowsPath }, history, handle.workflowId)).resolves.toBeUndefined();
  });
});
