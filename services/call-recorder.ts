import { eventsNotIngested, markIngested, recordCallEvent, type StoredCall, storedCall } from '../db/calls.repository.ts';
import { type CallEvent, type CallEventInput, CallEventSchema } from '../domain/call-events.ts';
import type { Db } from '../db/connection.ts';
import type { Logger } from '../platform/logger.ts';

/**
 * Numbers an adapter's call events per call and stores them in order. Recording never blocks or
 * fails the call itself: a database error is logged and the call goes on. The numbering carries
 * on from the stored `calls.last_seq` the first time a call is seen, so after a restart mid-call
 * the next events follow the stored ones instead of colliding with them. `onRecorded` (the
 * ingestion) runs after each stored event, in the call's order.
 */
export class CallEventRecorder {
  private readonly calls = new Map<string, { seq: number | null; chain: Promise<unknown> }>();
  onRecorded: ((e: CallEvent) => Promise<void>) | null = null;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
  ) {}

  /** `last`: no more events will come for this call here (its end, or a contact another system follows). */
  record(input: CallEventInput, last = input.type === 'ended'): void {
    void this.enqueue(input, last, null);
  }

  /**
   * Records the event only if `applies` to the call as stored (a webhook's repeated or late
   * event changes nothing); resolves to the stored event, or null when it did not apply or failed.
   */
  recordIf(input: CallEventInput, applies: (call: StoredCall | undefined) => boolean): Promise<CallEvent | null> {
    return this.enqueue(input, input.type === 'ended', applies);
  }

  /** Waits until every event reported so far is stored and ingested. */
  async flush(): Promise<void> {
    await Promise.all([...this.calls.values()].map((c) => c.chain));
  }

  private enqueue(
    input: CallEventInput,
    last: boolean,
    applies: ((call: StoredCall | undefined) => boolean) | null,
  ): Promise<CallEvent | null> {
    const at = input.at ?? new Date().toISOString();
    const call = this.calls.get(input.callId) ?? { seq: null, chain: Promise.resolve() };
    this.calls.set(input.callId, call);
    const stored = call.chain
      .then(async () => {
        if (call.seq === null || applies) {
          const row = await storedCall(this.db, input.callId);
          if (applies && !applies(row)) return null;
          call.seq = Math.max(call.seq ?? 0, row?.lastSeq ?? 0);
        }
        const event = CallEventSchema.parse({ ...input, seq: ++call.seq, at });
        await this.db.transaction().execute((trx) => recordCallEvent(trx, event));
        await this.ingest(event);
        return event;
      })
      .catch((err: unknown) => {
        this.log.error({ err, input }, 'call event not recorded');
        return null;
      });
    call.chain = stored;
    // The numbering is no longer needed once the last event is stored.
    if (last)
      void stored.then(() => {
        if (this.calls.get(input.callId)?.chain === stored) this.calls.delete(input.callId);
      });
    return stored;
  }

  /**
   * Acts on the recorded events the ingestion has not acted on (a crash in between, a failed
   * workflow start): the ingestion is idempotent, so an event acted on twice changes nothing.
   */
  async catchUp(batch = 500): Promise<number> {
    let done = 0;
    for (;;) {
      const pending = await eventsNotIngested(this.db, batch);
      const failed = new Set<string>();
      let progressed = 0;
      for (const event of pending) {
        // A call's events in order: after one fails, its later ones wait for the next catch-up.
        if (failed.has(event.callId)) continue;
        if (await this.ingest(event)) progressed += 1;
        else failed.add(event.callId);
      }
      done += progressed;
      if (pending.length < batch || progressed === 0) return done;
    }
  }

  private async ingest(event: CallEvent): Promise<boolean> {
    if (!this.onRecorded) return false;
    try {
      await this.onRecorded(event);
      await markIngested(this.db, event.callId, event.seq);
      return true;
    } catch (err) {
      this.log.error({ err, event }, 'call event not ingested (retried by the next catch-up)');
      return false;
    }
  }
}
