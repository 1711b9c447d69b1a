import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../platform/db.ts';
import { listServices } from '../db/reference.repository.ts';
import { can, principalOf, serves } from '../auth/principal.ts';
import { ProblemSchema } from '../errors.ts';
import { contentRange, listQuerySchema, pageOf } from '../schemas/list-query.ts';

const ServiceSchema = z.object({
  id: z.string(), municipalityId: z.string(), code: z.string(), name: z.string(), officeId: z.string(),
});
z.globalRegistry.add(ServiceSchema, { id: 'Service' });

// Reference lists are short: filtered and paged in memory, sorted by name.
export const referenceRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get('/services', {
    config: { access: can.anyone },
    schema: {
      operationId: 'listServices', tags: ['reference'],
      querystring: listQuerySchema(['name'], z.object({ municipalityId: z.string().optional() }).strict()),
      response: { 200: z.array(ServiceSchema), 400: ProblemSchema },
    },
  }, async (req, reply) => {
    const all = (await listServices(db, req.query.filter?.municipalityId))
      .filter((s) => serves(principalOf(req), s.municipalityId))
      .map((s) => ({ id: `${s.municipalityId}:${s.code}`, ...s }));
    const page = pageOf(req.query.range);
    const rows = all.slice(page.offset, page.offset + page.limit);
    return reply.header('content-range', contentRange('services', page, rows.length, all.length)).send(rows);
  });
};
