import {
  ApplicationFailure, allHandlersFinished, condition, log, proxyActivities, setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { createCaseActivities } from '../activities/case-activities.ts';
import type { createTelephonyActivities } from '../telephony/activities.ts';
import { outcomes } from '../domain/case.ts';
import {
  caseAlreadyClosedError, type CaseSnapshot, type CaseWorkflowInput, openedUpdate, resolveUpdate, snapshotQuery,
} from './case.definitions.ts';
import { caseSearchAttributes } from './search-attributes.ts';

// Read-model writes must eventually land: retry without a cap, backing off to once a minute.
const durable = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
} as const;

const { recordCaseEvent } = proxyActivities<ReturnType<typeof createCaseActivities>>(durable);

/** One workflow per case, id = case id: the only writer of the case's state. */
export async function caseWorkflow(input: CaseWorkflowInput): Promise<CaseSnapshot> {
  const { notifyCitizen } = proxyActivities<ReturnType<typeof createTelephonyActivities>>({
    ...durable, taskQueue: input.telephonyTaskQueue,
  });
  const state: CaseSnapshot = { caseId: input.caseId, status: 'open', stage: 'intake', outcome: null, lastSeq: 0 };
  let opened = false;

  // Sequence numbers are taken synchronously, so events are numbered in the order they happen.
  const record = (type: string, actor: string | null, data: Record<string, unknown> = {}) => {
    state.lastSeq += 1;
    return recordCaseEvent({
      caseId: input.caseId, seq: state.lastSeq, type, at: new Date().toISOString(), actor, data,
      status: state.status, stage: state.stage, outcome: state.outcome, definitionVersion: input.definition.version,
      intake: state.lastSeq === 1 ? input.intake : undefined,
    });
  };
  const stageAttributes = () => upsertSearchAttributes([
    { key: caseSearchAttributes.stage, value: state.stage },
    { key: caseSearchAttributes.status, value: state.status },
  ]);

  setHandler(snapshotQuery, () => ({ ...state }));
  setHandler(openedUpdate, async () => {
    await condition(() => opened);
    return { ...state };
  });
  setHandler(resolveUpdate, async ({ outcome, note, actor }) => {
    await condition(() => opened);
    // Re-checked here: two resolutions may both pass the validator before either runs.
    if (state.status !== 'open') {
      throw ApplicationFailure.create({ type: caseAlreadyClosedError, message: `case ${input.caseId} is already ${state.status}` });
    }
    Object.assign(state, { status: 'resolved', stage: 'resolved', outcome });
    stageAttributes();
    await record('case.resolved', actor, { outcome, ...(note ? { note } : {}) });
    return { ...state };
  }, {
    validator: ({ outcome }) => {
      if (!outcomes.includes(outcome)) throw new Error(`outcome must be one of ${outcomes.join(', ')}`);
      if (state.status !== 'open') throw new Error(`case ${input.caseId} is already ${state.status}`);
    },
  });

  upsertSearchAttributes([
    { key: caseSearchAttributes.municipality, value: input.intake.municipalityId },
    { key: caseSearchAttributes.service, value: input.intake.serviceCode },
  ]);
  stageAttributes();
  await record('case.opened', input.actor, { channel: input.intake.channel });
  opened = true;

  await condition(() => state.status !== 'open');
  const notice = await notifyCitizen({ caseId: input.caseId, dedupKey: `${input.caseId}:resolution`, outcome: state.outcome });
  await record(notice ? 'citizen.notified' : 'citizen.not_notified', null, notice ? { ...notice } : { reason: 'no phone or e-mail on file' });
  log.info('case closed', { caseId: input.caseId, outcome: state.outcome });

  await condition(allHandlersFinished);
  return { ...state };
}
