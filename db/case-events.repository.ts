import type { CaseIntake, CaseStatus, Outcome } from '../domain/case.ts';
import type { Executor } from './database.ts';

/*
 * The case workflow's writes to the read model: the case row, its timeline and its office task,
 * each keyed by the event's sequence number, so a retried or late write never duplicates an event
 * nor moves a row back. The caller runs them in one transaction.
 */

export interface CaseState {
  status: CaseStatus;
  stage: string;
  outcome: Outcome | null;
}

/** The case row, created by the case's first event (once: a repeated first event creates nothing, and answers false). */
export async function insertCase(
  db: Executor,
  c: CaseState & { id: string; intake: CaseIntake; definitionVersion: number; at: string },
): Promise<boolean> {
  const inserted = await db
    .insertInto('cases')
    .values({
      id: c.id,
      municipality_id: c.intake.municipalityId,
      service_code: c.intake.serviceCode,
      channel: c.intake.channel,
      subject: c.intake.subject,
      description: c.intake.description,
      citizen: JSON.stringify(c.intake.citizen),
      details: JSON.stringify(c.intake.details),
      location: c.intake.location ? JSON.stringify(c.intake.location) : null,
      definition_version: c.definitionVersion,
      status: c.status,
      stage: c.stage,
      outcome: c.outcome,
      created_at: c.at,
      updated_at: c.at,
      last_seq: 0,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export interface NewCaseEvent {
  caseId: string;
  seq: number;
  type: string;
  at: string;
  stage: string;
  actor: string | null;
  data: Record<string, unknown>;
  definitionVersion: number;
}

/** Appends the event to the case's timeline; false when it is there already. */
export async function appendCaseEvent(db: Executor, e: NewCaseEvent): Promise<boolean> {
  const inserted = await db
    .insertInto('case_events')
    .values({
      case_id: e.caseId,
      seq: e.seq,
      type: e.type,
      at: e.at,
      stage: e.stage,
      actor: e.actor,
      data: JSON.stringify(e.data),
      definition_version: e.definitionVersion,
    })
    .onConflict((oc) => oc.columns(['case_id', 'seq']).doNothing())
    .returning('seq')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function municipalityOfCase(db: Executor, caseId: string): Promise<string> {
  return (await db.selectFrom('cases').select('municipality_id').where('id', '=', caseId).executeTakeFirstOrThrow()).municipality_id;
}

/** Moves the case row to event `seq` (an older event moves nothing); fields left undefined keep their value. */
export async function advanceCase(
  db: Executor,
  caseId: string,
  seq: number,
  c: CaseState & {
    at: string;
    resolvedAt?: string;
    officeId?: string | null;
    solicitations?: number;
  },
): Promise<void> {
  await db
    .updateTable('cases')
    .set({
      status: c.status,
      stage: c.stage,
      outcome: c.outcome,
      updated_at: c.at,
      resolved_at: c.resolvedAt,
      office_id: c.officeId,
      solicitations: c.solicitations,
      last_seq: seq,
    })
    .where('id', '=', caseId)
    .where('last_seq', '<', seq)
    .execute();
}

/** The office's task on a case, as the workflow holds it (instants as ISO strings). */
export interface TaskState {
  id: string;
  officeId: string;
  assignee: string | null;
  status: 'open' | 'claimed' | 'done';
  createdAt: string;
  warningAt: string;
  dueAt: string;
  slaState: 'on-track' | 'warning' | 'breached';
  escalated: boolean;
  waitingSince: string | null;
}

/** The case's office task as of event `seq`, at `at`; an older event changes nothing. */
export async function saveTask(db: Executor, caseId: string, seq: number, at: string, t: TaskState): Promise<void> {
  const row = {
    office_id: t.officeId,
    assignee: t.assignee,
    status: t.status,
    warning_at: t.warningAt,
    due_at: t.dueAt,
    sla_state: t.slaState,
    escalated: t.escalated,
    waiting_since: t.waitingSince,
    updated_at: at,
    last_seq: seq,
  };
  await db
    .insertInto('tasks')
    .values({ id: t.id, case_id: caseId, created_at: t.createdAt, ...row })
    .onConflict((oc) => oc.column('id').doUpdateSet(row).where('tasks.last_seq', '<', seq))
    .execute();
}
