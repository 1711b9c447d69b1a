import {
  type Client,
  ServiceError,
  type SignalDefinition,
  type UpdateDefinition,
  type WorkflowHandle,
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { type CaseIntake, formatCaseId } from '../domain/case.ts';
import type { Db } from '../db/connection.ts';
import {
  type Actor,
  type CaseSnapshot,
  type CaseWorkflowInput,
  caseStuckError,
  caseWorkflowType,
  openedUpdate,
} from '../workflows/case.definitions.ts';
import { detailsIssues } from '../domain/service-definition.ts';
import {
  type CaseListFilter,
  type CaseRow,
  type CaseSort,
  type CaseTaskRow,
  caseEventRows,
  caseTaskRows,
  findCaseRow,
  listCaseRows,
  type Scope,
} from '../db/cases.repository.ts';
import type { ListTotal, Page } from '../domain/page.ts';
import { findTask } from '../db/tasks.repository.ts';
import { latestPublished } from '../db/definitions.repository.ts';
import { findMunicipality, findService } from '../db/reference.repository.ts';
import type { CaseWorkerPresence } from './case-workers.ts';
import { ApiError, notFound } from './errors.ts';
import { claimIdempotencyKey } from './idempotency.ts';
import { takeCaseNumber } from '../db/case-numbers.repository.ts';
import { openStuckCase } from '../db/stuck-cases.repository.ts';
import type { Case, CaseDetail, Task } from '../contracts/cases.ts';

export interface CaseServiceDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  telephonyTaskQueue: string;
  updateTimeoutMs: number;
  /** When known, a request with no case worker polling is answered 503 within seconds, not at the deadline. */
  caseWorkers?: CaseWorkerPresence;
}

const intakeScope = 'cases.create';

export function rowToCase(r: CaseRow): Case {
  return {
    id: r.id,
    municipalityId: r.municipality_id,
    municipalityName: r.municipality_name,
    serviceCode: r.service_code,
    serviceName: r.service_name,
    channel: r.channel,
    status: r.status,
    stage: r.stage,
    outcome: r.outcome,
    subject: r.subject,
    description: r.description,
    citizen: r.citizen,
    citizenId: r.citizen_id,
    details: r.details,
    location: r.location,
    definitionVersion: r.definition_version,
    officeId: r.office_id,
    solicitations: r.solicitations,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    resolvedAt: r.resolved_at?.toISOString() ?? null,
  };
}

/** A task as the API shows it (on its case, and as a queue's item). */
export function rowToTask(t: CaseTaskRow): Task {
  return {
    id: t.id,
    officeId: t.office_id,
    officeName: t.office_name,
    assignee: t.assignee,
    status: t.status,
    warningAt: t.warning_at.toISOString(),
    dueAt: t.due_at.toISOString(),
    slaState: t.sla_state,
    escalated: t.escalated,
    waitingSince: t.waiting_since?.toISOString() ?? null,
  };
}

const findCase = async (db: Db, id: string, scope: Scope) => {
  const row = await findCaseRow(db, id, scope);
  return row && rowToCase(row);
};

/** One page of the cases the caller's municipalities hold. */
export async function listCases(
  db: Db,
  scope: Scope,
  filter: CaseListFilter,
  sort: CaseSort,
  page: Page,
): Promise<{ rows: Case[]; total: ListTotal }> {
  const { rows, total } = await listCaseRows(db, scope, filter, sort, page);
  return { rows: rows.map(rowToCase), total };
}

/** A case with its timeline and its office tasks. */
export async function caseDetail(db: Db, id: string, scope: Scope): Promise<CaseDetail> {
  const found = await findCase(db, id, scope);
  if (!found) throw notFound(`case ${id}`);
  const events = await caseEventRows(db, id);
  const tasks = await caseTaskRows(db, id);
  return {
    ...found,
    events: events.map(({ definition_version, ...e }) => ({ ...e, at: e.at.toISOString(), definitionVersion: definition_version })),
    tasks: tasks.map(rowToTask),
  };
}

