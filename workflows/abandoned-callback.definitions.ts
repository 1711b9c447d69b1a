import type { Calendar } from '../domain/calendar.ts';
import { localDateOf } from '../domain/calendar.ts';
import type { LineConfig } from '../domain/line.ts';
import type { CallOutcome } from '../domain/dialer.ts';

/** What the ingestion and the worker share about the abandoned caller's callback, without workflow code. */
export const abandonedCallbackWorkflowType = 'abandonedCallbackWorkflow';

export interface AbandonedCallbackInput {
  lineId: string;
  /** The caller, as the PBX presented the number. */
  phone: string;
  /** The contact they hung up on: each callback call is linked to it. */
  abandonedCallId: string;
  /** The line's business calendar: calls are placed only while it is open. */
  calendar: Calendar;
  policy: LineConfig['callback'];
  telephonyTaskQueue: string;
}

export interface AbandonedCallbackResult {
  attempts: { attempt: number; callId: string; outcome: CallOutcome }[];
  /** answered: a call reached the caller; fallback: none did and the text message was queued. */
  result: 'answered' | 'fallback';
}

/**
 * One callback per caller per line per day (Europe/Rome): a second abandon the same day joins the
 * first one's workflow instead of calling the citizen twice.
 */
export function abandonedCallbackWorkflowId(lineId: string, phone: string, at: number): string {
  const { year, month, day } = localDateOf(at);
  const date = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return `callback-${lineId}-${phone.replace(/[^0-9+]/g, '')}-${date}`;
}
