import { proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import { nextOpen } from '../domain/calendar.ts';
import type { CallResult } from '../activities/telephony-activities.ts';
import type { AbandonedCallbackInput, AbandonedCallbackResult } from './abandoned-callback.definitions.ts';
import { calls, durable, type TelephonyActivities } from './activity-profiles.ts';

const minute = 60_000;

/**
 * A caller hung up while waiting in a line's queue: we call them back while the line is open,
 * up to the line's attempts, `spacingMinutes` apart, each call linked to the abandoned one; when
 * none is answered (or none can be placed), the line's text message goes to the outbox.
 */
export async function abandonedCallbackWorkflow(input: AbandonedCallbackInput): Promise<AbandonedCallbackResult> {
  const { callCitizen } = proxyActivities<TelephonyActivities>({ ...calls, taskQueue: input.telephonyTaskQueue });
  const { textCaller } = proxyActivities<TelephonyActivities>({ ...durable, taskQueue: input.telephonyTaskQueue });
  const { workflowId } = workflowInfo();
  const { attempts: maxAttempts, spacingMinutes, fallbackSms } = input.policy;
  const attempts: AbandonedCallbackResult['attempts'] = [];
  // A line whose calendar never opens cannot call anyone back: the caller gets the text at once.
  const openFrom = (instant: number) => {
    try {
      return nextOpen(input.calendar, instant);
    } catch {
      return null;
    }
  };
  let at = openFrom(Date.now());
  for (let attempt = 1; attempt <= maxAttempts && at !== null; attempt++) {
    if (at > Date.now()) await sleep(at - Date.now());
    const startedAt = Date.now();
    const callId = `${workflowId}:${attempt}`;
    // A dialer that keeps erring (after the activity's retries) counts as a call that could not be placed.
    const { outcome } = await callCitizen({
      caseId: null,
      attempt,
      phone: input.phone,
      purpose: 'abandoned-call',
      dedupKey: callId,
      linkedCallId: input.abandonedCallId,
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
