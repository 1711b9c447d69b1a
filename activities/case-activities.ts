import { ApplicationFailure } from '@temporalio/common';
import { type Calendar, CalendarSchema } from '../domain/calendar.ts';
import { appendAudit } from '../db/audit.repository.ts';
import { advanceCase, appendCaseEvent, insertCase, municipalityOfCase, saveTask } from '../db/case-events.repository.ts';
import { takeCaseNumber } from '../db/case-numbers.repository.ts';
import { latestPublished } from '../db/definitions.repository.ts';
import { findOfficeWithCalendar } from '../db/offices.repository.ts';
import { type CaseIntake, type CaseStatus, formatCaseId, type Outcome } from '../domain/case.ts';
import type { ServiceDefinition } from '../domain/service-definition.ts';
import type { Db } from '../db/connection.ts';
import type { TaskSnapshot } from '../workflows/case.definitions.ts';
import { linkCaseCitizen } from '../services/citizen-registry.service.ts';
import { applyRetention } from '../services/erasure.service.ts';
import type { RetentionRun } from '../contracts/erasure.ts';
import type { CitizenLinkKeys } from '../platform/citizen-link-secret.ts';
import { messageCitizen, type Notice } from '../services/messages/outbox.ts';
import { recordStuckWrite, resolveStuckWrite, type StuckWrite } from '../db/stuck-cases.repository.ts';
import { refusingPoison } from './poison-data.ts';

export interface RecordCaseEvent {
  caseId: string;
  seq: number;
  type: string;
  at: string;
  actor: string | null;
  /** For the audit trail (absent in events of histories recorded before it). */
  actorRole?: string | null;
  requestId?: string | null;
  municipalityId?: string;
  data: Record<string, unknown>;
  status: CaseStatus;
  stage: string;
  outcome: Outcome | null;
  definitionVersion: number;
  /** Present on the first event: it creates the case row. */
  intake?: CaseIntake;
  /** The office now responsible, and its task as of this event (absent before any transfer). */
  officeId?: string | null;
  task?: TaskSnapshot | null;
  solicitations?: number;
  /**
   * Set by workflows with the stuck-cases patch: data PostgreSQL refuses for good fails at once
   * (non-retryable `PoisonData`) and the workflow lists the case as stuck. Without it such a write
   * is retried as it always was (workflows from before the patch know no other way).
   */
  failFast?: boolean;
}

export interface OfficeContext {
  id: string;
  name: string;
  email: string | null;
  calendar: Calendar;
}

