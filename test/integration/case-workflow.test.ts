import { WithStartWorkflowOperation, WorkflowUpdateFailedError } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseIntake } from '../../domain/case.ts';
import { seedDemoReferenceData } from '../../scripts/seed.ts';
import type { caseWorkflow } from '../../workflows/case.ts';
import {
  type CaseWorkflowInput,
  caseWorkflowType,
  openedUpdate,
  resolveUpdate,
  snapshotQuery,
  surveyAnswerSignal,
  transferUpdate,
} from '../../workflows/case.definitions.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { demoDefinition } from '../helpers/definitions.ts';
import { startTestWorkers, type TestWorkers, workflowBundle } from '../helpers/temporal.ts';

// Paths without timers run on the dev server; timers are tested on the time-skipping server.
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
  municipalityId: 'firenze',
  serviceCode: 'general-information',
  channel: 'counter',
  subject: 'Orari dell’anagrafe',
  description: 'Chiede gli orari di apertura del sabato',
  citizen: { name: 'Chiara Neri', email: 'chiara.neri@example.org' },
  details: { topic: 'orari anagrafe' },
};

let counter = 0;
const lorenzo = { id: 'lorenzo.operatore', role: 'operator' as const, officeId: null };
async function openCase(overrides: Partial<CaseIntake> = {}) {
  const caseId = `C-2026-${String(900000 + ++counter)}`;
  const caseIntake = { ...intake, ...overrides };
  const input: CaseWorkflowInput = {
    caseId,
    intake: caseIntake,
    definition: demoDefinition(caseIntake.serviceCode),
    actor: lorenzo,
    telephonyTaskQueue: w.telephonyTaskQueue,
  };
  const snapshot = await w.client.workflow.executeUpdateWithStart(openedUpdate, {
    startWorkflowOperation: new WithStartWorkflowOperation<typeof caseWorkflow>(caseWorkflowType, {
      workflowId: caseId,
      taskQueue: w.taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
    }),
  });
  return { caseId, input, snapshot, handle: w.client.workflow.getHandle<typeof caseWorkflow>(caseId) };
}
const eventsOf = (caseId: string) =>
  t.db.selectFrom('case_events').select(['seq', 'type', 'actor', 'data', 'stage']).where('case_id', '=', caseId).orderBy('seq').execute();
const rejection = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => {
      expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
      return String((err as WorkflowUpdateFailedError).cause?.message);
    },
  );

