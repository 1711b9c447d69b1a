import type { Db } from '../db/connection.ts';
import { appendAudit } from '../db/audit.repository.ts';
import { municipalityOfCase } from '../db/case-events.repository.ts';
import { caseEventRows, caseTaskRows, findCaseRow } from '../db/cases.repository.ts';
import type { Outcome } from '../domain/case.ts';
import {
  type Actor,
  citizenInformationSignal,
  complainSignal,
  solicitSignal,
  surveyAnswerSignal,
  withdrawUpdate,
} from '../workflows/case.definitions.ts';
import { type IncomingFile, storeAttachment } from './attachments.service.ts';
import { caseAction, type CaseServiceDeps, signalCase } from './cases.service.ts';
import { ApiError, notFound } from './errors.ts';

/**
 * The citizen's own page of a case: what they may see (no staff names, no internal notes, no
 * codes) and what they may do, each action going through the case workflow as the staff API does.
 * The citizen is the actor `citizen` (role `citizen`) in the audit trail.
 */
export const citizenActions = ['inform', 'solicit', 'complain', 'withdraw', 'survey'] as const;
export type CitizenAction = (typeof citizenActions)[number];

/** What the citizen's timeline shows: these events only, with only the facts named here. */
export type PublicEvent =
  | { at: Date; kind: 'opened' | 'transferred' | 'information-received' | 'solicited' | 'complained' | 'withdrawn' | 'closed' }
  | { at: Date; kind: 'information-requested'; question: string }
  | { at: Date; kind: 'resolved'; outcome: Outcome | null }
  | { at: Date; kind: 'survey-sent' | 'survey-answered' };

export interface CitizenPageView {
  caseId: string;
  serviceName: string;
  municipalityName: string;
  status: 'open' | 'resolved';
  stage: string;
  outcome: Outcome | null;
  openedAt: Date;
  /** When the office is due to answer (its task's due date), while it works on the case. */
  expectedBy: Date | null;
  /** The office's open question, while it waits on the citizen. */
  question: string | null;
  timeline: PublicEvent[];
  allowed: Record<CitizenAction, boolean>;
}

const publicKinds: Record<string, PublicEvent['kind']> = {
  'case.opened': 'opened',
  'case.transferred': 'transferred',
  'information.requested': 'information-requested',
  'information.received': 'information-received',
  'citizen.solicited': 'solicited',
  'complaint.opened': 'complained',
  'case.withdrawn': 'withdrawn',
  'case.resolved': 'resolved',
  'survey.sent': 'survey-sent',
  'survey.answered': 'survey-answered',
  'case.closed': 'closed',
};

/** The event as the citizen's page shows it, or null for one it does not show. */
export function toPublic(e: { type: string; at: Date; data: Record<string, unknown> }): PublicEvent | null {
  const kind = publicKinds[e.type];
  if (!kind) return null;
  if (kind === 'information-requested') return { at: e.at, kind, question: String(e.data.question ?? '') };
  if (kind === 'resolved') return { at: e.at, kind, outcome: (e.data.outcome as Outcome | undefined) ?? null };
  return { at: e.at, kind } as PublicEvent;
}

export async function citizenPageView(db: Db, caseId: string): Promise<CitizenPageView> {
  const municipality = await municipalityOfCase(db, caseId);
  const row = await findCaseRow(db, caseId, [municipality]);
  if (!row) throw notFound(`case ${caseId}`);
  const events = await caseEventRows(db, caseId);
  const tasks = await caseTaskRows(db, caseId);
  const task = tasks.at(-1);
  const timeline = events.map((e) => toPublic({ ...e, data: e.data as Record<string, unknown> })).filter((e) => e !== null);
  const lastQuestion = [...timeline].reverse().find((e) => e.kind === 'information-requested');
  const open = row.status === 'open';
  const has = (kind: PublicEvent['kind']) => timeline.some((e) => e.kind === kind);
  return {
    caseId,
    serviceName: row.service_name,
    municipalityName: row.municipality_name,
    status: row.status,
    stage: row.stage,
    outcome: row.outcome,
    openedAt: row.created_at,
    expectedBy: open && task && task.status !== 'done' ? task.due_at : null,
    question: row.stage === 'waiting-citizen' && lastQuestion ? lastQuestion.question : null,
    timeline,
    allowed: {
      inform: open && row.stage === 'waiting-citizen',
      solicit: open,
      complain: row.stage !== 'closed',
      withdraw: open,
      survey: row.stage === 'survey' && has('survey-sent') && !has('survey-answered'),
    },
  };
}

