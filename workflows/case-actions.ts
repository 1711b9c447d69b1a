import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import { isOpen } from '../domain/calendar.ts';
import type { ServiceDefinition } from '../domain/service-definition.ts';
import { callbackWindow, describeWindow } from './callback.ts';
import {
  type Actor, addNoteUpdate, caseAlreadyClosedError, type CaseSnapshot, scheduleCallbackUpdate, type WithdrawArgs, withdrawUpdate,
} from './case.definitions.ts';

/** Refuses an update from its validator: the request changes nothing and the caller reads why. */
export const reject = (reason: string): never => { throw new Error(reason); };

/** What the case actions need of the case workflow. */
export interface CaseActionContext {
  caseId: string;
  def: ServiceDefinition;
  phone: string | undefined;
  state: CaseSnapshot;
  opened: () => boolean;
  transferring: () => boolean;
  mustBeLifecycle: () => void;
  record: (type: string, actor: Actor | null, data?: Record<string, unknown>) => Promise<void>;
  snapshot: () => CaseSnapshot;
  /** After a change of stage, task or schedule: search attributes, and wakes the main loop. */
  changed: () => void;
  withdrawn: () => void;
}

/** Notes, the citizen's withdrawal and scheduled callbacks: staff actions on a case at any stage. */
export function registerCaseActions(ctx: CaseActionContext): void {
  const { caseId, state } = ctx;
  const mustBeOpen = () => {
    ctx.mustBeLifecycle();
    if (!ctx.opened()) reject(`case ${caseId} is still being opened`);
    if (state.status !== 'open') reject(`case ${caseId} is already ${state.status}`);
  };

  setHandler(addNoteUpdate, async ({ actor, text }) => {
    await ctx.record('note.added', actor, { text });
    return ctx.snapshot();
  }, {
    validator: ({ text }) => {
      if (!ctx.opened()) reject(`case ${caseId} is still being opened`);
      if (state.stage === 'closed') reject(`case ${caseId} is closed`);
      if (!text?.trim()) reject('the note is empty');
    },
  });

  setHandler(withdrawUpdate, async ({ actor, note }) => {
    // Re-checked here: a completion accepted in the same moment may have resolved it first.
    if (state.status !== 'open') throw ApplicationFailure.create({ type: caseAlreadyClosedError, message: `case ${caseId} is already ${state.status}` });
    if (state.task) state.task.status = 'done';
    Object.assign(state, { status: 'resolved', stage: 'resolved', outcome: 'withdrawn' });
    ctx.withdrawn();
    ctx.changed();
    await ctx.record('case.withdrawn', actor, note ? { note } : {});
    await ctx.record('case.resolved', actor, { outcome: 'withdrawn' });
    return ctx.snapshot();
  }, {
    validator: (_request: WithdrawArgs) => {
      mustBeOpen();
      if (ctx.transferring()) reject('a transfer is under way');
    },
  });

  setHandler(scheduleCallbackUpdate, async ({ actor, at, note }) => {
    state.scheduledCallback = { at: new Date(Date.parse(at)).toISOString(), attempt: 1, by: actor.id };
    ctx.changed();
    await ctx.record('callback.scheduled', actor, { at: state.scheduledCallback.at, ...(note ? { note } : {}) });
    return ctx.snapshot();
  }, {
    validator: ({ at }) => {
      mustBeOpen();
      if (!ctx.phone) reject('the citizen left no phone number to call');
      if (state.scheduledCallback) reject(`a callback is already scheduled at ${state.scheduledCallback.at}`);
      const instant = Date.parse(at);
      if (!(instant > Date.now())) reject('the callback must be in the future');
      if (!isOpen(callbackWindow(ctx.def.callback), instant)) reject(`${at} is outside the callback window: ${describeWindow(ctx.def.callback)}`);
    },
  });
}
