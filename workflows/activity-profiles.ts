import type { createCaseActivities } from '../activities/case-activities.ts';
import type { createTelephonyActivities } from '../activities/telephony-activities.ts';

/** The activities as workflows see them: types only, never the code (it does I/O). */
export type CaseActivities = ReturnType<typeof createCaseActivities>;
export type TelephonyActivities = ReturnType<typeof createTelephonyActivities>;

/**
 * The timeout and retry profiles every workflow proxies its activities with.
 * `durable`: read-model and outbox writes must eventually land, so they are retried without a cap,
 * backing off to once a minute.
 */
export const durable = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
} as const;

/** `calls`: a call rings for half a minute; a dialer that errs is retried briefly, never for long (the citizen would be rung late). */
export const calls = { startToCloseTimeout: '3 minutes', retry: { initialInterval: '10 seconds', maximumAttempts: 3 } } as const;

/**
 * `boundedWrite`: read-model writes of cases opened with the stuck-cases patch. A write PostgreSQL
 * refuses for good fails at once (`PoisonData`); one that keeps failing otherwise stops after these
 * attempts (about five minutes): either way the case is listed as stuck (`workflows/stuck-writes.ts`).
 */
export const boundedWrite = { ...durable, retry: { ...durable.retry, maximumAttempts: 10 } } as const;
