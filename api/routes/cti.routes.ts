import fastifyFormbody from '@fastify/formbody';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CallEventInput, EndCause } from '../../domain/call-events.ts';
import { isOpen } from '../../domain/calendar.ts';
import { profileOf } from '../../domain/line.ts';
import type { Logger } from '../../platform/logger.ts';
import { CallEventRecorder, type StoredCall } from '../../services/call-recorder.ts';
import { createIngestion, type IngestionDeps } from '../../services/call-ingestion.ts';
import { lineByCtiToken, type LineRecord } from '../../db/lines.repository.ts';
import { problems } from '../problems.ts';
import { ApiError } from '../../services/errors.ts';

/**
 * Zammad's generic CTI API (docs.zammad.org, "Generic CTI"): a PBX posts `newCall`, `answer` and
 * `hangup` for each call, form-encoded or JSON, to the line's URL with `?token=`; for `newCall`
 * it may be told to reject the call or dial it elsewhere. PBXs configured for Zammad work with
 * this URL unchanged. Events become the neutral call events, recorded and ingested like SIP's.
 */
const number = z.string().trim().min(1).max(64);
const callId = z.string().trim().min(1).max(256);
// Zammad sends `user[]=…` (form) or `user: [...]` (JSON): the agents the call rang or who answered.
const user = z.union([z.string().max(200), z.array(z.string().max(200))]).optional()
  .transform((u) => (Array.isArray(u) ? u[0] : u) || null);
export const ctiCauses = ['normalClearing', 'busy', 'cancel', 'noAnswer', 'congestion', 'notFound', 'forwarded'] as const;

const CtiEventSchema = z.preprocess(
  (body) => (body && typeof body === 'object' && 'user[]' in body ? { ...body, user: (body as Record<string, unknown>)['user[]'] } : body),
  z.discriminatedUnion('event', [
    z.object({
      event: z.literal('newCall'), direction: z.enum(['in', 'out']), from: number, to: number, callId, user, queue: z.string().max(100).optional(),
    }),
    z.object({ event: z.literal('answer'), callId, user, answeringNumber: number.optional() }),
    z.object({ event: z.literal('hangup'), callId, cause: z.enum(ctiCauses), answeringNumber: number.optional() }),
  ]),
);
const CtiAnswerSchema = z.object({
  action: z.enum(['reject', 'dial']).optional(),
  reason: z.literal('busy').optional(),
  number: z.string().optional(),
});
z.globalRegistry.add(CtiAnswerSchema, { id: 'CtiAnswer' });

/** What a hangup ends as, for a call nobody answered (an answered one ended normally unless the PBX says otherwise). */
const endOf: Record<(typeof ctiCauses)[number], EndCause> = {
  normalClearing: 'abandoned', cancel: 'abandoned', busy: 'busy', noAnswer: 'no-answer', congestion: 'failed', notFound: 'failed', forwarded: 'transferred',
};
const waiting = (c: Pick<StoredCall, 'state'> | undefined) => !!c && ['initiated', 'ivr-choice', 'queued'].includes(c.state);

export type CtiRouteDeps = Omit<IngestionDeps, 'log'> & { logger: Logger };

export const ctiRoutes: FastifyPluginAsyncZod<CtiRouteDeps> = async (app, { logger, ...deps }) => {
  await app.register(fastifyFormbody);
  const recorder = new CallEventRecorder(deps.db, logger);
  recorder.onRecorded = createIngestion({ ...deps, log: logger });

  /** Where a new inbound call goes: a profiled caller to the priority number, nobody while a rejecting line is closed. */
  const routeOf = (line: LineRecord, from: string): z.infer<typeof CtiAnswerSchema> => {
    if (profileOf(line, from) && line.config.profiled.priorityNumber) return { action: 'dial', number: line.config.profiled.priorityNumber };
    if (line.config.whenClosed === 'reject' && !isOpen(line.calendar, Date.now())) return { action: 'reject', reason: 'busy' };
    return {};
  };

  // The line whose token the request presented, found before the body is validated: a wrong token is a 401 whatever it posts.
  const lines = new WeakMap<object, LineRecord>();
  app.post('/cti/:lineId', {
    // Outside the staff session model: the PBX authenticates with the line's token.
    config: { access: 'public' },
    preValidation: async (req) => {
      const { lineId } = req.params as { lineId: string };
      const { token } = req.query as { token?: unknown };
      const line = typeof token === 'string' && token.length <= 200 ? await lineByCtiToken(deps.db, lineId, token) : undefined;
      if (!line) throw new ApiError('unauthorized', 'unknown line or wrong token (give the line\'s token as ?token=)');
      lines.set(req, line);
    },
    schema: {
      operationId: 'ctiEvent', tags: ['telephony'], summary: "A PBX's call event, as Zammad's generic CTI API (newCall, answer, hangup)",
      params: z.object({ lineId: z.string().max(60) }),
      querystring: z.object({ token: z.string().max(200).optional() }),
      body: CtiEventSchema,
      response: { 200: CtiAnswerSchema, ...problems(400, 401, 422) },
    },
  }, async (req) => {
    const line = lines.get(req)!;
    const e = req.body;
    const record = (input: CallEventInput, applies: (c: StoredCall | undefined) => boolean) => recorder.recordIf(input, applies);
    if (e.event === 'newCall') {
      const inbound = e.direction === 'in';
      // A repeated newCall finds the call stored and records nothing.
      await record({
        type: 'initiated', callId: e.callId, direction: inbound ? 'inbound' : 'outbound', caller: e.from, called: e.to,
        line: line.municipalityId, linkedCallId: null,
      }, (c) => c === undefined);
      if (inbound && e.queue) {
        await record({ type: 'queued', callId: e.callId, queue: e.queue, position: 1, priority: profileOf(line, e.from) ? 'high' : 'normal' }, (c) => c?.state === 'initiated');
      }
      return inbound ? routeOf(line, e.from) : {};
    }
    const stored = await deps.db.selectFrom('calls').select(['state', 'started_at'])
      .where('id', '=', e.callId).where('municipality_id', '=', line.municipalityId).executeTakeFirst();
    if (!stored) throw new ApiError('unprocessable', `no newCall was received for this call on line ${line.id}`, [{ path: 'body.callId', message: 'unknown call' }]);
    if (e.event === 'answer') {
      await record({ type: 'connected', callId: e.callId, agent: e.user ?? e.answeringNumber ?? null }, waiting);
      return {};
    }
    // The guards make a repeated hangup (or one racing another API process) record nothing.
    if (waiting(stored)) {
      const cause = endOf[e.cause];
      if (cause === 'abandoned') {
        const phase = stored.state === 'queued' ? 'queued' : 'ringing';
        await record({ type: 'abandoned', callId: e.callId, phase, waitSeconds: (Date.now() - stored.started_at.getTime()) / 1000 }, waiting);
      }
      await record({ type: 'ended', callId: e.callId, cause }, (c) => c?.state !== 'ended');
    } else if (stored.state !== 'ended') {
      await record({ type: 'ended', callId: e.callId, cause: e.cause === 'forwarded' ? 'transferred' : 'normal' }, (c) => c?.state !== 'ended');
    }
    return {};
  });
};