/** The definition the new case will run on, once the intake is known to fit it. */
async function definitionFor(db: Db, intake: CaseIntake): Promise<CaseWorkflowInput['definition']> {
  const definition = (await findService(db, intake.municipalityId, intake.serviceCode)) && (await latestPublished(db, intake.serviceCode));
  if (!definition) {
    throw new ApiError('unprocessable', 'unknown service', [
      { path: 'body.serviceCode', message: `municipality "${intake.municipalityId}" offers no service "${intake.serviceCode}"` },
    ]);
  }
  const issues = detailsIssues(definition.document.intake.fields, intake.details);
  if (issues.length > 0) {
    throw new ApiError(
      'unprocessable',
      `the details do not fit the service "${intake.serviceCode}"`,
      issues.map((i) => ({ ...i, path: `body.${i.path}` })),
    );
  }
  return definition;
}

const grpcDeadlineExceeded = 4;
const noWorkerWaitMs = 3_000;

/**
 * Runs a call to a case workflow with a deadline. Past it the request is not lost — Temporal keeps
 * it and a worker carries it out when one runs — but the caller gets a 503 instead of waiting forever.
 */
async function withDeadline<T>(deps: CaseServiceDeps, fn: () => Promise<T>): Promise<T> {
  // The request still goes to Temporal (a started workflow is kept), but nobody waits 30 s for no worker.
  const noWorker = deps.caseWorkers && !(await deps.caseWorkers.polling().catch(() => true));
  const timeoutMs = noWorker ? Math.min(deps.updateTimeoutMs, noWorkerWaitMs) : deps.updateTimeoutMs;
  try {
    return await deps.temporal.withDeadline(Date.now() + timeoutMs, fn);
  } catch (err) {
    const timedOut =
      err instanceof WorkflowUpdateRPCTimeoutOrCancelledError ||
      (err instanceof ServiceError && (err.cause as { code?: number } | undefined)?.code === grpcDeadlineExceeded);
    if (!timedOut) throw err;
    const why = noWorker
      ? 'no case worker is running'
      : `the case engine did not answer within ${timeoutMs / 1000}s (is a case worker running?)`;
    throw new ApiError(
      'unavailable',
      `${why}. The request is kept and will be carried out; repeat it later, with the same Idempotency-Key, to see the result.`,
      undefined,
      noWorker ? 30 : 5,
    );
  }
}

/** Carries an earlier request's case id out of the transaction, which rolls back the number taken. */
class EarlierCase {
  constructor(readonly id: string) {}
}

/**
 * The case id for this request: new, or the one an earlier request with the same key received. The
 * number is taken in the transaction that claims the key, after the counter's lock: a repeat, even a
 * concurrent one, gives its number back.
 */
async function allocateCaseId(db: Db, intake: CaseIntake, idempotencyKey: string | undefined): Promise<string> {
  const year = new Date().getUTCFullYear();
  try {
    return await db.transaction().execute(async (trx) => {
      const id = formatCaseId(year, await takeCaseNumber(trx, year));
      if (!idempotencyKey) return id;
      const claimed = await claimIdempotencyKey(trx, intakeScope, idempotencyKey, intake, id);
      if (claimed !== id) throw new EarlierCase(claimed);
      return id;
    });
  } catch (err) {
    if (err instanceof EarlierCase) return err.id;
    throw err;
  }
}

/**
 * Opens a case: its workflow is started (or found, for a repeated key) and the call returns once
 * the workflow has written the case to the read model.
 * `actor` is null for a case the telephony opens from a call answered by no staff user it knows.
 */
