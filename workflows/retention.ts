import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import { type CaseActivities } from './activity-profiles.ts';
import type { RetentionInput, RetentionResult } from './retention.definitions.ts';

// A run goes through cases a few hundred at a time; each batch is one activity of a few minutes at most.
const { applyRetention } = proxyActivities<CaseActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 10 },
});
const maxBatches = 50;

/**
 * The retention run the nightly schedule starts: anonymises every closed case whose service's
 * retention period has passed since it closed (cases and citizens under a legal hold are skipped).
 * A run that finds more than it can take in `maxBatches` leaves the rest to the next night.
 */
export async function retentionWorkflow(input: RetentionInput = {}): Promise<RetentionResult> {
  const at = input.at ?? workflowInfo().startTime.toISOString();
  const anonymised: string[] = [];
  for (let batch = 0; batch < maxBatches; batch++) {
    const run = await applyRetention({ at });
    anonymised.push(...run.anonymised);
    if (!run.more || run.anonymised.length === 0) break;
  }
  return { anonymised };
}
