import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CaseIntake, CaseStatus, Channel, Outcome, ResolveCommand, StaffRole } from '../domain/case.ts';
import type { Calendar } from '../domain/calendar.ts';
import type { ServiceDefinition } from '../domain/service-definition.ts';

/** What the API and the worker share about the case workflow, without importing workflow code. */
export const caseWorkflowType = 'caseWorkflow';

export interface CaseWorkflowInput {
  caseId: string;
  intake: CaseIntake;
  /** The published definition the case runs on to its end, whatever is published later. */
  definition: { version: number; document: ServiceDefinition };
  /** Staff user or integration that opened the case (null for cases the workflow opens itself, and before authentication). */
  actor: Actor | null;
  telephonyTaskQueue: string;
  /**
   * Continue as new once the history has this many events (default 2,000, or earlier when Temporal
   * suggests it). Tests set it low; nothing else should.
   */
  historyLimit?: number;
  /** Set when a long case continues as a new run: all the previous run knew. */
  resume?: CaseResume;
}

/** What a case carries into its next run (it continues as new only while at the office). */
export interface CaseResume {
  state: CaseSnapshot;
  calendar: Calendar | null;
  remindersDone: { office: number; citizen: number };
  solicitationsToHandle: number;
  information: CitizenInformation[];
  complaints: { text: string; channel: Channel }[];
}

/**
 * What the citizen adds to the case (by phone, mail or app). The optional fields are recorded on
 * the timeline with it: the id an Open311 app was given for its update, the files sent with it
 * (attachment ids) and a photo link the app sent.
 */
export interface CitizenInformation {
  text: string;
  channel: Channel;
  updateId?: string;
  attachmentIds?: string[];
  mediaUrl?: string;
}

/** A callback an operator scheduled; `attempt` counts the definition's attempts. */
export interface ScheduledCallback {
  at: string;
  attempt: number;
  by: string;
}

/** Who asks for a change: the workflow checks that they may, and the audit trail names them. */
export interface Actor {
  id: string;
  /** `citizen`: the citizen themself, on their page of the case (id `citizen`, no office). */
  role: StaffRole | 'citizen';
  officeId: string | null;
  /** The API request that asked, for the audit trail. */
  requestId?: string;
}

export type SlaState = 'on-track' | 'warning' | 'breached';

/** The office's piece of work on a case, with its service-level instants (ISO strings). */
export interface TaskSnapshot {
  id: string;
  officeId: string;
  assignee: string | null;
  status: 'open' | 'claimed' | 'done';
  createdAt: string;
  warningAt: string;
  dueAt: string;
  slaState: SlaState;
  escalated: boolean;
  /** Set while the office waits on the citizen: the service-level clock is stopped. */
  waitingSince: string | null;
  /** Business time spent waiting on the citizen so far; warning, due and reminders move by it. */
  pausedBusinessMs: number;
}

export interface CaseSnapshot {
  caseId: string;
  status: CaseStatus;
  /** intake (first level) → office (⇄ waiting-citizen) → resolved → callback (when the office answered) → survey → closed */
  stage: string;
  outcome: Outcome | null;
  lastSeq: number;
  definitionVersion: number;
  task: TaskSnapshot | null;
  solicitations: number;
  /** Complaint cases opened from this one. */
  complaints: string[];
  /** Business time left before the task is due, by its office's calendar (ms; negative once breached). */
  remainingBusinessMs: number | null;
  /** The next call an operator scheduled (absent in cases from before callbacks). */
  scheduledCallback?: ScheduledCallback | null;
  /** Phone calls recorded on the case, as `kind:callId`: a repeated call signal records nothing. */
  calls?: string[];
}

/**
 * A phone call about the case, from the telephony ingestion: an operator answered it
 * (`attached`), or it was handed to a second-level office's number (`transferred`).
 */
export interface CaseCall {
  kind: 'attached' | 'transferred';
  callId: string;
  lineId: string;
  caller: string;
  agent?: string | null;
  topic?: string | null;
  /** transferred: the number it went to and the office that number is. */
  target?: string;
  officeId?: string | null;
}