/** `citizenLinks`: the acknowledgement then ends with the link to the citizen's page of the case. */
export function createCaseActivities({ db, citizenLinks }: { db: Db; citizenLinks?: CitizenLinkKeys }) {
  return {
    /**
     * The acknowledgement of a new case: its number and the page link, by e-mail when the citizen
     * gave an address (the subject carries the number, so a reply finds the case), else by SMS.
     * Written to the outbox here, on the case worker, so opening a case waits on no other process.
     * Idempotent by its dedup key; null when the citizen left no phone or e-mail.
     */
    async acknowledgeCase({ caseId }: { caseId: string }): Promise<Notice | null> {
      const message = { event: 'case.acknowledged', data: {} } as const;
      return messageCitizen(db, { caseId, dedupKey: `${caseId}:acknowledgement`, preferred: 'email', message }, citizenLinks);
    },

    /**
     * Appends one event and moves the case and task rows forward (`writeCaseEvent`). Data PostgreSQL
     * refuses for good is a `PoisonData` failure naming only codes, non-retryable with `failFast`.
     */
    async recordCaseEvent({ failFast = false, ...e }: RecordCaseEvent): Promise<void> {
      await refusingPoison('recordCaseEvent', () => writeCaseEvent(db, e), { failFast });
    },

    /**
     * A case whose read-model write failed for good, listed for administrators (`stuck_cases`):
     * only ids, the activity and the error's code. The first report of a case is audited.
     */
    async reportStuckCase(w: StuckWrite): Promise<{ attempts: number }> {
      return db.transaction().execute(async (trx) => {
        const { row, created } = await recordStuckWrite(trx, w);
        if (created) {
          await appendAudit(trx, {
            actor: 'system',
            role: null,
            municipalityId: w.municipalityId,
            action: 'case.stuck',
            targetType: 'case',
            targetId: w.caseId,
            after: { activity: w.activity, errorCode: w.errorCode, errorType: w.errorType },
          });
        }
        return { attempts: row.attempts };
      });
    },

    /** The case's stuck write went through: its open row is resolved (audited); nothing when none was open. */
    async resolveStuckCase({ caseId }: { caseId: string }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const row = await resolveStuckWrite(trx, caseId);
        if (!row) return;
        await appendAudit(trx, {
          actor: 'system',
          role: null,
          municipalityId: row.municipality_id,
          action: 'case.stuck-resolved',
          targetType: 'case',
          targetId: caseId,
          before: { attempts: row.attempts, errorCode: row.error_code },
          after: { resolvedAt: row.resolved_at?.toISOString() ?? null },
        });
      });
    },

    /**
     * A number for a complaint about a case and the complaint service's published definition; the
     * workflow then starts the complaint as a case of its own.
     */
    async allocateComplaint(): Promise<{ caseId: string; definition: { version: number; document: ServiceDefinition } }> {
      const definition = await latestPublished(db, 'complaint');
      if (!definition)
        throw ApplicationFailure.create({
          type: 'NoComplaintService',
          nonRetryable: true,
          message: 'no published definition for "complaint"',
        });
      const year = new Date().getUTCFullYear();
      return { caseId: formatCaseId(year, await takeCaseNumber(db, year)), definition };
    },

    /** One batch of the nightly retention (workflows/retention.ts): closed cases past their service's retention, anonymised. */
    async applyRetention({ at, limit }: { at: string; limit?: number }): Promise<RetentionRun> {
      return applyRetention(db, new Date(at), limit);
    },

    /** An office with the calendar its service levels run on. */
    async officeContext({ officeId }: { officeId: string }): Promise<OfficeContext> {
      const office = await findOfficeWithCalendar(db, officeId);
      if (!office)
        throw ApplicationFailure.create({ type: 'UnknownOffice', nonRetryable: true, message: `office ${officeId} does not exist` });
      if (!office.spec) throw new Error(`office ${officeId} has no calendar`);
      return { id: office.id, name: office.name, email: office.email, calendar: CalendarSchema.parse(office.spec) };
    },
  };
}

/**
 * Appends one event and moves the case and task rows forward, in one transaction. Idempotent by
 * (case, seq): a retried or late call never duplicates an event nor moves a row back.
 */
async function writeCaseEvent(db: Db, e: RecordCaseEvent): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const { status, stage, outcome } = e;
    if (e.intake) {
      const created = await insertCase(trx, {
        id: e.caseId,
        intake: e.intake,
        definitionVersion: e.definitionVersion,
        status,
        stage,
        outcome,
        at: e.at,
      });
      // One citizen, one record: the registry's is found (or made) with the case row, by whichever path it came.
      if (created) {
        await linkCaseCitizen(
          trx,
          { caseId: e.caseId, municipalityId: e.intake.municipalityId, citizen: e.intake.citizen },
          { actor: e.actor ?? 'system', role: e.actorRole ?? null, requestId: e.requestId ?? null },
        );
      }
    }
    const { caseId, seq, type, at, actor, data, definitionVersion } = e;
    if (await appendCaseEvent(trx, { caseId, seq, type, at, stage, actor, data, definitionVersion })) {
      await appendAudit(trx, {
        actor: e.actor ?? 'system',
        role: e.actorRole ?? null,
        municipalityId: e.municipalityId ?? (await municipalityOfCase(trx, caseId)),
        action: e.type,
        targetType: 'case',
        targetId: caseId,
        requestId: e.requestId ?? null,
        at: new Date(e.at),
        after: { seq, data, status, stage, outcome, task: e.task ?? null },
      });
    }
    await advanceCase(trx, caseId, seq, {
      status,
      stage,
      outcome,
      at,
      resolvedAt: status === 'resolved' && type === 'case.resolved' ? at : undefined,
      officeId: e.officeId,
      solicitations: e.solicitations,
    });
    if (e.task) await saveTask(trx, caseId, seq, at, e.task);
  });
}
