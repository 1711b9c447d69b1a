import type { CallEvent } from '../../domain/call-events.ts';
import type { Updateable } from 'kysely';
import type { CallsTable, Executor } from './database.ts';

type CallChange = Pick<Updateable<CallsTable>, 'queue' | 'agent' | 'ivr_choice' | 'end_cause' | 'wait_seconds' | 'connected_at' | 'ended_at'>;

/** What each event changes on the contact's row, besides its state. */
function changeOf(e: CallEvent): CallChange {
  switch (e.type) {
    case 'initiated': case 'transferred': return {};
    case 'ivr-choice': return { ivr_choice: e.digits };
    case 'queued': return { queue: e.queue };
    case 'connected': return { agent: e.agent, connected_at: e.at };
    case 'abandoned': return { wait_seconds: e.waitSeconds };
    case 'ended': return { end_cause: e.cause, ended_at: e.at };
  }
}

/**
 * Records one call event and moves the contact's row to it; run it in a transaction. An event
 * already recorded (same call and seq: a retransmission, a replay after a restart) changes
 * nothing and answers false. The contact's row is created by its `initiated` event.
 */
export async function recordCallEvent(trx: Executor, e: CallEvent): Promise<boolean> {
  if (e.type === 'initiated') {
    await trx.insertInto('calls').values({
      id: e.callId, linked_call_id: e.linkedCallId, direction: e.direction, caller: e.caller, called: e.called,
      municipality_id: e.line, state: e.type, started_at: e.at, last_seq: e.seq,
    }).onConflict((oc) => oc.column('id').doNothing()).execute();
  }
  const inserted = await trx.insertInto('call_events')
    .values({ call_id: e.callId, seq: e.seq, type: e.type, at: e.at, data: JSON.stringify(e) })
    .onConflict((oc) => oc.columns(['call_id', 'seq']).doNothing())
    .returning('seq').executeTakeFirst();
  if (!inserted) return false;
  if (e.type !== 'initiated') {
    // Events may be stored out of order (one adapter's retries); the row follows the latest.
    await trx.updateTable('calls').set({ ...changeOf(e), state: e.type, last_seq: e.seq })
      .where('id', '=', e.callId).where('last_seq', '<', e.seq).execute();
  }
  return true;
}