/** `actor` is null in cases resolved before authentication. */
export type ResolveCaseArgs = ResolveCommand & { actor: Actor | null };
/** `live`: the call is being handed to the office now (only when the definition allows it and the office is open). */
export interface TransferArgs {
  actor: Actor | null;
  note?: string;
  live?: true;
}
export interface TaskActionArgs {
  actor: Actor;
}
export interface CompleteTaskArgs {
  actor: Actor;
  answer: string;
  outcome: Outcome;
}
export interface RequestInformationArgs {
  actor: Actor;
  question: string;
}
export interface ReassignTaskArgs {
  actor: Actor;
  toOffice: string;
  reason?: string;
}
export interface AddNoteArgs {
  actor: Actor;
  text: string;
}
export interface WithdrawArgs {
  actor: Actor;
  note?: string;
}
/** `at`: an ISO instant, in the future and inside the definition's callback window. */
export interface ScheduleCallbackArgs {
  actor: Actor;
  at: string;
  note?: string;
}

/** Returns once the case's opening is in the read model, so the caller can read its own write. */
export const openedUpdate = defineUpdate<CaseSnapshot>('opened');
/** Closes the case at the first level (when its definition allows the operator to). */
export const resolveUpdate = defineUpdate<CaseSnapshot, [ResolveCaseArgs]>('resolve');
/** Hands the case to the competent office as a task with service-level timers. */
export const transferUpdate = defineUpdate<CaseSnapshot, [TransferArgs]>('transfer');
export const claimTaskUpdate = defineUpdate<CaseSnapshot, [TaskActionArgs]>('claimTask');
export const releaseTaskUpdate = defineUpdate<CaseSnapshot, [TaskActionArgs]>('releaseTask');
export const completeTaskUpdate = defineUpdate<CaseSnapshot, [CompleteTaskArgs]>('completeTask');
export const reassignTaskUpdate = defineUpdate<CaseSnapshot, [ReassignTaskArgs]>('reassignTask');
/** The office asks the citizen for more information; the service-level clock stops until it arrives. */
export const requestInformationUpdate = defineUpdate<CaseSnapshot, [RequestInformationArgs]>('requestInformation');
/** A staff note on the case's timeline, at any stage until it is closed. */
export const addNoteUpdate = defineUpdate<CaseSnapshot, [AddNoteArgs]>('addNote');
/** The citizen withdraws the request: resolved as `withdrawn`, its task closed, no callback nor survey. */
export const withdrawUpdate = defineUpdate<CaseSnapshot, [WithdrawArgs]>('withdraw');
/** An operator books a call to the citizen; it is cancelled if the case is resolved first. */
export const scheduleCallbackUpdate = defineUpdate<CaseSnapshot, [ScheduleCallbackArgs]>('scheduleCallback');

/** The citizen asks where the case is ("sollecito"): the office is reminded at once. */
export const solicitSignal = defineSignal<[{ channel: Channel }]>('solicit');
/** The citizen complains ("reclamo"): a linked complaint case is opened for the public relations office. */
export const complainSignal = defineSignal<[{ text: string; channel: Channel }]>('complain');
/** The citizen's further information (by phone, mail or app); it restarts the service-level clock. */
export const citizenInformationSignal = defineSignal<[CitizenInformation]>('citizenInformation');
export const surveyAnswerSignal = defineSignal<[{ answers: Record<string, string | number | boolean> }]>('surveyAnswer');

/** `attachments`: the files sent with it (already stored), recorded with the information on the timeline. */
export interface CitizenInformation {
  text: string;
  channel: Channel;
  attachments?: { id: string; fileName: string; contentType: string; size: number }[];
}

/** A call about the case: recorded on its timeline as `call.attached` or `call.transferred`. */
export const callSignal = defineSignal<[CaseCall]>('call');

export const snapshotQuery = defineQuery<CaseSnapshot>('snapshot');

export const caseAlreadyClosedError = 'CaseAlreadyClosed';

/**
 * An administrator removed the cause of a stuck read-model write: the case's workflow tries its
 * stuck writes again, in order (`workflows/stuck-writes.ts`).
 */
export const retryStuckWritesSignal = defineSignal('retryStuckWrites');
/** The opening of the case could not be written to the database: it is kept and listed as stuck. */
export const caseStuckError = 'CaseStuck';
/** The failure type of a write PostgreSQL refuses for good (`activities/poison-data.ts`). */
export const poisonDataError = 'PoisonData';
