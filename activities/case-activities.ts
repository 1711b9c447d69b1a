import type { CaseIntake, CaseStatus, Outcome } from '../domain/case.ts';
import type { Db } from '../platform/db.ts';

export interface RecordCaseEvent {
  caseId: string;
  seq: number;
  type: string;
  at: string;
  actor: string | null;
  data: Record<string, unknown>;
  status: CaseStatus;
  stage: string;
  outcome: Outcome | null;
  definitionVersion: number;
  /** Present on the first event: it creates the case row. */
  intake?: CaseIntake;
}

export function createCaseActivities({ db }: { db: Db }) {
  return {
    /**
     * Appends one event and moves the case row forward, in one transaction. Idempotent by
     * (case, seq): a retried or late call never duplicates an event nor moves the row back.
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
            definition_version: e.definitionVersion,
            status: e.status,
            stage: e.stage,
            outcome: e.outcome,
            created_at: e.at,
            updated_at: e.at,
            last_seq: 0,
          }).onConflict((oc) => oc.column('id').doNothing()).execute();
        }
        await trx.insertInto('case_events').values({
          case_id: e.caseId, seq: e.seq, type: e.type, at: e.at, stage: e.stage, actor: e.actor,
          data: JSON.stringify(e.data), definition_version: e.definitionVersion,
        }).onConflict((oc) => oc.columns(['case_id', 'seq']).doNothing()).execute();
        await trx.updateTable('cases').set({
          status: e.status,
          stage: e.stage,
          outcome: e.outcome,
          updated_at: e.at,
          resolved_at: e.status === 'resolved' && e.type === 'case.resolved' ? e.at : undefined,
          last_seq: e.seq,
        }).where('id', '=', e.caseId).where('last_seq', '<', e.seq).execute();
      });
    },
  };
}
