/**
 * What the agent desktop asks of the telephony adapter that holds a call waiting in its own queue
 * (the SIP user agent, or the Asterisk ARI application): connect the caller to the operator who
 * answered the offer, or put the caller back in the queue when the operator could not take it.
 * A PBX with its own ACD (the CTI webhook) needs neither: its events say who answered.
 * `extension`: where the operator's phone is reached (a SIP URI user or an Asterisk endpoint), null
 * when the operator talks through the PBX's own routing.
 */
export interface ConnectRequest {
  callId: string;
  agent: string;
  extension: string | null;
}
export type ConnectOutcome = 'connected' | 'gone' | 'failed';

export interface CallControl {
  connect(req: ConnectRequest): Promise<ConnectOutcome>;
  requeue(callId: string): Promise<void>;
}
