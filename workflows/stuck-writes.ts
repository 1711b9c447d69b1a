import { ActivityFailure, ApplicationFailure, condition, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { RecordCaseEvent } from '../activities/case-activities.ts';
import { boundedWrite, type CaseActivities, durable } from './activity-profiles.ts';
import { poisonDataError } from './case.definitions.ts';

const writes = proxyActivities<CaseActivities>(boundedWrite);
const reports = proxyActivities<CaseActivities>(durable);

/** A transient failure that outlasted the write's retries is tried again by itself after this, signal or not. */
const autoRetryAfter = '15 minutes';

/** One write waiting to go (again): it failed in round `failedInRound` (-1: never tried, queued behind a stuck one). */
interface Waiting {
  seq: number;
  failedInRound: number;
}

/**
 * The read-model writes of a case that could not be made. Writes go in the order of their
 * numbers: once one is stuck, later ones wait behind it (the first creates the case row the
 * others need). Each `retryStuckWrites` signal starts a round: the waiting writes go again in order.
 */
export interface StuckWrites {
  queue: Waiting[];
  round: number;
  /** The case's opening write is among them: the `opened` update answers that the case is stuck. */
  opening: boolean;
}

export const noStuckWrites = (): StuckWrites => ({ queue: [], round: 0, opening: false });

/** A failed write's error as `stuck_cases` keeps it: its type and a code, never the data. */
function stuckError(err: unknown): { errorType: string; errorCode: string } | undefined {
  if (!(err instanceof ActivityFailure)) return undefined;
  const cause = err.cause;
  if (cause instanceof ApplicationFailure && cause.type === poisonDataError) {
    const sqlState = (cause.details?.[0] as { sqlState?: unknown } | undefined)?.sqlState;
    return { errorType: poisonDataError, errorCode: typeof sqlState === 'string' ? sqlState : 'unknown' };
  }
  const code = cause instanceof ApplicationFailure ? (cause.type ?? 'Error') : (cause?.name ?? 'unknown');
  return { errorType: 'RetriesExhausted', errorCode: code.slice(0, 60) };
}

const enqueue = (s: StuckWrites, w: Waiting) => {
  const at = s.queue.findIndex((q) => q.seq > w.seq);
  s.queue.splice(at === -1 ? s.queue.length : at, 0, w);
};

/**
 * Writes an event to the read model; when the write fails for good (or past its bound) the case is
 * reported stuck and the write waits, with the case's state still in the workflow, for an
 * administrator's retry. Resolves once the write is made; the stuck row is resolved with the last one.
 */
export async function writeOrWait(s: StuckWrites, e: RecordCaseEvent, municipalityId: string): Promise<void> {
  const me: Waiting = { seq: e.seq, failedInRound: -1 };
  let queued = s.queue.length > 0;
  if (queued) enqueue(s, me);
  for (;;) {
    if (queued) await condition(() => s.queue[0] === me && s.round > me.failedInRound);
    try {
      await writes.recordCaseEvent({ ...e, failFast: true });
      break;
    } catch (err) {
      const error = stuckError(err);
      if (!error) throw err;
      me.failedInRound = s.round;
      if (!queued) enqueue(s, me);
      queued = true;
      if (e.intake) s.opening = true;
      const { workflowId } = workflowInfo();
      const { attempts } = await reports.reportStuckCase({
        caseId: e.caseId,
        municipalityId,
        workflowId,
        activity: 'recordCaseEvent',
        ...error,
      });
      log.warn('read-model write stuck', { caseId: e.caseId, seq: e.seq, errorCode: error.errorCode, attempts });
      if (error.errorType !== poisonDataError && !(await condition(() => s.round > me.failedInRound, autoRetryAfter))) s.round++;
    }
  }
  if (!queued) return;
  s.queue.splice(s.queue.indexOf(me), 1);
  if (e.intake) s.opening = false;
  if (s.queue.length === 0) await reports.resolveStuckCase({ caseId: e.caseId });
}
