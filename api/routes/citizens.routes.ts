import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../db/connection.ts';
import { can } from '../../domain/principal.ts';
import { principalOf } from '../auth/principal.ts';
import { problems } from '../problems.ts';
import { lookUpCitizen } from '../../services/citizens.service.ts';
import { CitizenLookupQuerySchema, CitizenLookupSchema } from '../../contracts/citizens.ts';

export const citizensRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/citizens/lookup',
    {
      config: { access: can.readCases },
      schema: {
        operationId: 'lookUpCitizen',
        tags: ['citizens'],
        summary: 'Find a citizen by phone number, fiscal code or e-mail: their cases and every contact with them, across channels',
        querystring: CitizenLookupQuerySchema,
        response: { 200: CitizenLookupSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => lookUpCitizen(db, principalOf(req).municipalities, req.query),
  );
};
