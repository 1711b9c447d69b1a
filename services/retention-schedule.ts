import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import { type RetentionInput, retentionScheduleId, retentionWorkflowType } from '../workflows/retention.definitions.ts';

/**
 * The nightly retention run, as a Temporal Schedule (03:30 Europe/Rome, one run at a time, a
 * missed night caught up once): created by the case worker at start when it does not exist yet, so
 * any number of workers make one. Returns whether this call created it.
 */
export async function ensureRetentionSchedule(temporal: Client, taskQueue: string): Promise<boolean> {
  try {
    await temporal.schedule.create({
      scheduleId: retentionScheduleId,
      spec: { calendars: [{ hour: 3, minute: 30 }], timezone: 'Europe/Rome' },
      action: { type: 'startWorkflow', workflowType: retentionWorkflowType, taskQueue, args: [{} satisfies RetentionInput] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    });
    return true;
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return false;
    throw err;
  }
}
