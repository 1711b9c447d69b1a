import { type ActivityFailure, ApplicationFailure, setHandler } from '@temporalio/workflow';
import {
  type Actor,
  claimTaskUpdate,
  completeTaskUpdate,
  reassignTaskUpdate,
  releaseTaskUpdate,
  requestInformationUpdate,
} from './case.definitions.ts';
import { type CaseRun, mustBeLifecycle, reject } from './case-run.ts';
import { pause } from './office-task.ts';

/** Claiming, releasing, completing and reassigning the office task, and asking the citizen for information. */
export function registerOfficeHandlers(run: CaseRun): void {
  const { caseId, def, state } = run;
  // Validators: a rejected request changes nothing and says why.
  const openTaskOf = (actor: Actor, wanted: 'open' | 'claimed') => {
    const task = state.task ?? reject('the case has no office task: transfer it first');
    if (task.status !== wanted) reject(`the task is ${task.status === 'claimed' ? `claimed by ${task.assignee}` : task.status}`);
    if (wanted === 'claimed' && task.assignee !== actor.id) reject(`only ${task.assignee}, who claimed the task, may do this`);
    return task;
  };

  setHandler(
    claimTaskUpdate,
    async ({ actor }) => {
      Object.assign(state.task!, { status: 'claimed', assignee: actor.id });
      run.changes++; // the task alone moved: search attributes untouched
      await run.record('task.claimed', actor);
      return run.snapshot();
    },
    {
      validator: ({ actor }) => {
        mustBeLifecycle(run);
        const task = openTaskOf(actor, 'open');
        if (actor.officeId !== task.officeId) reject(`the task belongs to office ${task.officeId}`);
      },
    },
  );
  setHandler(
    releaseTaskUpdate,
    async ({ actor }) => {
      Object.assign(state.task!, { status: 'open', assignee: null });
      run.changes++;
      await run.record('task.released', actor);
      return run.snapshot();
    },
    {
      validator: ({ actor }) => {
        mustBeLifecycle(run);
        openTaskOf(actor, 'claimed');
      },
    },
  );
  setHandler(
    completeTaskUpdate,
    async ({ actor, answer, outcome }) => {
      state.task!.status = 'done';
      run.answerReady = true;
      Object.assign(state, { status: 'resolved', stage: 'resolved', outcome });
      run.changed();
      await run.record('task.completed', actor, { answer, outcome });
      await run.record('case.resolved', actor, { outcome });
      return run.snapshot();
    },
    {
      validator: ({ actor, answer, outcome }) => {
        mustBeLifecycle(run);
        openTaskOf(actor, 'claimed');
        if (!def.resolution.outcomes.includes(outcome)) reject(`outcome must be one of ${def.resolution.outcomes.join(', ')}`);
        if (!answer?.trim()) reject('the answer to the citizen is required');
      },
    },
  );
  setHandler(
    reassignTaskUpdate,
    async ({ actor, toOffice, reason }) => {
      // An unknown office fails the update, changing nothing.
      const office = await run.cases.officeContext({ officeId: toOffice }).catch((err: ActivityFailure) => {
        throw ApplicationFailure.create({ type: 'UnknownOffice', message: err.cause?.message ?? String(err) });
      });
      const from = state.task!.officeId;
      Object.assign(state.task!, { officeId: toOffice, status: 'open', assignee: null });
      run.calendar = office.calendar;
      run.changed();
      await run.record('task.reassigned', actor, { from, to: toOffice, ...(reason ? { reason } : {}) });
      return run.snapshot();
    },
    {
      validator: ({ actor, toOffice }) => {
        mustBeLifecycle(run);
        const task = state.task ?? reject('the case has no office task: transfer it first');
        if (task.status === 'done') reject('the task is done');
        if (!['supervisor', 'admin'].includes(actor.role) && actor.officeId !== task.officeId)
          reject('only a supervisor or the office holding the task may reassign it');
        if (toOffice === task.officeId) reject(`the task is already with ${toOffice}`);
      },
    },
  );
  setHandler(
    requestInformationUpdate,
    async ({ actor, question }) => {
      pause(state.task!, Date.now());
      state.stage = 'waiting-citizen';
      run.changed();
      await run.record('information.requested', actor, { question });
      await run.telephony.messageCitizen({
        caseId,
        dedupKey: `${caseId}:question:${state.lastSeq}`,
        message: { event: 'information.requested', data: { question } },
      });
      return run.snapshot();
    },
    {
      validator: ({ actor, question }) => {
        mustBeLifecycle(run);
        const task = openTaskOf(actor, 'claimed');
        if (task.waitingSince) reject('the office is already waiting for the citizen');
        if (!question?.trim()) reject('the question to the citizen is required');
      },
    },
  );
}
