import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../db/connection.ts';
import { can } from '../../domain/principal.ts';
import { changeOf, principalOf } from '../auth/principal.ts';
import { sendCreated, sendInMemoryPage } from '../lists.ts';
import { problems } from '../problems.ts';
import { IdParams, NewOfficeSchema, OfficeListQuerySchema, OfficeSchema, OfficeUpdateSchema } from '../../contracts/administration.ts';
import { IdempotencyHeadersSchema } from '../../contracts/headers.ts';
import { createOffice, getOffice, listOffices, updateOffice } from '../../services/offices.service.ts';

const writeProblems = problems(400, 401, 403, 404, 409, 422);
const tags = ['administration'];

export const officesRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/offices',
    {
      config: { access: can.anyone },
      schema: {
        operationId: 'listOffices',
        tags,
        summary: 'The offices of the municipalities you serve',
        querystring: OfficeListQuerySchema,
        response: { 200: OfficeSchema.array(), ...problems(400) },
      },
    },
    async (req, reply) => sendInMemoryPage(reply, 'offices', req.query, await listOffices(db, principalOf(req), req.query.filter ?? {})),
  );

  app.get(
    '/offices/:id',
    {
      config: { access: can.anyone },
      schema: { operationId: 'getOffice', tags, params: IdParams, response: { 200: OfficeSchema, ...problems(404) } },
    },
    async (req) => getOffice(db, req.params.id, principalOf(req)),
  );

  app.post(
    '/offices',
    {
      config: { access: can.administer },
      schema: {
        operationId: 'createOffice',
        tags,
        summary: 'Add an office to a municipality you serve',
        headers: IdempotencyHeadersSchema,
        body: NewOfficeSchema,
        response: { 200: OfficeSchema, 201: OfficeSchema, ...writeProblems },
      },
    },
    async (req, reply) => sendCreated(reply, await createOffice(db, req.body, req.headers['idempotency-key'], changeOf(req))),
  );

  app.put(
    '/offices/:id',
    {
      config: { access: can.administer },
      schema: {
        operationId: 'updateOffice',
        tags,
        summary: "Change an office's name, contacts or calendar (fields left out are kept)",
        params: IdParams,
        body: OfficeUpdateSchema,
        response: { 200: OfficeSchema, ...writeProblems },
      },
    },
    async (req) => updateOffice(db, req.params.id, req.body, changeOf(req)),
  );
};
