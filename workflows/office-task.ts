import { addBusinessTime, businessTimeBetween, type Calendar } from '../domain/calendar.ts';
import type { ServiceDefinition } from '../domain/service-definition.ts';
import type { TaskSnapshot } from './case.definitions.ts';

/**
 * The service-level clock of an office task, in business time of the office's calendar. Pure:
 * the workflow asks it what is due next and sleeps until then. Every instant is counted from the
 * task's opening plus the business time it spent waiting on the citizen.
 */
const hour = 3_600_000;
type Sla = ServiceDefinition['sla']['office'];
type Reminders = ServiceDefinition['reminders'];

const after = (task: TaskSnapshot, calendar: Calendar, hours: number) =>
  addBusinessTime(calendar, Date.parse(task.createdAt), hours * hour + task.pausedBusinessMs);

export function openTask(id: string, officeId: string, now: number, calendar: Calendar, sla: Sla): TaskSnapshot {
  const task: TaskSnapshot = {
    id,
    officeId,
    assignee: null,
    status: 'open',
    createdAt: new Date(now).toISOString(),
    warningAt: '',
    dueAt: '',
    slaState: 'on-track',
    escalated: false,
    waitingSince: null,
    pausedBusinessMs: 0,
  };
  return { ...task, ...slaInstants(task, calendar, sla) };
}

function slaInstants(task: TaskSnapshot, calendar: Calendar, sla: Sla): Pick<TaskSnapshot, 'warningAt' | 'dueAt'> {
  return {
    warningAt: new Date(after(task, calendar, sla.warningHours)).toISOString(),
    dueAt: new Date(after(task, calendar, sla.targetHours)).toISOString(),
  };
}

/** Stops the clock while the office waits on the citizen. */
export function pause(task: TaskSnapshot, now: number): void {
  task.waitingSince = new Date(now).toISOString();
}

/** Restarts it: warning, due and reminders move by the business time spent waiting. */
export function resume(task: TaskSnapshot, calendar: Calendar, now: number, sla: Sla): void {
  task.pausedBusinessMs += businessTimeBetween(calendar, Date.parse(task.waitingSince!), now);
  task.waitingSince = null;
  Object.assign(task, slaInstants(task, calendar, sla));
}

export type ClockEvent = { kind: 'warning' } | { kind: 'breach' } | { kind: 'office-reminder' } | { kind: 'citizen-reminder' };
export interface RemindersDone {
  office: number;
  citizen: number;
}

/** The next thing the clock must do, and when; nothing while the clock is stopped or all is done. */
export function nextClockEvent(
  task: TaskSnapshot,
  calendar: Calendar,
  reminders: Reminders,
  done: RemindersDone,
): { at: number; event: ClockEvent } | undefined {
  if (task.waitingSince) return undefined;
  const candidates: { at: number; event: ClockEvent }[] = [];
  if (task.slaState === 'on-track') candidates.push({ at: Date.parse(task.warningAt), event: { kind: 'warning' } });
  if (task.slaState !== 'breached') candidates.push({ at: Date.parse(task.dueAt), event: { kind: 'breach' } });
  const office = reminders.officeAfterHours[done.office];
  if (office !== undefined) candidates.push({ at: after(task, calendar, office), event: { kind: 'office-reminder' } });
  const citizen = reminders.citizenAfterHours[done.citizen];
  if (citizen !== undefined) candidates.push({ at: after(task, calendar, citizen), event: { kind: 'citizen-reminder' } });
  return candidates.sort((a, b) => a.at - b.at)[0];
}

/** Business time left until the task is due; negative once it is overdue. */
export function remainingBusinessMs(task: TaskSnapshot, calendar: Calendar, now: number): number {
  const due = Date.parse(task.dueAt);
  const from = task.waitingSince ? Date.parse(task.waitingSince) : now;
  return from <= due ? businessTimeBetween(calendar, from, due) : -businessTimeBetween(calendar, due, from);
}
