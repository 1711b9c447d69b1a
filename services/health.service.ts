import type { Client } from '@temporalio/client';
import { type Db, pingDb } from '../db/connection.ts';
import type { Readiness } from '../contracts/health.ts';
import type { CaseWorkerPresence } from './case-workers.ts';

/** `ok`, or why the probe failed (including taking over 3 s). */
async function check(probe: () => Promise<unknown>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out after 3s')), 3000);
      }),
    ]);
    return 'ok';
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Whether this process can serve: its PostgreSQL and Temporal answer, and some case worker polls
 * (without one every case action would wait for its deadline).
 */
export async function readiness(db: Db, temporal: Client, caseWorkers: CaseWorkerPresence): Promise<Readiness> {
  const [postgres, temporalCheck, workers] = await Promise.all([
    check(() => pingDb(db)),
    check(() => temporal.connection.workflowService.getSystemInfo({})),
    check(async () => {
      if (!(await caseWorkers.polling())) throw new Error('no case worker polls the task queue');
    }),
  ]);
  const checks = { postgres, temporal: temporalCheck, caseWorkers: temporalCheck === 'ok' ? workers : 'unknown: Temporal does not answer' };
  const ok = Object.values(checks).every((c) => c === 'ok');
  return { status: ok ? 'ok' : 'unavailable', checks };
}
