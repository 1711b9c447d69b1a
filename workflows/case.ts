import {
  ApplicationFailure, allHandlersFinished, condition, continueAsNew, log, patched, proxyActivities, setHandler, startChild,
  upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import type { createCaseActivities } from '../activities/case-activities.ts';
import { type Calendar, isOpen } from '../domain/calendar.ts';
import { type Channel, outcomes } from '../domain/case.ts';
import type { createTelephonyActivities } from '../activities/telephony-activities.ts';
import {
  type Actor, callSignal, caseAlreadyClosedError, type CaseSnapshot, type CaseWorkflowInput, citizenInformationSignal, complainSignal,
  openedUpdate, resolveUpdate, snapshotQuery, solicitSignal, surveyAnswerSignal, type TaskSnapshot, type TransferArgs, transferUpdate,
} from './case.definitions.ts';
import { type ClockEvent, nextClockEvent, openTask, remainingBusinessMs, resume } from './office-task.ts';
import { callBackWithAnswer, type Caller, placeScheduledCall } from './callback.ts';
import { registerCaseActions, reject } from './case-actions.ts';
import { registerOfficeHandlers } from './office-handlers.ts';
import { caseSearchAttributes } from '../domain/search-attributes.ts';

// Read-model writes must eventually land: retry without a cap, backing off to once a minute.
const durable = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
} as const;
const hour = 3_600_000;
// A call rings for half a minute; a dialer that errs is retried briefly, never for long (the citizen would be rung late).
const calls = { startToCloseTimeout: '3 minutes', retry: { initialInterval: '10 seconds', maximumAttempts: 3 } } as const;
// Past this many history events a case at the office continues as a new run (Temporal warns at 10,240).
const defaultHistoryLimit = 2_000;

const { recordCaseEvent, officeContext, allocateComplaint } = proxyActivities<ReturnType<typeof createCaseActivities>>(durable);

