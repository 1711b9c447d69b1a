/** Places outbound calls (callbacks) for the workflows; implemented by each telephony adapter. */
export interface Dialer {
  call(to: string, opts: { callId: string; ringSeconds: number }): Promise<'answered' | 'no-answer' | 'busy' | 'failed'>;
}

export type DialOutcome = Awaited<ReturnType<Dialer['call']>>;
