import type { Client } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../db/connection.ts';
import { can } from '../../domain/principal.ts';
import { pageOf } from '../../contracts/list-query.ts';
import { StuckCaseListQuerySchema, StuckCaseParams, StuckCaseSchema } from '../../contracts/stuck-cases.ts';
import { listStuckCases, retryStuckCase } from '../../services/stuck-cases.service.ts';
import { principalOf } from '../auth/principal.ts';
import { sendPage } from '../lists.ts';
import { problems } from '../problems.ts';

const tags = ['stuck-cases'];

/** Cases whose read-model write failed for good, for administrators, and the retry once the cause is removed. */
export const stuckCasesRoutes: FastifyPluginAsyncZod<{ db: Db; temporal: Client }> = async (app, deps) => {
  app.get(
    '/stuck-cases',
    {
      config: { access: can.administer },
      schema: {
        operationId: 'listStuckCases',
        tags,
        summary: 'Cases of the municipalities you serve whose write to the database failed for good, most recently seen first',
        querystring: StuckCaseListQuerySchema,
        response: { 200: StuckCaseSchema.array(), ...problems(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const page = pageOf(req.query.range);
      return sendPage(reply, 'stuck-cases', page, await listStuckCases(deps.db, principalOf(req), req.query, page));
    },
  );

  app.post(
    '/stuck-cases/:caseId/retry',
    {
      config: { access: can.administer },
      schema: {
        operationId: 'retryStuckCase',
        tags,
        summary: "Try a stuck case's writes again, once the cause is removed (202: the row resolves when they go through)",
        params: StuckCaseParams,
        response: { 202: StuckCaseSchema, ...problems(400, 401, 403, 404, 409, 503) },
      },
    },
    async (req, reply) => reply.status(202).send(await retryStuckCase(deps, principalOf(req), req.params.caseId, req.id)),
  );
};
