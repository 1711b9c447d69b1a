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
}

export interface OfficeContext {
  id: string;
  name: string;
  email: string | null;
  calendar: Calendar;
}

export function createCaseActivities({ db }: { db: Db }) {
  return {
    /**
     * Appends one event and moves the case and task rows forward, in one transaction. Idempotent
     * by (case, seq): a retried or late call never duplicates an event nor moves a row back.
     */
    async recordCaseEvent(e: RecordCaseEvent): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const { status, stage, outcome } = e;
        if (e.intake)
          await insertCase(trx, {
            id: e.caseId,
            intake: e.intake,
            definitionVersion: e.definitionVersion,
            status,
            stage,
            outcome,
            at: e.at,
          });
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
