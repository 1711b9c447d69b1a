import { ApplicationFailure } from '@temporalio/common';
import { type Calendar, CalendarSchema } from '../domain/calendar.ts';
import { sql } from 'kysely';
import { appendAudit } from '../db/audit.repository.ts';
import { latestPublished } from '../db/definitions.repository.ts';
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

export interface OfficeContext { id: string; name: string; email: string | null; calendar: Calendar }

export function createCaseActivities({ db }: { db: Db }) {
  return {
    /**
     * Appends one event and moves the case and task rows forward, in one transaction. Idempotent
     * by (case, seq): a retried or late call never duplicates an event nor moves a row back.
     */
    async recordCaseEvent(e: RecordCaseEvent): Promise<void> {
      await db.transaction().execute(async (trx) => {
        if (e.intake) {
          await trx.insertInto('cases').values({
            id: e.caseId,
            municipality_id: e.intake.municipalityId,
            service_code: e.intake.serviceCode,
            channel: e.intake.channel,
            subject: e.intake.subject,
            description: e.intake.description,
            citizen: JSON.stringify(e.intake.citizen),
            details: JSON.stringify(e.intake.details),
            location: e.intake.location ? JSON.stringify(e.intake.location) : null,
            definition_version: e.definitionVersion,
            status: e.status,
            stage: e.stage,
            outcome: e.outcome,
            created_at: e.at,
            updated_at: e.at,
            last_seq: 0,
          }).onConflict((oc) => oc.column('id').doNothing()).execute();
        }
        const inserted = await trx.insertInto('case_events').values({
          case_id: e.caseId, seq: e.seq, type: e.type, at: e.at, stage: e.stage, actor: e.actor,
          data: JSON.stringify(e.data), definition_version: e.definitionVersion,
        }).onConflict((oc) => oc.columns(['case_id', 'seq']).doNothing()).returning('seq').executeTakeFirst();
        if (inserted) {
          const municipalityId = e.municipalityId
            ?? (await trx.selectFrom('cases').select('municipality_id').where('id', '=', e.caseId).executeTakeFirstOrThrow()).municipality_id;
          await appendAudit(trx, {
            actor: e.actor ?? 'system', role: e.actorRole ?? null, municipalityId, action: e.type, targetType: 'case',
            targetId: e.caseId, requestId: e.requestId ?? null, at: new Date(e.at),
            after: { seq: e.seq, data: e.data, status: e.status, stage: e.stage, outcome: e.outcome, task: e.task ?? null },
          });
        }
        await trx.updateTable('cases').set({
          status: e.status,
          stage: e.stage,
          outcome: e.outcome,
          updated_at: e.at,
          resolved_at: e.status === 'resolved' && e.type === 'case.resolved' ? e.at : undefined,
          office_id: e.officeId,
          solicitations: e.solicitations,
          last_seq: e.seq,
        }).where('id', '=', e.caseId).where('last_seq', '<', e.seq).execute();
        if (e.task) {
          const t = e.task;
          const row = {
            office_id: t.officeId, assignee: t.assignee, status: t.status, warning_at: t.warningAt, due_at: t.dueAt,
            sla_state: t.slaState, escalated: t.escalated, waiting_since: t.waitingSince, updated_at: e.at, last_seq: e.seq,
          };
          await trx.insertInto('tasks').values({ id: t.id, case_id: e.caseId, created_at: t.createdAt, ...row })
            .onConflict((oc) => oc.column('id').doUpdateSet(row).where('tasks.last_seq', '<', e.seq))
            .execute();
        }
      });
    },

    /**
     * A number for a complaint about a case and the complaint service's published definition; the
     * workflow then starts the complaint as a case of its own.
     */
    async allocateComplaint(): Promise<{ caseId: string; definition: { version: number; document: ServiceDefinition } }> {
      const definition = await latestPublished(db, 'complaint');
      if (!definition) throw ApplicationFailure.create({ type: 'NoComplaintService', nonRetryable: true, message: 'no published definition for "complaint"' });
      const { n } = await sql<{ n: number }>`select nextval('case_number_seq')::int as n`.execute(db).then((r) => r.rows[0]!);
      return { caseId: formatCaseId(new Date().getUTCFullYear(), n), definition };
    },

    /** An office with the calendar its service levels run on. */
    async officeContext({ officeId }: { officeId: string }): Promise<OfficeContext> {
      const office = await db.selectFrom('offices')
        .leftJoin('calendars', 'calendars.id', 'offices.calendar_id')
        .select(['offices.id', 'offices.name', 'offices.email', 'calendars.spec'])
        .where('offices.id', '=', officeId).executeTakeFirst();
      if (!office) throw ApplicationFailure.create({ type: 'UnknownOffice', nonRetryable: true, message: `office ${officeId} does not exist` });
      if (!office.spec) throw new Error(`office ${officeId} has no calendar`);
      return { id: office.id, name: office.name, email: office.email, calendar: CalendarSchema.parse(office.spec) };
    },
  };
}
