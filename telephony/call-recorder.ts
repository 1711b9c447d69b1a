import { recordCallEvent } from '../api/db/calls.repository.ts';
import { type CallEvent, type CallEventInput, CallEventSchema } from '../domain/call-events.ts';
import type { Db } from '../platform/db.ts';
import type { Logger } from '../platform/logger.ts';

/**
 * Numbers an adapter's call events per call and stores them in order. Recording never blocks or
 * fails the call itself: a database error is logged and the call goes on.
 */
export class CallEventRecorder {
  private readonly calls = new Map<string, { seq: number; chain: Promise<void> }>();

  constructor(private readonly db: Db, private readonly log: Logger) {}

  /** `last`: no more events will come for this call here (its end, or a contact another system follows). */
  record(input: CallEventInput, last = input.type === 'ended'): CallEvent {
    const call = this.calls.get(input.callId) ?? { seq: 0, chain: Promise.resolve() };
    this.calls.set(input.callId, call);
    const event = CallEventSchema.parse({ ...input, seq: ++call.seq, at: input.at ?? new Date().toISOString() });
    call.chain = call.chain
      .then(() => this.db.transaction().execute((trx) => recordCallEvent(trx, event)))
      .then(() => undefined, (err: unknown) => this.log.error({ err, event }, 'call event not recorded'));
    // The numbering is no longer needed once the last event is stored.
    if (last) {
      const chain = call.chain;
      void chain.then(() => { if (this.calls.get(event.callId)?.chain === chain) this.calls.delete(event.callId); });
    }
    return event;
  }

  /** Waits until every event reported so far is stored. */
  async flush(): Promise<void> {
    await Promise.all([...this.calls.values()].map((c) => c.chain));
  }
}
