import { proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { Calendar } from '../domain/calendar.ts';
import type { Channel } from '../domain/case.ts';
import { caseSearchAttributes } from '../domain/search-attributes.ts';
import type { ServiceDefinition } from '../domain/service-definition.ts';
import { type CaseActivities, calls, durable, type TelephonyActivities } from './activity-profiles.ts';
import type { Caller } from './callback.ts';
import type { Actor, CaseSnapshot, CaseWorkflowInput, CitizenInformation } from './case.definitions.ts';
import { type RemindersDone, remainingBusinessMs } from './office-task.ts';
import { noStuckWrites, type StuckWrites, writeOrWait } from './stuck-writes.ts';

const caseActivities = proxyActivities<CaseActivities>(durable);

/** Information or a complaint from the citizen, waiting for the office stage to take it up. */
export interface Inbound {
  text: string;
  channel: Channel;
}

/** One run of a case workflow: the case's state, and what its stages and handlers share of it. */
export interface CaseRun {
  input: CaseWorkflowInput;
  caseId: string;
  def: ServiceDefinition;
  /** False in cases opened before the lifecycle stages existed: they go on as they started. */
  lifecycle: boolean;
  state: CaseSnapshot;
  /** The responsible office's, once transferred: its service-level clock runs on it. */
  calendar: Calendar | undefined;
  /** The opening is recorded: updates that wait for it may go on. */
  opened: boolean;
  /** Bumped by every handler that moves the task, to wake the office stage. */
  changes: number;
  solicitationsToHandle: number;
  information: CitizenInformation[];
  complaints: Inbound[];
  remindersDone: RemindersDone;
  /** A transfer is under way: a second one, or a withdrawal, is refused meanwhile. */
  transferring: boolean;
  /** The office completed the task: the citizen is called back with the answer. */
  answerReady: boolean;
  withdrawn: boolean;
  surveyAnswers: Record<string, unknown> | undefined;
  /** Read-model writes that failed for good, waiting for an administrator's retry (with the `stuck-cases` patch). */
  stuck: StuckWrites;
  /** Calls the citizen by the definition's callback policy; undefined when they left no phone number. */
  caller: Caller | undefined;
  cases: CaseActivities;
  telephony: TelephonyActivities;
  /** Appends an event to the case's timeline (and the read model), numbered in the order events happen. */
  record: (type: string, actor: Actor | null, data?: Record<string, unknown>) => Promise<void>;
  /** Stage, status, office and service-level state as search attributes. */
  stageAttributes: () => void;
  snapshot: () => CaseSnapshot;
  /** After a change of stage, task or schedule: search attributes, and wakes the office stage. */
  changed: () => void;
}

/**
 * A first run opens the case; a continued run takes up the state of the one before. `guarded`: a
 * read-model write that fails for good lists the case as stuck and waits (cases opened before it
 * retry such a write forever).
 */
export function startRun(input: CaseWorkflowInput, lifecycle: boolean, guarded = false): CaseRun {
  const { caseId, resume: resumed } = input;
  const telephony = proxyActivities<TelephonyActivities>({ ...durable, taskQueue: input.telephonyTaskQueue });
  const { callCitizen } = proxyActivities<TelephonyActivities>({ ...calls, taskQueue: input.telephonyTaskQueue });
  const state: CaseSnapshot = resumed?.state ?? {
    caseId,
    status: 'open',
    stage: 'intake',
    outcome: null,
    lastSeq: 0,
    definitionVersion: input.definition.version,
    task: null,
    solicitations: 0,
    complaints: [],
    remainingBusinessMs: null,
    scheduledCallback: null,
  };
  const run: CaseRun = {
    input,
    caseId,
    def: input.definition.document,
    lifecycle,
    state,
    calendar: resumed?.calendar ?? undefined,
    opened: resumed !== undefined,
    changes: 0,
    solicitationsToHandle: resumed?.solicitationsToHandle ?? 0,
    information: resumed?.information ?? [],
    complaints: resumed?.complaints ?? [],
    remindersDone: resumed?.remindersDone ?? { office: 0, citizen: 0 },
    transferring: false,
    answerReady: false,
    withdrawn: false,
    surveyAnswers: undefined,
    stuck: noStuckWrites(),
    caller: undefined,
    cases: caseActivities,
    telephony,

    // Sequence numbers are taken synchronously, so events are numbered in the order they happen.
    record: (type, actor, data = {}) => {
      state.lastSeq += 1;
      // Cases opened before authentication carry the actor as a bare id.
      if (typeof actor === 'string') actor = { id: actor, role: 'operator', officeId: null };
      const event = {
        caseId,
        seq: state.lastSeq,
        type,
        at: new Date().toISOString(),
        actor: actor?.id ?? null,
        data,
        municipalityId: input.intake.municipalityId,
        actorRole: actor?.role ?? null,
        requestId: actor?.requestId ?? null,
        status: state.status,
        stage: state.stage,
        outcome: state.outcome,
        definitionVersion: input.definition.version,
        intake: state.lastSeq === 1 ? input.intake : undefined,
        ...(lifecycle
          ? { officeId: state.task?.officeId ?? null, task: state.task && { ...state.task }, solicitations: state.solicitations }
          : {}),
      };
      return guarded ? writeOrWait(run.stuck, event, input.intake.municipalityId) : caseActivities.recordCaseEvent(event);
    },
    stageAttributes: () =>
      upsertSearchAttributes([
        { key: caseSearchAttributes.stage, value: state.stage },
        { key: caseSearchAttributes.status, value: state.status },
        ...(state.task
          ? [
              { key: caseSearchAttributes.office, value: state.task.officeId },
              { key: caseSearchAttributes.slaState, value: state.task.slaState },
            ]
          : []),
      ]),
    snapshot: () => ({
      ...state,
      task: state.task && { ...state.task },
      complaints: [...state.complaints],
      ...(state.calls ? { calls: [...state.calls] } : {}),
      remainingBusinessMs:
        state.task && run.calendar && state.task.status !== 'done' ? remainingBusinessMs(state.task, run.calendar, Date.now()) : null,
    }),
    changed: () => {
      run.changes++;
      run.stageAttributes();
    },
  };
  const phone = input.intake.citizen.phone;
  if (phone) run.caller = { caseId, phone, policy: run.def.callback, callCitizen, record: run.record };
  return run;
}

/** Refuses an update from its validator: the request changes nothing and the caller reads why. */
export const reject = (reason: string): never => {
  throw new Error(reason);
};

export const mustBeLifecycle = (run: CaseRun): void => {
  if (!run.lifecycle) reject('this case predates office tasks: resolve it directly');
};