export async function openCase(
  deps: CaseServiceDeps,
  intake: CaseIntake,
  idempotencyKey: string | undefined,
  actor: Actor | null,
  scope: Scope,
): Promise<Case> {
  if (!(await findMunicipality(deps.db, intake.municipalityId))) {
    throw new ApiError('unprocessable', 'unknown municipality', [
      { path: 'body.municipalityId', message: `no municipality "${intake.municipalityId}"` },
    ]);
  }
  if (!scope.includes(intake.municipalityId)) {
    throw new ApiError('forbidden', 'you do not serve this municipality', [
      { path: 'body.municipalityId', message: `not one of ${scope.join(', ')}` },
    ]);
  }
  const definition = await definitionFor(deps.db, intake);
  const caseId = await allocateCaseId(deps.db, intake, idempotencyKey);
  const input: CaseWorkflowInput = { caseId, intake, definition, actor, telephonyTaskQueue: deps.telephonyTaskQueue };
  try {
    await withDeadline(deps, () =>
      deps.temporal.workflow.executeUpdateWithStart(openedUpdate, {
        startWorkflowOperation: new WithStartWorkflowOperation(caseWorkflowType, {
          workflowId: caseId,
          taskQueue: deps.taskQueue,
          args: [input],
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        }),
      }),
    );
  } catch (err) {
    // The database refused the case for good: the workflow keeps it and administrators see it stuck.
    if (err instanceof WorkflowUpdateFailedError && (err.cause as { type?: string } | undefined)?.type === caseStuckError) {
      throw new ApiError(
        'unavailable',
        `case ${caseId} was received but could not be stored; it is kept and listed for administrators among the stuck cases. Repeat the request later, with the same Idempotency-Key, to see the result.`,
        undefined,
        60,
      );
    }
    // The key's case already ran to completion: nothing new starts, the stored case is the answer.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  const opened = await findCase(deps.db, caseId, scope);
  if (!opened) throw new Error(`case ${caseId} was opened but is missing from the read model`);
  return opened;
}

/**
 * Runs a change through the case's workflow update, which validates it and answers after the
 * read model is written; a refusal is a 409 with the workflow's reason. Most changes need an open
 * case; `untilClosed` ones (notes) are taken until the case is closed.
 */
async function updateCase(
  deps: CaseServiceDeps,
  caseId: string,
  scope: Scope,
  update: (handle: WorkflowHandle) => Promise<unknown>,
  untilClosed = false,
): Promise<Case> {
  const current = await findCase(deps.db, caseId, scope);
  if (!current) throw notFound(`case ${caseId}`);
  if (untilClosed ? current.stage === 'closed' : current.status !== 'open') {
    throw new ApiError('conflict', `case ${caseId} is ${untilClosed ? 'closed' : `already ${current.status}`}`);
  }
  try {
    await withDeadline(deps, () => update(deps.temporal.workflow.getHandle(caseId)));
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw new ApiError('conflict', err.cause?.message ?? err.message);
    // A change waiting behind a write the database refused: say so, rather than blame the case engine.
    if (err instanceof ApiError && err.code === 'unavailable' && (await openStuckCase(deps.db, caseId))) {
      throw new ApiError(
        'unavailable',
        `case ${caseId} is stuck: a write of it was refused by the database, and its changes wait for an administrator's retry (stuck cases). This one is kept and will be carried out.`,
        undefined,
        60,
      );
    }
    if (err instanceof WorkflowNotFoundError) throw new ApiError('conflict', `case ${caseId} is no longer running`);
    throw err;
  }
  return (await findCase(deps.db, caseId, scope))!;
}

/** Relays a citizen's event to the case's workflow (a signal): it is acted on, not answered. */
export async function signalCase<T>(
  deps: CaseServiceDeps,
  caseId: string,
  scope: Scope,
  signal: SignalDefinition<[T]>,
  payload: T,
): Promise<Case> {
  const current = await findCase(deps.db, caseId, scope);
  if (!current) throw notFound(`case ${caseId}`);
  if (current.stage === 'closed') throw new ApiError('conflict', `case ${caseId} is closed`);
  try {
    await withDeadline(deps, () => deps.temporal.workflow.getHandle(caseId).signal(signal, payload));
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new ApiError('conflict', `case ${caseId} is no longer running`);
    throw err;
  }
  return current;
}

/**
 * A staff action on a case (answer at the first level, transfer, note, withdrawal, callback): the
 * workflow's update validates it against the case's state and the caller. `untilClosed`: also
 * allowed after resolution, until the case closes (notes).
 */
export function caseAction<C extends object, A extends Actor | null>(
  deps: CaseServiceDeps,
  caseId: string,
  scope: Scope,
  update: UpdateDefinition<CaseSnapshot, [C & { actor: A }]>,
  command: C,
  actor: Actor & A,
  untilClosed = false,
): Promise<Case> {
  return updateCase(deps, caseId, scope, (h) => h.executeUpdate(update, { args: [{ ...command, actor }] }), untilClosed);
}

/**
 * One of the office's actions on a task (claim, release, complete, reassign, ask the citizen): a
 * workflow update whose validator checks the actor, office and state.
 */
export async function taskAction<A extends { actor: Actor }>(
  deps: CaseServiceDeps,
  taskId: string,
  scope: Scope,
  update: UpdateDefinition<CaseSnapshot, [A]>,
  args: A,
): Promise<Case> {
  const task = await findTask(deps.db, taskId, scope);
  if (!task) throw notFound(`task ${taskId}`);
  return updateCase(deps, task.caseId, scope, (h) => h.executeUpdate(update, { args: [args] }));
}
