import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/connection.ts';
import { can } from '../../domain/principal.ts';
import { principalOf } from '../auth/principal.ts';
import { sendPage } from '../lists.ts';
import { problems } from '../problems.ts';
import { pageOf } from '../../contracts/list-query.ts';
import { ServiceIntakeSchema, ServiceListQuerySchema, ServiceParams, ServiceSchema } from '../../contracts/reference.ts';
import { listServices, serviceIntake } from '../../services/reference.service.ts';

// Reference lists are short: filtered and paged in memory, sorted by name.
export const referenceRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/services',
    {
      config: { access: can.anyone },
      schema: {
        operationId: 'listServices',
        tags: ['reference'],
        querystring: ServiceListQuerySchema,
        response: { 200: z.array(ServiceSchema), ...problems(400) },
      },
    },
    async (req, reply) => {
      const all = await listServices(db, principalOf(req), req.query.filter?.municipalityId);
      const page = pageOf(req.query.range);
      return sendPage(reply, 'services', page, { rows: all.slice(page.offset, page.offset + page.limit), total: all.length });
    },
  );

  app.get(
    '/services/:id/intake',
    {
      config: { access: can.anyone },
      schema: {
        operationId: 'getServiceIntake',
        tags: ['reference'],
        summary: "The intake fields and first-level rules of a service's published definition, which new cases start on",
        params: ServiceParams,
        response: { 200: ServiceIntakeSchema, ...problems(400, 401, 404) },
      },
    },
    async (req) => serviceIntake(db, principalOf(req), req.params.id),
  );
};
