import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/connection.ts';
import { can } from '../../domain/principal.ts';
import { principalOf } from '../auth/principal.ts';
import { findCall, listCalls } from '../../db/calls.repository.ts';
import { problems } from '../problems.ts';
import { notFound } from '../../services/errors.ts';
import { CallDetailSchema, CallListQuerySchema, CallSchema, noCallFilter } from '../../contracts/calls.ts';
import { contentRange, pageOf } from '../../contracts/list-query.ts';

// Read only: calls are recorded by the telephony adapters, never edited.
export const callsRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get('/calls', {
    config: { access: can.readCases },
    schema: {
      operationId: 'listCalls', tags: ['calls'], summary: 'Calls on the lines of the municipalities you serve, newest first',
      querystring: CallListQuerySchema, response: { 200: z.array(CallSchema), ...problems(400) },
    },
  }, async (req, reply) => {
    const p = principalOf(req);
    const page = pageOf(req.query.range);
    const { rows, total } = await listCalls(db, p.municipalities, p.role === 'admin', req.query.filter ?? noCallFilter, req.query.sort?.[1] ?? 'DESC', page);
    return reply.header('content-range', contentRange('calls', page, rows.length, total)).send(rows);
  });

  app.get('/calls/:id', {
    config: { access: can.readCases },
    schema: {
      operationId: 'getCall', tags: ['calls'], summary: 'A call with every event the adapter recorded',
      params: z.object({ id: z.string().min(1).max(256) }), response: { 200: CallDetailSchema, ...problems(404) },
    },
  }, async (req) => {
    const p = principalOf(req);
    const found = await findCall(db, req.params.id, p.municipalities, p.role === 'admin');
    if (!found) throw notFound(`call ${req.params.id}`);
    return found;
  });
};
