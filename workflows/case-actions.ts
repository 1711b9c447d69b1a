import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import { isOpen } from '../domain/calendar.ts';
import { callbackWindow, describeWindow } from './callback.ts';
import { addNoteUpdate, caseAlreadyClosedError, scheduleCallbackUpdate, type WithdrawArgs, withdrawUpdate } from './case.definitions.ts';
import { type CaseRun, mustBeLifecycle, reject } from './case-run.ts';

/** Notes, the citizen's withdrawal and scheduled callbacks: staff actions on a case at any stage. */
export function registerCaseActions(run: CaseRun): void {
  const { caseId, state } = run;
  const mustBeOpen = () => {
    mustBeLifecycle(run);
    if (!run.opened) reject(`case ${caseId} is still being opened`);
    if (state.status !== 'open') reject(`case ${caseId} is already ${state.status}`);
  };

  setHandler(
    addNoteUpdate,
    async ({ actor, text }) => {
      await run.record('note.added', actor, { text });
      return run.snapshot();
    },
    {
      validator: ({ text }) => {
        if (!run.opened) reject(`case ${caseId} is still being opened`);
        if (state.stage === 'closed') reject(`case ${caseId} is closed`);
        if (!text?.trim()) reject('the note is empty');
      },
    },
  );

  setHandler(
    withdrawUpdate,
    async ({ actor, note }) => {
      // Re-checked here: a completion accepted in the same moment may have resolved it first.
      if (state.status !== 'open')
        throw ApplicationFailure.create({ type: caseAlreadyClosedError, message: `case ${caseId} is already ${state.status}` });
      if (state.task) state.task.status = 'done';
      Object.assign(state, { status: 'resolved', stage: 'resolved', outcome: 'withdrawn' });
      run.withdrawn = true;
      run.changed();
      await run.record('case.withdrawn', actor, note ? { note } : {});
      await run.record('case.resolved', actor, { outcome: 'withdrawn' });
      return run.snapshot();
    },
    {
      validator: (_request: WithdrawArgs) => {
        mustBeOpen();
        if (run.transferring) reject('a transfer is under way');
      },
    },
  );

  setHandler(
    scheduleCallbackUpdate,
    async ({ actor, at, note }) => {
      state.scheduledCallback = { at: new Date(Date.parse(at)).toISOString(), attempt: 1, by: actor.id };
      run.changed();
      await run.record('callback.scheduled', actor, { at: state.scheduledCallback.at, ...(note ? { note } : {}) });
      return run.snapshot();
    },
    {
      validator: ({ at }) => {
        mustBeOpen();
        if (!run.input.intake.citizen.phone) reject('the citizen left no phone number to call');
        if (state.scheduledCallback) reject(`a callback is already scheduled at ${state.scheduledCallback.at}`);
        const instant = Date.parse(at);
        if (!(instant > Date.now())) reject('the callback must be in the future');
        if (!isOpen(callbackWindow(run.def.callback), instant))
          reject(`${at} is outside the callback window: ${describeWindow(run.def.callback)}`);
      },
    },
  );
}
