import type { EndCause } from '../../domain/call-events.ts';
import type { QueuePriority } from '../../domain/line.ts';
import type { CallEventRecorder } from '../../services/call-recorder.ts';
import type { CallOutcome } from '../../domain/dialer.ts';

/** What a final SIP status to our INVITE means for the call (487 is our own CANCEL at the ring timeout). */
export function outcomeOf(status: number): CallOutcome {
  if (status < 300) return 'answered';
  if (status === 486 || status === 600) return 'busy';
  if (status === 408 || status === 480 || status === 487) return 'no-answer';
  return 'failed';
}
const causeOf: Record<Exclude<CallOutcome, 'answered'>, EndCause> = { busy: 'busy', 'no-answer': 'no-answer', failed: 'failed' };

export interface CallParties {
  callId: string;
  caller: string;
  called: string;
}

/**
 * The SIP user agent's steps as neutral call events. The line (municipality) is found from the
 * number of ours on the call: the dialled one inbound, the presented one outbound.
 */
export class SipCallEvents {
  constructor(
    private readonly recorder: CallEventRecorder,
    private readonly lineOf: (ourNumber: string) => string | null,
  ) {}

  offered(c: CallParties) {
    this.recorder.record({
      type: 'initiated',
      direction: 'inbound',
      callId: c.callId,
      caller: c.caller,
      called: c.called,
      line: this.lineOf(c.called),
      linkedCallId: null,
    });
  }

  /** `linkedCallId`: the contact this call follows up (a callback to a caller who hung up in the queue). */
  dialled(c: CallParties, linkedCallId: string | null) {
    this.recorder.record({
      type: 'initiated',
      direction: 'outbound',
      callId: c.callId,
      caller: c.caller,
      called: c.called,
      line: this.lineOf(c.caller),
      linkedCallId,
    });
  }

  dtmf(callId: string, menu: string, digits: string) {
    this.recorder.record({ type: 'ivr-choice', callId, menu, digits });
  }

  queued(callId: string, queue: string, position: number, priority: QueuePriority) {
    this.recorder.record({ type: 'queued', callId, queue, position, priority });
  }

  /** An operator took the call from its queue. */
  agentConnected(callId: string, agent: string) {
    this.recorder.record({ type: 'connected', callId, agent });
  }

  /** The caller hung up while waiting in a queue. */
  abandonedInQueue(callId: string, queuedSince: number) {
    this.recorder.record({ type: 'abandoned', callId, phase: 'queued', waitSeconds: (Date.now() - queuedSince) / 1000 });
    this.recorder.record({ type: 'ended', callId, cause: 'abandoned' });
  }

  /** The callee answered our call; no agent is on it yet. */
  answered(callId: string) {
    this.recorder.record({ type: 'connected', callId, agent: null });
  }

  /** The caller hung up (CANCEL) before we answered. */
  cancelled(callId: string, ringingSince: number) {
    this.recorder.record({ type: 'abandoned', callId, phase: 'ringing', waitSeconds: (Date.now() - ringingSince) / 1000 });
    this.recorder.record({ type: 'ended', callId, cause: 'abandoned' });
  }

  hungUp(callId: string) {
    this.recorder.record({ type: 'ended', callId, cause: 'normal' });
  }

  /** Answered, but the caller never acknowledged the answer: the call never got established. */
  unconfirmed(callId: string) {
    this.recorder.record({ type: 'ended', callId, cause: 'failed' });
  }

  declined(callId: string) {
    this.recorder.record({ type: 'ended', callId, cause: 'rejected' });
  }

  /** The transferee accepted a blind transfer: the call to the target is a new contact linked to this one. */
  transferred(c: CallParties, target: string) {
    const newCallId = transferLeg(c.callId, target);
    this.recorder.record({ type: 'transferred', callId: c.callId, mode: 'blind', target, newCallId });
    // On the original's line; what becomes of it is the PBX's to report.
    this.recorder.record(
      {
        type: 'initiated',
        direction: 'inbound',
        callId: newCallId,
        caller: c.caller,
        called: target,
        line: this.lineOf(c.called),
        linkedCallId: c.callId,
      },
      true,
    );
  }

  /** The PBX or the transferee refused our REFER: the leg it had opened (if any) ends, the caller stays with us. */
  transferFailed(c: CallParties, target: string, status: number, accepted: boolean) {
    const newCallId = accepted ? transferLeg(c.callId, target) : null;
    this.recorder.record({ type: 'transfer-failed', callId: c.callId, target, status, newCallId });
    if (newCallId) this.recorder.record({ type: 'ended', callId: newCallId, cause: 'failed' });
  }

  transferCompleted(callId: string) {
    this.recorder.record({ type: 'ended', callId, cause: 'transferred' });
  }

  failed(callId: string, outcome: Exclude<CallOutcome, 'answered'>) {
    this.recorder.record({ type: 'ended', callId, cause: causeOf[outcome] });
  }
}

const transferLeg = (callId: string, target: string) => `${callId};transfer=${target}`;