/** One workflow per case, id = case id: the only writer of the case's state. */
export async function caseWorkflow(input: CaseWorkflowInput): Promise<CaseSnapshot> {
  // Cases opened before the lifecycle stages existed go on as they started (test/fixtures/histories).
  const lifecycle = patched('lifecycle-stages');
  const { notifyCitizen, notifyOffice, sendSurvey, messageCitizen } = proxyActivities<ReturnType<typeof createTelephonyActivities>>({
    ...durable, taskQueue: input.telephonyTaskQueue,
  });
  const { callCitizen } = proxyActivities<ReturnType<typeof createTelephonyActivities>>({ ...calls, taskQueue: input.telephonyTaskQueue });
  const { caseId, resume: resumed } = input;
  const def = input.definition.document;
  // A continued run takes up the state of the one before; only a first run opens the case.
  const state: CaseSnapshot = resumed?.state ?? {
    caseId, status: 'open', stage: 'intake', outcome: null, lastSeq: 0, definitionVersion: input.definition.version,
    task: null, solicitations: 0, complaints: [], remainingBusinessMs: null, scheduledCallback: null,
  };
  let calendar: Calendar | undefined = resumed?.calendar ?? undefined; // the responsible office's, once transferred
  let opened = resumed !== undefined;
  let changes = 0; // bumped by every handler that moves the task, to wake the main loop
  let solicitationsToHandle = resumed?.solicitationsToHandle ?? 0;
  const information: { text: string; channel: Channel }[] = resumed?.information ?? [];
  const complaints: { text: string; channel: Channel }[] = resumed?.complaints ?? [];
  const remindersDone = resumed?.remindersDone ?? { office: 0, citizen: 0 };
  let transferring = false;
  let answerReady = false; // the office completed the task: the citizen is called back with the answer
  let withdrawn = false;
  let surveyAnswers: Record<string, unknown> | undefined;

  // Sequence numbers are taken synchronously, so events are numbered in the order they happen.
  const record = (type: string, actor: Actor | null, data: Record<string, unknown> = {}) => {
    state.lastSeq += 1;
    // Cases opened before authentication carry the actor as a bare id.
    if (typeof actor === 'string') actor = { id: actor, role: 'operator', officeId: null };
    return recordCaseEvent({
      caseId, seq: state.lastSeq, type, at: new Date().toISOString(), actor: actor?.id ?? null, data,
      municipalityId: input.intake.municipalityId, actorRole: actor?.role ?? null, requestId: actor?.requestId ?? null,
      status: state.status, stage: state.stage, outcome: state.outcome, definitionVersion: input.definition.version,
      intake: state.lastSeq === 1 ? input.intake : undefined,
      ...(lifecycle ? { officeId: state.task?.officeId ?? null, task: state.task && { ...state.task }, solicitations: state.solicitations } : {}),
    });
  };
  const stageAttributes = () => upsertSearchAttributes([
    { key: caseSearchAttributes.stage, value: state.stage },
    { key: caseSearchAttributes.status, value: state.status },
    ...(state.task ? [
      { key: caseSearchAttributes.office, value: state.task.officeId },
      { key: caseSearchAttributes.slaState, value: state.task.slaState },
    ] : []),
  ]);
  const snapshot = (): CaseSnapshot => ({
    ...state,
    task: state.task && { ...state.task },
    complaints: [...state.complaints],
    ...(state.calls ? { calls: [...state.calls] } : {}),
    remainingBusinessMs: state.task && calendar && state.task.status !== 'done' ? remainingBusinessMs(state.task, calendar, Date.now()) : null,
  });
  const remindOffice = (key: string, text: string) =>
    state.task ? notifyOffice({ caseId, dedupKey: `${caseId}:${key}`, officeId: state.task.officeId, text }) : Promise.resolve(null);

  /** Starts the complaint as a case of its own, linked both ways, living on after this one closes. */
  const openComplaint = async ({ text, channel }: { text: string; channel: Channel }) => {
    const { caseId: complaintId, definition } = await allocateComplaint();
    const started = await startChild(caseWorkflow, {
      workflowId: complaintId,
      parentClosePolicy: 'ABANDON',
      args: [{
        caseId: complaintId, definition, actor: null, telephonyTaskQueue: input.telephonyTaskQueue,
        intake: {
          municipalityId: input.intake.municipalityId, serviceCode: 'complaint', channel, subject: `Reclamo sulla pratica ${caseId}`,
          description: text, citizen: input.intake.citizen, details: { relatedCase: caseId },
        },
      }],
    }).then(() => true, (err: Error) => {
      // Only a case-number clash (two databases on one namespace) gets here; the case must go on.
      log.error('complaint case not started', { complaintId, error: err.message });
      return false;
    });
    if (!started) {
      await record('complaint.not_opened', null, { complaintCase: complaintId, reason: 'case number already in use' });
      return;
    }
    state.complaints.push(complaintId);
    await record('complaint.opened', null, { complaintCase: complaintId, channel });
  };

  const onClock = async (event: ClockEvent, task: TaskSnapshot) => {
    if (event.kind === 'office-reminder') {
      remindersDone.office += 1;
      await record('task.reminded', null, { reason: 'scheduled', reminder: remindersDone.office });
      await remindOffice(`reminder:${remindersDone.office}`, `promemoria: la pratica scade il ${task.dueAt}`);
    } else if (event.kind === 'citizen-reminder') {
      remindersDone.citizen += 1;
      const sent = await messageCitizen({ caseId, dedupKey: `${caseId}:citizen-reminder:${remindersDone.citizen}`, text: 'stiamo lavorando alla sua richiesta' });
      await record('citizen.reminded', null, sent ? { ...sent } : { reason: 'no phone or e-mail on file' });
    } else if (event.kind === 'warning') {
      task.slaState = 'warning';
      stageAttributes();
      await record('sla.warning', null, { dueAt: task.dueAt });
      await remindOffice('sla-warning', `la pratica è prossima alla scadenza (${task.dueAt})`);
    } else {
      const action = def.sla.office.onBreach;
      const from = task.officeId;
      if (action.type === 'transfer-to-third-level') {
        calendar = (await officeContext({ officeId: action.office })).calendar;
        Object.assign(task, { officeId: action.office, status: 'open', assignee: null });
      }
      Object.assign(task, { slaState: 'breached', escalated: true });
      stageAttributes();
      await record('sla.breached', null, { action: action.type, from, ...(action.type === 'transfer-to-third-level' ? { to: action.office } : {}) });
      await remindOffice('sla-breach', action.type === 'escalate-to-supervisors'
        ? 'pratica scaduta: segnalata ai supervisori' : `pratica scaduta: trasferita dall'ufficio ${from}`);
    }
  };

  // A rejected request changes nothing and says why.
  const mustBeLifecycle = () => { if (!lifecycle) reject('this case predates office tasks: resolve it directly'); };
  // What the handlers registered from other modules share of the case.
  const shared = {
    caseId, def, state, record, snapshot, mustBeLifecycle,
    changed: () => { changes++; stageAttributes(); },
  };

  setHandler(snapshotQuery, snapshot);
  setHandler(openedUpdate, async () => {
    await condition(() => opened);
    return snapshot();
  });
  setHandler(resolveUpdate, async ({ outcome, note, actor }) => {
    await condition(() => opened);
    // Re-checked here: two resolutions may both pass the validator before either runs.
    if (state.status !== 'open') {
      throw ApplicationFailure.create({ type: caseAlreadyClosedError, message: `case ${caseId} is already ${state.status}` });
    }
    Object.assign(state, { status: 'resolved', stage: 'resolved', outcome });
    stageAttributes();
    await record('case.resolved', actor, { outcome, ...(note ? { note } : {}) });
    return snapshot();
  }, {
    validator: ({ outcome }) => {
      if (!outcomes.includes(outcome)) reject(`outcome must be one of ${outcomes.join(', ')}`);
      if (state.status !== 'open') reject(`case ${caseId} is already ${state.status}`);
      if (!lifecycle) return;
      if (state.stage !== 'intake') reject('the case is with the office: its task is completed by the office');
      if (!def.firstLevel.operatorMayClose) reject(`"${def.service.name}" cannot be closed at the first level: transfer it to the competent office`);
      if (!def.resolution.outcomes.includes(outcome)) reject(`outcome must be one of ${def.resolution.outcomes.join(', ')}`);
    },
  });
  setHandler(transferUpdate, async ({ actor, note, live }) => {
    await condition(() => opened);
    const officeId = def.transfer.offices[input.intake.municipalityId]!;
    transferring = true; // a second transfer is refused while this one runs
    const office = await officeContext({ officeId }).finally(() => { transferring = false; });
    // Only the office's calendar says whether someone is there to take the call; refused, nothing changes.
    if (live && !isOpen(office.calendar, Date.now())) {
      throw ApplicationFailure.create({ type: 'OfficeClosed', message: `${office.name} is closed now: transfer the case as a task, without live` });
    }
    state.stage = 'office';
    calendar = office.calendar;
    state.task = openTask(`${caseId}:1`, officeId, Date.now(), calendar, def.sla.office);
    changes++;
    stageAttributes();
    await record('case.transferred', actor, {
      office: officeId, dueAt: state.task.dueAt, warningAt: state.task.warningAt, ...(note ? { note } : {}), ...(live ? { live } : {}),
    });
    return snapshot();
  }, {
    validator: ({ live }: TransferArgs) => {
      mustBeLifecycle();
      if (transferring) reject('a transfer is under way');
      if (state.status !== 'open' || state.stage !== 'intake') reject(`the case is ${state.status === 'open' ? `already at stage ${state.stage}` : state.status}`);
      if (!def.transfer.offices[input.intake.municipalityId]) reject(`"${def.service.name}" has no competent office in ${input.intake.municipalityId}`);
      if (live && def.transfer.mode !== 'live-when-open') reject(`"${def.service.name}" is transferred as a task only: its definition allows no live transfer`);
    },
  });
  registerOfficeHandlers({
    ...shared, moved: () => { changes++; }, setCalendar: (c) => { calendar = c; }, answerReady: () => { answerReady = true; },
    officeContext, messageCitizen,
  });
  setHandler(citizenInformationSignal, (info) => { if (state.status === 'open') information.push(info); });
  // Complaints are taken until the case closes, also after its resolution.
  setHandler(complainSignal, (complaint) => { if (lifecycle && state.stage !== 'closed') complaints.push(complaint); });
  setHandler(solicitSignal, () => {
    if (state.status !== 'open') return;
    state.solicitations += 1;
    solicitationsToHandle += 1;
  });
  // A new handler (no patch needed): calls are recorded until the case closes, each once.
  setHandler(callSignal, async (call) => {
    const key = `${call.kind}:${call.callId}`;
    if (state.stage === 'closed' || state.calls?.includes(key)) return;
    (state.calls ??= []).push(key);
    await condition(() => opened);
    await record(`call.${call.kind}`, null, { ...call });
  });
  // An answer can overtake the survey's own delivery report; before resolution there is no survey to answer.
  setHandler(surveyAnswerSignal, ({ answers }) => { if (state.status === 'resolved') surveyAnswers ??= answers; });
  registerCaseActions({
    ...shared, phone: input.intake.citizen.phone,
    opened: () => opened, transferring: () => transferring, withdrawn: () => { withdrawn = true; },
  });
  const caller: Caller | undefined = input.intake.citizen.phone
    ? { caseId, phone: input.intake.citizen.phone, policy: def.callback, callCitizen, record }
    : undefined;

  upsertSearchAttributes([
    { key: caseSearchAttributes.municipality, value: input.intake.municipalityId },
    { key: caseSearchAttributes.service, value: input.intake.serviceCode },
  ]);
  stageAttributes();
  if (!resumed) await record('case.opened', input.actor, { channel: input.intake.channel });
  opened = true;

  if (!lifecycle) {
    await condition(() => state.status !== 'open');
    const notice = await notifyCitizen({ caseId, dedupKey: `${caseId}:resolution`, outcome: state.outcome });
    await record(notice ? 'citizen.notified' : 'citizen.not_notified', null, notice ? { ...notice } : { reason: 'no phone or e-mail on file' });
    log.info('case closed', { caseId, outcome: state.outcome });
    await condition(allHandlersFinished);
    return { ...state };
  }

  // A long case (reminders, solicitations) continues as a new run at the office, its whole state carried.
  const historyFull = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= (input.historyLimit ?? defaultHistoryLimit);

  // First level, then the office's task under its service-level clock, until resolved.
  while (state.status === 'open') {
    if (state.task && historyFull() && patched('continue-as-new')) {
      await condition(allHandlersFinished); // no update is cut off; signals wait in the carried queues
      if (state.status === 'open') {
        log.info('case continues as new', { caseId, historyLength: workflowInfo().historyLength });
        await continueAsNew<typeof caseWorkflow>({
          ...input, resume: { state: snapshot(), calendar: calendar ?? null, remindersDone, solicitationsToHandle, information, complaints },
        });
      }
      continue;
    }
    const seen = changes;
    const next = state.task && calendar ? nextClockEvent(state.task, calendar, def.reminders, remindersDone) : undefined;
    const callAt = state.scheduledCallback ? Date.parse(state.scheduledCallback.at) : undefined;
    const until = Math.min(next?.at ?? Infinity, callAt ?? Infinity);
    const wake = () => state.status !== 'open' || solicitationsToHandle > 0 || information.length > 0 || complaints.length > 0 || changes !== seen;
    let woken = true;
    if (until < Infinity) woken = await condition(wake, Math.max(1, until - Date.now()));
    else await condition(wake);
    if (state.status !== 'open') break;
    if (solicitationsToHandle > 0) {
      solicitationsToHandle -= 1;
      await record('citizen.solicited', null, { count: state.solicitations });
      await remindOffice(`solicitation:${state.solicitations}`, `il cittadino ha sollecitato la pratica (${state.solicitations}° sollecito)`);
    } else if (complaints.length > 0) {
      await openComplaint(complaints.shift()!);
    } else if (information.length > 0) {
      const received = information.shift()!;
      if (state.task?.waitingSince && calendar) {
        resume(state.task, calendar, Date.now(), def.sla.office);
        state.stage = 'office';
        stageAttributes();
      }
      await record('information.received', null, { ...received, dueAt: state.task?.dueAt });
      await remindOffice(`information:${state.lastSeq}`, 'il cittadino ha inviato le informazioni richieste');
    } else if (!woken && callAt !== undefined && Date.now() >= callAt && caller) {
      state.scheduledCallback = await placeScheduledCall(caller, state.scheduledCallback!);
    } else if (!woken && next && state.task) {
      await onClock(next.event, state.task);
    }
  }
  // The resolving update finishes recording (and answers with the resolved case) before the citizen is told.
  await condition(allHandlersFinished);
  if (state.scheduledCallback) {
    const { at } = state.scheduledCallback;
    state.scheduledCallback = null;
    await record('callback.cancelled', null, { at, reason: `the case is ${state.outcome === 'withdrawn' ? 'withdrawn' : 'resolved'}` });
  }
  // The office's answer goes to the citizen by phone when the definition has a callback policy, in writing otherwise or failing that.
  if (answerReady && patched('callback-stage')) {
    state.stage = 'callback';
    stageAttributes();
    const answered = caller ? await callBackWithAnswer(caller) : false;
    if (!caller) await record('callback.failed', null, { purpose: 'answer-ready', attempts: 0, reason: 'no phone number on file' });
    if (!answered) {
      const notice = await notifyCitizen({
        caseId, dedupKey: `${caseId}:resolution`, outcome: state.outcome, preferred: def.callback.fallback === 'email' ? 'email' : 'sms',
      });
      await record(notice ? 'callback.fallback_sent' : 'callback.fallback_not_sent', null, notice ? { ...notice } : { reason: 'no phone or e-mail on file' });
    }
  } else {
    const notice = await notifyCitizen({ caseId, dedupKey: `${caseId}:resolution`, outcome: state.outcome });
    await record(notice ? 'citizen.notified' : 'citizen.not_notified', null, notice ? { ...notice } : { reason: 'no phone or e-mail on file' });
  }

  // A withdrawn request is not surveyed.
  if (def.survey.enabled && !withdrawn) {
    state.stage = 'survey';
    stageAttributes();
    const sent = await sendSurvey({ caseId, dedupKey: `${caseId}:survey`, channel: def.survey.channel, questions: def.survey.questions.map((q) => q.text) });
    await record(sent ? 'survey.sent' : 'survey.not_sent', null, sent ? { ...sent } : { reason: 'no phone or e-mail on file' });
    if (sent) {
      const answered = await condition(() => surveyAnswers !== undefined, def.survey.waitHours * hour);
      await record(answered ? 'survey.answered' : 'survey.expired', null, answered ? { answers: surveyAnswers } : {});
    }
  }
  while (complaints.length > 0) await openComplaint(complaints.shift()!);
  state.stage = 'closed';
  stageAttributes();
  await record('case.closed', null);
  await condition(allHandlersFinished);
  return snapshot();
}
