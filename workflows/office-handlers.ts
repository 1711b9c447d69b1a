import { type ActivityFailure, ApplicationFailure, setHandler } from '@temporalio/workflow';
import type { createCaseActivities } from '../activities/case-activities.ts';
import type { Calendar } from '../domain/calendar.ts';
import type { createTelephonyActivities } from '../activities/telephony-activities.ts';
import {
  type Actor, claimTaskUpdate, completeTaskUpdate, reassignTaskUpdate, releaseTaskUpdate, requestInformationUpdate,
} from './case.definitions.ts';
import { type CaseActionContext, reject } from './case-actions.ts';
import { pause } from './office-task.ts';

/** What the office's work on its task needs of the case workflow. */
export interface OfficeHandlerContext extends Pick<CaseActionContext, 'caseId' | 'def' | 'state' | 'mustBeLifecycle' | 'record' | 'snapshot' | 'changed'> {
  /** Wakes the main loop after a change of the task alone (search attributes untouched). */
  moved: () => void;
  /** The task's office changed: its calendar now runs the clock. */
  setCalendar: (calendar: Calendar) => void;
  /** The office completed the task: the citizen is to be called back with the answer. */
  answerReady: () => void;
  officeContext: ReturnType<typeof createCaseActivities>['officeContext'];
  messageCitizen: ReturnType<typeof createTelephonyActivities>['messageCitizen'];
}

/** Claiming, releasing, completing and reassigning the office task, and asking the citizen for information. */
export function registerOfficeHandlers(ctx: OfficeHandlerContext): void {
  const { caseId, def, state } = ctx;
  // Validators: a rejected request changes nothing and says why.
  const openTaskOf = (actor: Actor, wanted: 'open' | 'claimed') => {
    const task = state.task ?? reject('the case has no office task: transfer it first');
    if (task.status !== wanted) reject(`the task is ${task.status === 'claimed' ? `claimed by ${task.assignee}` : task.status}`);
    if (wanted === 'claimed' && task.assignee !== actor.id) reject(`only ${task.assignee}, who claimed the task, may do this`);
    return task;
  };

  setHandler(claimTaskUpdate, async ({ actor }) => {
    Object.assign(state.task!, { status: 'claimed', assignee: actor.id });
    ctx.moved();
    await ctx.record('task.claimed', actor);
    return ctx.snapshot();
  }, {
    validator: ({ actor }) => {
      ctx.mustBeLifecycle();
      const task = openTaskOf(actor, 'open');
      if (actor.officeId !== task.officeId) reject(`the task belongs to office ${task.officeId}`);
    },
  });
  setHandler(releaseTaskUpdate, async ({ actor }) => {
    Object.assign(state.task!, { status: 'open', assignee: null });
    ctx.moved();
    await ctx.record('task.released', actor);
    return ctx.snapshot();
  }, { validator: ({ actor }) => { ctx.mustBeLifecycle(); openTaskOf(actor, 'claimed'); } });
  setHandler(completeTaskUpdate, async ({ actor, answer, outcome }) => {
    state.task!.status = 'done';
    ctx.answerReady();
    Object.assign(state, { status: 'resolved', stage: 'resolved', outcome });
    ctx.changed();
    await ctx.record('task.completed', actor, { answer, outcome });
    await ctx.record('case.resolved', actor, { outcome });
    return ctx.snapshot();
  }, {
    validator: ({ actor, answer, outcome }) => {
      ctx.mustBeLifecycle();
      openTaskOf(actor, 'claimed');
      if (!def.resolution.outcomes.includes(outcome)) reject(`outcome must be one of ${def.resolution.outcomes.join(', ')}`);
      if (!answer?.trim()) reject('the answer to the citizen is required');
    },
  });
  setHandler(reassignTaskUpdate, async ({ actor, toOffice, reason }) => {
    // An unknown office fails the update, changing nothing.
    const office = await ctx.officeContext({ officeId: toOffice }).catch((err: ActivityFailure) => {
      throw ApplicationFailure.create({ type: 'UnknownOffice', message: err.cause?.message ?? String(err) });
    });
    const from = state.task!.officeId;
    Object.assign(state.task!, { officeId: toOffice, status: 'open', assignee: null });
    ctx.setCalendar(office.calendar);
    ctx.changed();
    await ctx.record('task.reassigned', actor, { from, to: toOffice, ...(reason ? { reason } : {}) });
    return ctx.snapshot();
  }, {
    validator: ({ actor, toOffice }) => {
      ctx.mustBeLifecycle();
      const task = state.task ?? reject('the case has no office task: transfer it first');
      if (task.status === 'done') reject('the task is done');
      if (!['supervisor', 'admin'].includes(actor.role) && actor.officeId !== task.officeId) reject('only a supervisor or the office holding the task may reassign it');
      if (toOffice === task.officeId) reject(`the task is already with ${toOffice}`);
    },
  });
  setHandler(requestInformationUpdate, async ({ actor, question }) => {
    pause(state.task!, Date.now());
    state.stage = 'waiting-citizen';
    ctx.changed();
    await ctx.record('information.requested', actor, { question });
    await ctx.messageCitizen({ caseId, dedupKey: `${caseId}:question:${state.lastSeq}`, text: `per procedere ci serve: ${question}` });
    return ctx.snapshot();
  }, {
    validator: ({ actor, question }) => {
      ctx.mustBeLifecycle();
      const task = openTaskOf(actor, 'claimed');
      if (task.waitingSince) reject('the office is already waiting for the citizen');
      if (!question?.trim()) reject('the question to the citizen is required');
    },
  });
}
