import { sleep } from '@temporalio/workflow';
import { type Calendar, nextOpen, weekdays } from '../domain/calendar.ts';
import type { ServiceDefinition } from '../domain/service-definition.ts';
import type { CallCitizen, CallResult } from '../activities/telephony-activities.ts';
import type { CallOutcome } from '../domain/dialer.ts';
import type { Actor, ScheduledCallback } from './case.definitions.ts';

/**
 * Calling the citizen back, by the definition's callback policy: each attempt only inside the
 * window (Europe/Rome; national holidays excluded), waiting on a durable timer until it opens.
 * `no-answer` and `busy` are tried again after the spacing; `failed` (the call could not be
 * placed: no line, a wrong number) is not, as dialling again would not help.
 */
type Policy = ServiceDefinition['callback'];
const minute = 60_000;

export interface Caller {
  caseId: string;
  phone: string;
  policy: Policy;
  callCitizen: (call: CallCitizen) => Promise<CallResult>;
  record: (type: string, actor: Actor | null, data?: Record<string, unknown>) => Promise<void>;
}

/** The window as a calendar, so the business-calendar code answers "may we call now?". */
export function callbackWindow(policy: Policy): Calendar {
  const { days, from, to } = policy.window;
  return {
    timeZone: 'Europe/Rome',
    localHolidays: [],
    closures: [],
    observeHolidays: true,
    weekly: Object.fromEntries(weekdays.map((d) => [d, days.includes(d) ? [`${from}-${to}`] : []])) as Calendar['weekly'],
  };
}

export const describeWindow = ({ window: w }: Policy) => `${w.days.join(', ')} ${w.from}-${w.to} (Europe/Rome, not on national holidays)`;

/** The first instant at or after `from` when the citizen may be called. */
export const nextCallInstant = (policy: Policy, from: number) => nextOpen(callbackWindow(policy), from);

/** When to try again after an attempt that started at `startedAt`; undefined when it is over. */
function nextAttemptAt(policy: Policy, attempt: number, outcome: CallOutcome, startedAt: number): number | undefined {
  if (outcome === 'answered' || outcome === 'failed' || attempt >= policy.attempts) return undefined;
  return nextCallInstant(policy, startedAt + policy.spacingMinutes * minute);
}

/** One recorded attempt; a dialer that keeps erring (after the activity's retries) counts as a failed call. */
async function attempt(c: Caller, purpose: CallCitizen['purpose'], n: number, key: string): Promise<CallOutcome> {
  const { outcome, callId } = await c
    .callCitizen({ caseId: c.caseId, attempt: n, phone: c.phone, purpose, dedupKey: `${c.caseId}:call:${key}:${n}` })
    .catch((): CallResult => ({ outcome: 'failed', callId: null }));
  await c.record('callback.attempted', null, { purpose, attempt: n, outcome, callId });
  return outcome;
}

/** The answer is ready: calls until answered or out of attempts; true when the citizen answered. */
export async function callBackWithAnswer(c: Caller): Promise<boolean> {
  let at = nextCallInstant(c.policy, Date.now());
  for (let n = 1; ; n++) {
    if (at > Date.now()) await sleep(at - Date.now());
    const startedAt = Date.now();
    const outcome = await attempt(c, 'answer-ready', n, 'answer-ready');
    const next = nextAttemptAt(c.policy, n, outcome, startedAt);
    if (outcome === 'answered' || next === undefined) {
      await c.record(outcome === 'answered' ? 'callback.answered' : 'callback.failed', null, { purpose: 'answer-ready', attempts: n });
      return outcome === 'answered';
    }
    at = next;
  }
}

/** A scheduled call, now due: one attempt, and the next one if the policy allows (null when done). */
export async function placeScheduledCall(c: Caller, scheduled: ScheduledCallback): Promise<ScheduledCallback | null> {
  const startedAt = Date.now();
  const outcome = await attempt(c, 'scheduled', scheduled.attempt, scheduled.at);
  const next = nextAttemptAt(c.policy, scheduled.attempt, outcome, startedAt);
  if (outcome !== 'answered' && next !== undefined)
    return { ...scheduled, at: new Date(next).toISOString(), attempt: scheduled.attempt + 1 };
  await c.record(outcome === 'answered' ? 'callback.answered' : 'callback.failed', null, {
    purpose: 'scheduled',
    attempts: scheduled.attempt,
  });
  return null;
}
