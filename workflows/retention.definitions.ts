/** What the worker's schedule and the retention workflow share, without workflow code. */
export const retentionWorkflowType = 'retentionWorkflow';
/** The Temporal Schedule that starts it every night (services/retention-schedule.ts). */
export const retentionScheduleId = 'sportello-retention';

export interface RetentionInput {
  /** The instant retention is judged at (ISO 8601); absent: when the run started. */
  at?: string;
}

export interface RetentionResult {
  anonymised: string[];
}
