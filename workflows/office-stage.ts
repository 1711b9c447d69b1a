import { allHandlersFinished, condition, continueAsNew, log, patched, workflowInfo } from '@temporalio/workflow';
import type { OfficeMessage } from '../services/messages/templates.ts';
import type { caseWorkflow } from './case.ts';
import type { TaskSnapshot } from './case.definitions.ts';
import type { CaseRun } from './case-run.ts';
import { placeScheduledCall } from './callback.ts';
import { openComplaint } from './complaint.ts';
import { type ClockEvent, nextClockEvent, resume } from './office-task.ts';

// Past this many history events a case at the office continues as a new run (Temporal warns at 10,240).
const defaultHistoryLimit = 2_000;

const remindOffice = (run: CaseRun, key: string, message: OfficeMessage) =>
  run.state.task
    ? run.telephony.notifyOffice({ caseId: run.caseId, dedupKey: `${run.caseId}:${key}`, officeId: run.state.task.officeId, message })
    : Promise.resolve(null);

/**
 * First level, then the office's task under its service-level clock, until the case is resolved:
 * sleeps until the next thing is due (a clock event, a scheduled call) or a handler wakes it.
 */
export async function untilResolved(run: CaseRun): Promise<void> {
  const { caseId, def, state, input } = run;
  // A long case (reminders, solicitations) continues as a new run at the office, its whole state carried.
  const historyFull = () =>
    workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= (input.historyLimit ?? defaultHistoryLimit);
  while (state.status === 'open') {
    if (state.task && historyFull() && patched('continue-as-new')) {
      await condition(allHandlersFinished); // no update is cut off; signals wait in the carried queues
      if (state.status === 'open') {
        log.info('case continues as new', { caseId, historyLength: workflowInfo().historyLength });
        const { calendar, remindersDone, solicitationsToHandle, information, complaints } = run;
        await continueAsNew<typeof caseWorkflow>({
          ...input,
          resume: { state: run.snapshot(), calendar: calendar ?? null, remindersDone, solicitationsToHandle, information, complaints },
        });
      }
      continue;
    }
    const seen = run.changes;
    const next = state.task && run.calendar ? nextClockEvent(state.task, run.calendar, def.reminders, run.remindersDone) : undefined;
    const callAt = state.scheduledCallback ? Date.parse(state.scheduledCallback.at) : undefined;
    const until = Math.min(next?.at ?? Infinity, callAt ?? Infinity);
    const wake = () =>
      state.status !== 'open' ||
      run.solicitationsToHandle > 0 ||
      run.information.length > 0 ||
      run.complaints.length > 0 ||
      run.changes !== seen;
    let woken = true;
    if (until < Infinity) woken = await condition(wake, Math.max(1, until - Date.now()));
    else await condition(wake);
    if (state.status !== 'open') break;
    if (run.solicitationsToHandle > 0) {
      run.solicitationsToHandle -= 1;
      await run.record('citizen.solicited', null, { count: state.solicitations });
      await remindOffice(run, `solicitation:${state.solicitations}`, { event: 'citizen.solicited', data: { count: state.solicitations } });
    } else if (run.complaints.length > 0) {
      await openComplaint(run, run.complaints.shift()!);
    } else if (run.information.length > 0) {
      const received = run.information.shift()!;
      if (state.task?.waitingSince && run.calendar) {
        resume(state.task, run.calendar, Date.now(), def.sla.office);
        state.stage = 'office';
        run.stageAttributes();
      }
      await run.record('information.received', null, { ...received, dueAt: state.task?.dueAt });
      await remindOffice(run, `information:${state.lastSeq}`, { event: 'information.received', data: {} });
    } else if (!woken && callAt !== undefined && Date.now() >= callAt && run.caller) {
      state.scheduledCallback = await placeScheduledCall(run.caller, state.scheduledCallback!);
    } else if (!woken && next && state.task) {
      await onClock(run, next.event, state.task);
    }
  }
}

/** Reminders to the office and the citizen, and the service level's warning and breach. */
async function onClock(run: CaseRun, event: ClockEvent, task: TaskSnapshot): Promise<void> {
  const { caseId, remindersDone } = run;
  if (event.kind === 'office-reminder') {
    remindersDone.office += 1;
    await run.record('task.reminded', null, { reason: 'scheduled', reminder: remindersDone.office });
    await remindOffice(run, `reminder:${remindersDone.office}`, { event: 'task.reminded', data: { dueAt: task.dueAt } });
  } else if (event.kind === 'citizen-reminder') {
    remindersDone.citizen += 1;
    const sent = await run.telephony.messageCitizen({
      caseId,
      dedupKey: `${caseId}:citizen-reminder:${remindersDone.citizen}`,
      message: { event: 'citizen.reminded', data: {} },
    });
    await run.record('citizen.reminded', null, sent ? { ...sent } : { reason: 'no phone or e-mail on file' });
  } else if (event.kind === 'warning') {
    task.slaState = 'warning';
    run.stageAttributes();
    await run.record('sla.warning', null, { dueAt: task.dueAt });
    await remindOffice(run, 'sla-warning', { event: 'sla.warning', data: { dueAt: task.dueAt } });
  } else {
    const action = run.def.sla.office.onBreach;
    const from = task.officeId;
    if (action.type === 'transfer-to-third-level') {
      run.calendar = (await run.cases.officeContext({ officeId: action.office })).calendar;
      Object.assign(task, { officeId: action.office, status: 'open', assignee: null });
    }
    Object.assign(task, { slaState: 'breached', escalated: true });
    run.stageAttributes();
    await run.record('sla.breached', null, {
      action: action.type,
      from,
      ...(action.type === 'transfer-to-third-level' ? { to: action.office } : {}),
    });
    await remindOffice(run, 'sla-breach', {
      event: 'sla.breached',
      data: action.type === 'escalate-to-supervisors' ? { action: action.type } : { action: action.type, from },
    });
  }
}
