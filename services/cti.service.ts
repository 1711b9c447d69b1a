import { isOpen } from '../domain/calendar.ts';
import type { CallEventInput, EndCause } from '../domain/call-events.ts';
import { type LineRecord, profileOf } from '../domain/line.ts';
import type { ctiCauses, CtiAnswer, CtiEvent } from '../contracts/cti.ts';
import { findLineCall, type StoredCall } from '../db/calls.repository.ts';
import { lineByCtiToken } from '../db/lines.repository.ts';
import { CallEventRecorder } from './call-recorder.ts';
import { createIngestion, type IngestionDeps } from './call-ingestion.ts';
import { ApiError } from './errors.ts';

/** What a hangup ends as, for a call nobody answered (an answered one ended normally unless the PBX says otherwise). */
const endOf: Record<(typeof ctiCauses)[number], EndCause> = {
  normalClearing: 'abandoned',
  cancel: 'abandoned',
  busy: 'busy',
  noAnswer: 'no-answer',
  congestion: 'failed',
  notFound: 'failed',
  forwarded: 'transferred',
};
const waiting = (c: Pick<StoredCall, 'state'> | undefined) => !!c && ['initiated', 'ivr-choice', 'queued'].includes(c.state);

/** Where a new inbound call goes: a profiled caller to the priority number, nobody while a rejecting line is closed. */
function routeOf(line: LineRecord, from: string): CtiAnswer {
  if (profileOf(line, from) && line.config.profiled.priorityNumber) return { action: 'dial', number: line.config.profiled.priorityNumber };
  if (line.config.whenClosed === 'reject' && !isOpen(line.calendar, Date.now())) return { action: 'reject', reason: 'busy' };
  return {};
}

/**
 * A PBX speaking Zammad's generic CTI API: its events become the neutral call events, recorded and
 * ingested like SIP's; a new inbound call is answered with where it should go.
 */
export function createCti(deps: IngestionDeps) {
  const recorder = new CallEventRecorder(deps.db, deps.log);
  recorder.onRecorded = createIngestion(deps);
  const record = (input: CallEventInput, applies: (c: StoredCall | undefined) => boolean) => recorder.recordIf(input, applies);

  /** The line whose token the PBX presented; a wrong token is a 401 whatever it posts. */
  async function lineOf(lineId: string, token: unknown): Promise<LineRecord> {
    const line = typeof token === 'string' && token.length <= 200 ? await lineByCtiToken(deps.db, lineId, token) : undefined;
    if (!line) throw new ApiError('unauthorized', "unknown line or wrong token (give the line's token as ?token=)");
    return line;
  }

  async function onEvent(line: LineRecord, e: CtiEvent): Promise<CtiAnswer> {
    if (e.event === 'newCall') {
      const inbound = e.direction === 'in';
      // A repeated newCall finds the call stored and records nothing.
      await record(
        {
          type: 'initiated',
          callId: e.callId,
          direction: inbound ? 'inbound' : 'outbound',
          caller: e.from,
          called: e.to,
          line: line.municipalityId,
          linkedCallId: null,
        },
        (c) => c === undefined,
      );
      if (inbound && e.queue) {
        await record(
          { type: 'queued', callId: e.callId, queue: e.queue, position: 1, priority: profileOf(line, e.from) ? 'high' : 'normal' },
          (c) => c?.state === 'initiated',
        );
      }
      return inbound ? routeOf(line, e.from) : {};
    }
    const stored = await findLineCall(deps.db, e.callId, line.municipalityId);
    if (!stored)
      throw new ApiError('unprocessable', `no newCall was received for this call on line ${line.id}`, [
        { path: 'body.callId', message: 'unknown call' },
      ]);
    if (e.event === 'answer') {
      await record({ type: 'connected', callId: e.callId, agent: e.user ?? e.answeringNumber ?? null }, waiting);
      return {};
    }
    // The guards make a repeated hangup (or one racing another API process) record nothing.
    if (waiting(stored)) {
      const cause = endOf[e.cause];
      if (cause === 'abandoned') {
        const phase = stored.state === 'queued' ? 'queued' : 'ringing';
        await record(
          { type: 'abandoned', callId: e.callId, phase, waitSeconds: (Date.now() - stored.started_at.getTime()) / 1000 },
          waiting,
        );
      }
      await record({ type: 'ended', callId: e.callId, cause }, (c) => c?.state !== 'ended');
    } else if (stored.state !== 'ended') {
      await record(
        { type: 'ended', callId: e.callId, cause: e.cause === 'forwarded' ? 'transferred' : 'normal' },
        (c) => c?.state !== 'ended',
      );
    }
    return {};
  }

  return { lineOf, onEvent };
}
