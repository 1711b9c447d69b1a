import { createHash, timingSafeEqual } from 'node:crypto';
import type { SmsReport } from '../contracts/notifications.ts';
import type { Db } from '../db/connection.ts';
import { ApiError } from './errors.ts';
import { markProviderStatus } from './outbox.service.ts';

// Digests of equal length, so the comparison takes the same time whatever was presented.
const digest = (s: string) => createHash('sha256').update(s).digest();

/** The gateway's shared secret, compared in constant time; unset, every report is refused. */
export function checkGatewaySecret(expected: string | undefined, presented: unknown): void {
  if (!expected || typeof presented !== 'string' || !timingSafeEqual(digest(expected), digest(presented))) {
    throw new ApiError('unauthorized', 'the SMS gateway secret is missing or wrong');
  }
}

/**
 * A delivery report: the SMS it names becomes delivered or failed. An id we do not know (yet:
 * the report can overtake our own record of the send) is a 404, which the gateway retries.
 */
export async function recordSmsReport(db: Db, report: SmsReport): Promise<{ recorded: true }> {
  const updated = await markProviderStatus(db, 'sms', report.id, report.status, report.error);
  if (!updated) throw new ApiError('not_found', 'no sent SMS has this id');
  return { recorded: true };
}
