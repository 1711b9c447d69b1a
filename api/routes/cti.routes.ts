import fastifyFormbody from '@fastify/formbody';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { LineRecord } from '../../domain/line.ts';
import type { Logger } from '../../platform/logger.ts';
import { CtiAnswerSchema, CtiEventSchema, CtiParams, CtiQuery } from '../../contracts/cti.ts';
import type { IngestionDeps } from '../../services/call-ingestion.ts';
import { createCti } from '../../services/cti.service.ts';
import { problems } from '../problems.ts';

/**
 * Zammad's generic CTI API (docs.zammad.org, "Generic CTI"): PBXs configured for Zammad work with
 * this URL unchanged. What the events do is services/cti.service.ts.
 */
export type CtiRouteDeps = Omit<IngestionDeps, 'log'> & { logger: Logger };

export const ctiRoutes: FastifyPluginAsyncZod<CtiRouteDeps> = async (app, { logger, ...deps }) => {
  await app.register(fastifyFormbody);
  const cti = createCti({ ...deps, log: logger });

  // The line whose token the request presented, found before the body is validated: a wrong token is a 401 whatever it posts.
  const lines = new WeakMap<object, LineRecord>();
  app.post(
    '/cti/:lineId',
    {
      // Outside the staff session model: the PBX authenticates with the line's token.
      config: { access: 'public' },
      preValidation: async (req) => {
        lines.set(req, await cti.lineOf((req.params as { lineId: string }).lineId, (req.query as { token?: unknown }).token));
      },
      schema: {
        operationId: 'ctiEvent',
        tags: ['telephony'],
        summary: "A PBX's call event, as Zammad's generic CTI API (newCall, answer, hangup)",
        params: CtiParams,
        querystring: CtiQuery,
        body: CtiEventSchema,
        response: { 200: CtiAnswerSchema, ...problems(400, 401, 422) },
      },
    },
    async (req) => cti.onEvent(lines.get(req)!, req.body),
  );
};
