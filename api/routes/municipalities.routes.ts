import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../db/connection.ts';
import { can } from '../../domain/principal.ts';
import { changeOf, principalOf } from '../auth/principal.ts';
import { sendCreated, sendInMemoryPage } from '../lists.ts';
import { problems } from '../problems.ts';
import {
  IdParams,
  MunicipalityListQuerySchema,
  MunicipalitySchema,
  MunicipalityUpdateSchema,
  NewMunicipalitySchema,
} from '../../contracts/administration.ts';
import { IdempotencyHeadersSchema } from '../../contracts/headers.ts';
import { createMunicipality, getMunicipality, listMunicipalities, updateMunicipality } from '../../services/municipalities.service.ts';

const writeProblems = problems(400, 401, 403, 404, 409);
const tags = ['administration'];

export const municipalitiesRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/municipalities',
    {
      config: { access: can.anyone },
      schema: {
        operationId: 'listMunicipalities',
        tags,
        summary: 'The municipalities you serve',
        querystring: MunicipalityListQuerySchema,
        response: { 200: MunicipalitySchema.array(), ...problems(400) },
      },
    },
    async (req, reply) =>
      sendInMemoryPage(reply, 'municipalities', req.query, await listMunicipalities(db, principalOf(req), req.query.filter ?? {})),
  );

  app.get(
    '/municipalities/:id',
    {
      config: { access: can.anyone },
      schema: { operationId: 'getMunicipality', tags, params: IdParams, response: { 200: MunicipalitySchema, ...problems(404) } },
    },
    async (req) => getMunicipality(db, req.params.id, principalOf(req)),
  );

  app.post(
    '/municipalities',
    {
      config: { access: can.administer },
      schema: {
        operationId: 'createMunicipality',
        tags,
        summary: 'Add a municipality: you serve it from now on',
        headers: IdempotencyHeadersSchema,
        body: NewMunicipalitySchema,
        response: { 200: MunicipalitySchema, 201: MunicipalitySchema, ...writeProblems },
      },
    },
    async (req, reply) => sendCreated(reply, await createMunicipality(db, req.body, req.headers['idempotency-key'], changeOf(req))),
  );

  app.put(
    '/municipalities/:id',
    {
      config: { access: can.administer },
      schema: {
        operationId: 'updateMunicipality',
        tags,
        summary: 'Rename a municipality or correct its ISTAT code (fields left out are kept)',
        params: IdParams,
        body: MunicipalityUpdateSchema,
        response: { 200: MunicipalitySchema, ...writeProblems },
      },
    },
    async (req) => updateMunicipality(db, req.params.id, req.body, changeOf(req)),
  );
};
