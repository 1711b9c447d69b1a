import type { EndCause } from '../../domain/call-events.ts';
import type { CallOutcome } from '../../domain/dialer.ts';

/**
 * What a channel's hangup cause (ITU-T Q.850, as ARI's ChannelDestroyed and ChannelHangupRequest
 * carry it) means for the call: 16 normal clearing, 17 user busy, 18 no user responding, 19 no
 * answer (alerting), 21 call rejected; any other cause (congestion, unallocated number, network
 * failure…) is a call that failed.
 */
export function endCauseOf(q850: number): Exclude<EndCause, 'abandoned' | 'transferred'> {
  if (q850 === 16) return 'normal';
  if (q850 === 17) return 'busy';
  if (q850 === 18 || q850 === 19) return 'no-answer';
  if (q850 === 21) return 'rejected';
  return 'failed';
}

/** The outcome of a callback that was never answered, from its channel's hangup cause. */
export function unansweredOutcomeOf(q850: number): Exclude<CallOutcome, 'answered'> {
  const cause = endCauseOf(q850);
  // Cleared "normally" before answer: the far end let it ring out.
  if (cause === 'normal' || cause === 'no-answer') return 'no-answer';
  return cause === 'busy' ? 'busy' : 'failed';
}
