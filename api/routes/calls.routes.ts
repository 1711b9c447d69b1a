import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/connection.ts';
import { can } from '../../domain/principal.ts';
import { principalOf } from '../auth/principal.ts';
import { problems } from '../problems.ts';
import { CallDetailSchema, CallListQuerySchema, CallParams, CallSchema } from '../../contracts/calls.ts';
import { pageOf } from '../../contracts/list-query.ts';
import { sendPage } from '../lists.ts';
import { callDetail, listCalls } from '../../services/calls.service.ts';

// Read only: calls are recorded by the telephony adapters, never edited.
export const callsRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/calls',
    {
      config: { access: can.readCases },
      schema: {
        operationId: 'listCalls',
        tags: ['calls'],
        summary: 'Calls on the lines of the municipalities you serve, newest first',
        querystring: CallListQuerySchema,
        response: { 200: z.array(CallSchema), ...problems(400) },
      },
    },
    async (req, reply) => {
      const page = pageOf(req.query.range);
      const { rows, total } = await listCalls(db, principalOf(req), req.query.filter, req.query.sort?.[1] ?? 'DESC', page);
      return sendPage(reply, 'calls', page, { rows, total });
    },
  );

  app.get(
    '/calls/:id',
    {
      config: { access: can.readCases },
      schema: {
        operationId: 'getCall',
        tags: ['calls'],
        summary: 'A call with every event the adapter recorded',
        params: CallParams,
        response: { 200: CallDetailSchema, ...problems(404) },
      },
    },
    async (req) => callDetail(db, principalOf(req), req.params.id),
  );
};
