/** What a call came to: only `answered` reached the citizen. `failed` means it could not be placed at all. */
export type CallOutcome = 'answered' | 'no-answer' | 'busy' | 'failed';

/**
 * The telephone line the telephony worker calls citizens back on: a PBX adapter (SIP) in a
 * deployment that has one. `callId` is stable across retries of the same attempt, so an adapter
 * can refuse to ring twice for one attempt. `linkedCallId`: the contact the call follows up (a
 * callback to a caller who hung up in the queue), so the call records link the two.
 */
export interface DialOptions {
  callId: string;
  ringSeconds: number;
  linkedCallId?: string | null;
}
export interface Dialer {
  call(to: string, opts: DialOptions): Promise<CallOutcome>;
}

/**
 * For deployments without a PBX: no call is placed, every one is `failed` at once, so the case
 * workflow sends the definition's written fallback instead.
 */
export const noDialer: Dialer = { call: async () => 'failed' };
