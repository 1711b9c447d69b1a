import { proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import { nextOpen } from '../domain/calendar.ts';
import type { CallResult, createTelephonyActivities } from '../activities/telephony-activities.ts';
import type { AbandonedCallbackInput, AbandonedCallbackResult } from './abandoned-callback.definitions.ts';

type Telephony = ReturnType<typeof createTelephonyActivities>;
// Same profiles as the case workflow's: a call rings for half a minute and is retried briefly; the outbox write must land.
const calls = { startToCloseTimeout: '3 minutes', retry: { initialInterval: '10 seconds', maximumAttempts: 3 } } as const;
const durable = { startToCloseTimeout: '30 seconds', retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' } } as const;
const minute = 60_000;

/**
 * A caller hung up while waiting in a line's queue: we call them back while the line is open,
 * up to the line's attempts, `spacingMinutes` apart, each call linked to the abandoned one; when
 * none is answered (or none can be placed), the line's text message goes to the outbox.
 */
export async function abandonedCallbackWorkflow(input: AbandonedCallbackInput): Promise<AbandonedCallbackResult> {
  const { callCitizen } = proxyActivities<Telephony>({ ...calls, taskQueue: input.telephonyTaskQueue });
  const { textCaller } = proxyActivities<Telephony>({ ...durable, taskQueue: input.telephonyTaskQueue });
  const { workflowId } = workflowInfo();
  const { attempts: maxAttempts, spacingMinutes, fallbackSms } = input.policy;
  const attempts: AbandonedCallbackResult['attempts'] = [];
  // A line whose calendar never opens cannot call anyone back: the caller gets the text at once.
  const openFrom = (instant: number) => { try { return nextOpen(input.calendar, instant); } catch { return null; } };
  let at = openFrom(Date.now());
  for (let attempt = 1; attempt <= maxAttempts && at !== null; attempt++) {
    if (at > Date.now()) await sleep(at - Date.now());
    const startedAt = Date.now();
    const callId = `${workflowId}:${attempt}`;
    // A dialer that keeps erring (after the activity's retries) counts as a call that could not be placed.
    const { outcome } = await callCitizen({
      caseId: null, attempt, phone: input.phone, purpose: 'abandoned-call', dedupKey: callId, linkedCallId: input.abandonedCallId,
    }).catch((): CallResult => ({ outcome: 'failed', callId: null }));
    attempts.push({ attempt, callId, outcome });
    if (outcome === 'answered') return { attempts, result: 'answered' };
    // `failed`: no line, a wrong number — dialling again would not help.
    if (outcome === 'failed') break;
    at = openFrom(startedAt + spacingMinutes * minute);
  }
  await textCaller({ dedupKey: `${workflowId}:fallback`, phone: input.phone, text: fallbackSms });
  return { attempts, result: 'fallback' };
}
