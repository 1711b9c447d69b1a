import type { Calendar } from '../domain/calendar.ts';
import type { LineConfig } from '../domain/line.ts';
import type { CallOutcome } from '../domain/dialer.ts';

/** What the ingestion and the worker share about the abandoned caller's callback, without workflow code. */
export const abandonedCallbackWorkflowType = 'abandonedCallbackWorkflow';
// Its workflow id (a keyed hash of line, caller and day, never the number): services/callback-workflow-id.ts.

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
