import { addBusinessTime, businessTimeBetween, type Calendar } from '../domain/calendar.ts';
import type { ServiceDefinition } from '../domain/service-definition.ts';
import type { TaskSnapshot } from './case.definitions.ts';

/**
 * The service-level clock of an office task, in business time of the office's calendar. Pure:
 * the workflow asks it what is due next and sleeps until then.
 */
const hour = 3_600_000;

export function openTask(id: string, officeId: string, now: number, calendar: Calendar, sla: ServiceDefinition['sla']['office']): TaskSnapshot {
  return {
    id,
    officeId,
    assignee: null,
    status: 'open',
    createdAt: new Date(now).toISOString(),
    warningAt: new Date(addBusinessTime(calendar, now, sla.warningHours * hour)).toISOString(),
    dueAt: new Date(addBusinessTime(calendar, now, sla.targetHours * hour)).toISOString(),
    slaState: 'on-track',
    escalated: false,
  };
}

export type ClockEvent = { kind: 'warning' } | { kind: 'breach' } | { kind: 'reminder'; index: number };

/** The next thing the clock must do after `done` reminders, and when; none once breached and reminded. */
export function nextClockEvent(task: TaskSnapshot, calendar: Calendar, reminderHours: number[], remindersDone: number): { at: number; event: ClockEvent } | undefined {
  const candidates: { at: number; event: ClockEvent }[] = [];
  if (task.slaState === 'on-track') candidates.push({ at: Date.parse(task.warningAt), event: { kind: 'warning' } });
  if (task.slaState !== 'breached') candidates.push({ at: Date.parse(task.dueAt), event: { kind: 'breach' } });
  const next = reminderHours[remindersDone];
  if (next !== undefined) {
    candidates.push({ at: addBusinessTime(calendar, Date.parse(task.createdAt), next * hour), event: { kind: 'reminder', index: remindersDone } });
  }
  return candidates.sort((a, b) => a.at - b.at)[0];
}

/** Business time left until the task is due; negative once it is overdue. */
export function remainingBusinessMs(task: TaskSnapshot, calendar: Calendar, now: number): number {
  const due = Date.parse(task.dueAt);
  return now <= due ? businessTimeBetween(calendar, now, due) : -businessTimeBetween(calendar, due, now);
}