describe('case workflow', () => {
  it('answers the opening update only once the case is in the read model and the citizen acknowledged', async () => {
    const { caseId, snapshot } = await openCase();
    expect(snapshot).toMatchObject({ caseId, status: 'open', stage: 'intake', lastSeq: 2, definitionVersion: 1, task: null });
    const row = await t.db
      .selectFrom('cases')
      .select(['status', 'last_seq', 'municipality_id', 'definition_version'])
      .where('id', '=', caseId)
      .executeTakeFirst();
    expect(row).toEqual({ status: 'open', last_seq: 2, municipality_id: 'firenze', definition_version: 1 });
    // The acknowledgement: by e-mail, with the case number and the link to the citizen's page.
    expect((await eventsOf(caseId))[1]).toEqual({
      seq: 2,
      type: 'citizen.acknowledged',
      actor: null,
      stage: 'intake',
      data: { channel: 'email', recipient: 'chiara.neri@example.org' },
    });
    const ack = await t.db
      .selectFrom('outbound_messages')
      .select(['dedup_key', 'event', 'subject', 'body'])
      .where('case_id', '=', caseId)
      .executeTakeFirstOrThrow();
    expect(ack).toMatchObject({
      dedup_key: `${caseId}:acknowledgement`,
      event: 'case.acknowledged',
      subject: `Richiesta ${caseId}: ricevuta`,
    });
    expect(ack.body).toContain(`abbiamo ricevuto la sua richiesta ${caseId}`);
    expect(ack.body).toMatch(/Segua la richiesta: http:\/\/127\.0\.0\.1:3000\/c\/[A-Za-z0-9_-]{40,}$/);
  });

  it('closes at the first level: informs the citizen, sends the survey, records the answer, in order', async () => {
    const { caseId, handle } = await openCase();
    const resolved = await handle.executeUpdate(resolveUpdate, {
      args: [{ outcome: 'resolved', note: 'Sabato 8:30-12:30', actor: lorenzo }],
    });
    expect(resolved).toMatchObject({ status: 'resolved', stage: 'resolved', outcome: 'resolved', lastSeq: 3 });
    // The update answered after its write: the read model already shows it.
    expect(await t.db.selectFrom('cases').select(['status', 'outcome']).where('id', '=', caseId).executeTakeFirstOrThrow()).toEqual({
      status: 'resolved',
      outcome: 'resolved',
    });

    await expect
      .poll(async () => (await eventsOf(caseId)).map((e) => e.type))
      .toEqual(['case.opened', 'citizen.acknowledged', 'case.resolved', 'citizen.notified', 'survey.sent']);
    expect((await handle.query(snapshotQuery)).stage).toBe('survey');
    await handle.signal(surveyAnswerSignal, { answers: { satisfaction: 5, solved: true } });
    expect(await handle.result()).toMatchObject({ status: 'resolved', stage: 'closed', lastSeq: 7 });
    const events = await eventsOf(caseId);
    expect(events.slice(2)).toEqual([
      {
        seq: 3,
        type: 'case.resolved',
        actor: 'lorenzo.operatore',
        stage: 'resolved',
        data: { outcome: 'resolved', note: 'Sabato 8:30-12:30' },
      },
      {
        seq: 4,
        type: 'citizen.notified',
        actor: null,
        stage: 'resolved',
        data: { channel: 'email', recipient: 'chiara.neri@example.org' },
      },
      { seq: 5, type: 'survey.sent', actor: null, stage: 'survey', data: { channel: 'email', recipient: 'chiara.neri@example.org' } },
      { seq: 6, type: 'survey.answered', actor: null, stage: 'survey', data: { answers: { satisfaction: 5, solved: true } } },
      { seq: 7, type: 'case.closed', actor: null, stage: 'closed', data: {} },
    ]);
    const outbox = await t.db
      .selectFrom('outbound_messages')
      .select(['dedup_key', 'channel'])
      .where('case_id', '=', caseId)
      .orderBy('id')
      .execute();
    expect(outbox).toEqual([
      { dedup_key: `${caseId}:acknowledgement`, channel: 'email' },
      { dedup_key: `${caseId}:resolution`, channel: 'email' },
      { dedup_key: `${caseId}:survey`, channel: 'email' },
    ]);
  });

  it('records that a citizen without contacts could be neither informed nor surveyed', async () => {
    const { caseId, handle } = await openCase({ citizen: {} });
    await handle.executeUpdate(resolveUpdate, { args: [{ outcome: 'withdrawn', actor: null }] });
    await handle.result();
    expect((await eventsOf(caseId)).map((e) => e.type)).toEqual([
      'case.opened',
      'case.resolved',
      'citizen.not_notified',
      'survey.not_sent',
      'case.closed',
    ]);
  });

  it('rejects in the validator what is not allowed, changing nothing', async () => {
    const { caseId, handle } = await openCase();
    expect(await rejection(handle.executeUpdate(resolveUpdate, { args: [{ outcome: 'approved' as never, actor: null }] }))).toMatch(
      /outcome must be one of/,
    );
    // General information cannot end "rejected".
    expect(await rejection(handle.executeUpdate(resolveUpdate, { args: [{ outcome: 'rejected', actor: null }] }))).toBe(
      'outcome must be one of resolved, redirected, withdrawn',
    );

    const tari = await openCase({
      municipalityId: 'milano',
      serviceCode: 'tari-refund',
      details: { taxYear: 2025, taxpayerFiscalCode: 'RSSMRA85T10A562S' },
    });
    expect(await rejection(tari.handle.executeUpdate(resolveUpdate, { args: [{ outcome: 'resolved', actor: null }] }))).toBe(
      '"Rimborso TARI" cannot be closed at the first level: transfer it to the competent office',
    );

    const [first, second] = await Promise.allSettled([
      handle.executeUpdate(resolveUpdate, { args: [{ outcome: 'redirected', actor: null }] }),
      handle.executeUpdate(resolveUpdate, { args: [{ outcome: 'resolved', actor: null }] }),
    ]);
    expect([first.status, second.status].sort()).toEqual(['fulfilled', 'rejected']);
    const refused = (first.status === 'rejected' ? first : second) as PromiseRejectedResult;
    expect(String(refused.reason.cause?.message)).toMatch(/already resolved/);
    expect(
      await rejection(handle.executeUpdate(transferUpdate, { args: [{ actor: { id: 'x', role: 'operator', officeId: null } }] })),
    ).toMatch(/the case is resolved/);
    expect((await eventsOf(caseId)).filter((e) => e.type === 'case.resolved')).toHaveLength(1);
    expect((await eventsOf(tari.caseId)).map((e) => e.type)).toEqual(['case.opened', 'citizen.acknowledged']);
  });

  it('a repeated opening joins the running case instead of starting another', async () => {
    const { caseId, input } = await openCase();
    const again = await w.client.workflow.executeUpdateWithStart(openedUpdate, {
      startWorkflowOperation: new WithStartWorkflowOperation<typeof caseWorkflow>(caseWorkflowType, {
        workflowId: caseId,
        taskQueue: w.taskQueue,
        workflowIdConflictPolicy: 'USE_EXISTING',
        args: [input],
      }),
    });
    expect(again.lastSeq).toBe(2);
    expect((await w.client.workflow.count(`WorkflowId = '${caseId}'`)).count).toBe(1);
  });

  it('replays its recorded history deterministically', async () => {
    const { handle } = await openCase();
    await handle.executeUpdate(resolveUpdate, { args: [{ outcome: 'redirected', actor: null }] });
    await handle.signal(surveyAnswerSignal, { answers: { solved: false } });
    await handle.result();
    const history = await handle.fetchHistory();
    await expect(
      Worker.runReplayHistory({ workflowBundle: workflowBundle(), dataConverter: w.dataConverter }, history, handle.workflowId),
    ).resolves.toBeUndefined();
  });
});
