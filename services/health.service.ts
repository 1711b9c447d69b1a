import type { Client } from '@temporalio/client';
import { type Db, pingDb } from '../db/connection.ts';
import type { Readiness } from '../contracts/health.ts';

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

/** Whether this process can serve: its PostgreSQL and Temporal answer. */
export async function readiness(db: Db, temporal: Client): Promise<Readiness> {
  const [postgres, temporalCheck] = await Promise.all([
    check(() => pingDb(db)),
    check(() => temporal.connection.workflowService.getSystemInfo({})),
  ]);
  const ok = postgres === 'ok' && temporalCheck === 'ok';
  return { status: ok ? 'ok' : 'unavailable', checks: { postgres, temporal: temporalCheck } };
}