/** The rating model of the Italian municipal website guidelines: 1–5, then why (by the rating's side), then a comment. */
export const surveyReasons = {
  positive: ['clear', 'complete', 'on-track', 'no-technical-problems', 'other'],
  negative: ['unclear', 'incomplete', 'lost', 'technical-problems', 'other'],
} as const;
export const surveyCommentMax = 200;

export type CitizenActionInput =
  | { action: 'inform'; text: string; files: IncomingFile[] }
  | { action: 'solicit' }
  | { action: 'complain'; text: string }
  | { action: 'withdraw' }
  | { action: 'survey'; rating: number; reason: string; comment: string };

const citizenActor = (requestId: string): Actor => ({ id: 'citizen', role: 'citizen', officeId: null, requestId });
const fieldError = (path: string, message: string) => new ApiError('bad_request', message, [{ path, message }]);

/** Checks the form's fields; a 400 naming the field otherwise. */
function checkInput(input: CitizenActionInput): void {
  if (input.action === 'inform' && !input.text.trim() && input.files.length === 0)
    throw fieldError('body.text', 'write the information asked for, or attach a file');
  if (input.action === 'inform' && input.text.length > 5000) throw fieldError('body.text', 'at most 5000 characters');
  if (input.action === 'complain' && (input.text.trim().length < 3 || input.text.length > 5000))
    throw fieldError('body.text', 'between 3 and 5000 characters');
  if (input.action === 'survey') {
    if (!Number.isInteger(input.rating) || input.rating < 1 || input.rating > 5) throw fieldError('body.rating', 'a rating from 1 to 5');
    const side = input.rating >= 4 ? surveyReasons.positive : surveyReasons.negative;
    if (!(side as readonly string[]).includes(input.reason)) throw fieldError('body.reason', `one of ${side.join(', ')}`);
    if (input.comment.length > surveyCommentMax) throw fieldError('body.comment', `at most ${surveyCommentMax} characters`);
  }
}

/**
 * Carries out a citizen's action on their case, when its state offers it (a 409 otherwise): the
 * workflow's signals and updates as the staff API sends them, on the `web` channel, audited with
 * the citizen as actor. Files are kept with the case before the information is signalled.
 */
export async function citizenAct(deps: CaseServiceDeps, caseId: string, input: CitizenActionInput, requestId: string): Promise<void> {
  const view = await citizenPageView(deps.db, caseId);
  if (!view.allowed[input.action]) throw new ApiError('conflict', `case ${caseId} does not take this action now (${input.action})`);
  checkInput(input);
  const municipalityId = await municipalityOfCase(deps.db, caseId);
  const scope = [municipalityId];
  let details: Record<string, unknown> = {};
  switch (input.action) {
    case 'inform': {
      const attachments = [];
      for (const [i, file] of input.files.entries()) {
        const stored = await storeAttachment(deps.db, { ...file, caseId, municipalityId, source: 'citizen-page' }, `body.files.${i}`);
        attachments.push({ id: stored.id, fileName: stored.fileName, contentType: stored.contentType, size: stored.size });
      }
      await signalCase(deps, caseId, scope, citizenInformationSignal, {
        text: input.text.trim() || '(allegati)',
        channel: 'web',
        ...(attachments.length ? { attachments } : {}),
      });
      details = { attachments: attachments.map((a) => a.id) };
      break;
    }
    case 'solicit':
      await signalCase(deps, caseId, scope, solicitSignal, { channel: 'web' });
      break;
    case 'complain':
      await signalCase(deps, caseId, scope, complainSignal, { text: input.text.trim(), channel: 'web' });
      break;
    case 'withdraw':
      // An update, as the staff route: the workflow records the withdrawal with the citizen as its actor.
      await caseAction<{ note?: string }, Actor>(
        deps,
        caseId,
        scope,
        withdrawUpdate,
        { note: 'ritirata dal cittadino sulla sua pagina' },
        citizenActor(requestId),
      );
      return;
    case 'survey': {
      const answers = {
        satisfaction: input.rating,
        reason: input.reason,
        ...(input.comment.trim() ? { comment: input.comment.trim() } : {}),
      };
      await signalCase(deps, caseId, scope, surveyAnswerSignal, { answers });
      details = { satisfaction: input.rating };
      break;
    }
  }
  // Signals carry no actor: the citizen's request is its own audit record (the workflow's event follows).
  await deps.db.transaction().execute((trx) =>
    appendAudit(trx, {
      actor: 'citizen',
      role: 'citizen',
      municipalityId,
      action: `citizen-page.${input.action}`,
      targetType: 'case',
      targetId: caseId,
      requestId,
      after: { channel: 'web', ...details },
    }),
  );
}
