import type { TaskListItem } from '../../../contracts/tasks.ts';

export type QueuedTask = Pick<TaskListItem, 'officeId' | 'officeName' | 'status' | 'slaState' | 'escalated'>;
export interface OfficeQueue {
  officeId: string;
  officeName: string;
  open: number;
  claimed: number;
  warning: number;
  breached: number;
  escalated: number;
}

/** Tasks still to do, counted by office: the busiest (most overdue, then most waiting) first. */
export function queuesByOffice(tasks: QueuedTask[]): OfficeQueue[] {
  const byOffice = new Map<string, OfficeQueue>();
  for (const t of tasks) {
    if (t.status === 'done') continue;
    const q = byOffice.get(t.officeId) ?? {
      officeId: t.officeId,
      officeName: t.officeName,
      open: 0,
      claimed: 0,
      warning: 0,
      breached: 0,
      escalated: 0,
    };
    q[t.status] += 1;
    if (t.slaState !== 'on-track') q[t.slaState] += 1;
    if (t.escalated) q.escalated += 1;
    byOffice.set(t.officeId, q);
  }
  return [...byOffice.values()].sort(
    (a, b) => b.breached - a.breached || b.open + b.claimed - a.open - a.claimed || a.officeName.localeCompare(b.officeName, 'it'),
  );
}
