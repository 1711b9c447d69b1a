import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IntakeFieldSchema } from '../../domain/service-definition.ts';
import { OutcomeSchema } from '../../domain/case.ts';
import type { Db } from '../../db/connection.ts';
import { latestPublished } from '../../db/definitions.repository.ts';
import { findService, listServices } from '../../db/reference.repository.ts';
import { can, serves } from '../../domain/principal.ts';
import { principalOf } from '../auth/principal.ts';
import { problems } from '../problems.ts';
import { notFound } from '../../services/errors.ts';
import { contentRange, listQuerySchema, pageOf } from '../../contracts/list-query.ts';

const ServiceSchema = z.object({
  id: z.string(), municipalityId: z.string(), code: z.string(), name: z.string(), officeId: z.string(),
});
z.globalRegistry.add(ServiceSchema, { id: 'Service' });

/** What the operator needs of a service's published definition to open and answer a case. */
const ServiceIntakeSchema = z.object({
  serviceId: z.string(),
  definitionVersion: z.number().int(),
  fields: z.array(IntakeFieldSchema),
  operatorMayClose: z.boolean(),
  outcomes: z.array(OutcomeSchema),
  knowledgeArticles: z.array(z.string()),
});
z.globalRegistry.add(ServiceIntakeSchema, { id: 'ServiceIntake' });
const ServiceParams = z.object({ id: z.string().regex(/^[a-z0-9-]{2,40}:[a-z0-9-]{2,60}$/, 'a service id such as "milano:tari-refund"') });

// Reference lists are short: filtered and paged in memory, sorted by name.
export const referenceRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get('/services', {
    config: { access: can.anyone },
    schema: {
      operationId: 'listServices', tags: ['reference'],
      querystring: listQuerySchema(['name'], z.object({ municipalityId: z.string().optional() }).strict()),
      response: { 200: z.array(ServiceSchema), ...problems(400) },
    },
  }, async (req, reply) => {
    const all = (await listServices(db, req.query.filter?.municipalityId))
      .filter((s) => serves(principalOf(req), s.municipalityId))
      .map((s) => ({ id: `${s.municipalityId}:${s.code}`, ...s }));
    const page = pageOf(req.query.range);
    const rows = all.slice(page.offset, page.offset + page.limit);
    return reply.header('content-range', contentRange('services', page, rows.length, all.length)).send(rows);
  });

  // Operators do not read definitions (designers' drafts); they need the intake form of the published one.
  app.get('/services/:id/intake', {
    config: { access: can.anyone },
    schema: {
      operationId: 'getServiceIntake', tags: ['reference'],
      summary: "The intake fields and first-level rules of a service's published definition, which new cases start on",
      params: ServiceParams,
      response: { 200: ServiceIntakeSchema, ...problems(400, 401, 404) },
    },
  }, async (req) => {
    const [municipalityId, code] = req.params.id.split(':') as [string, string];
    const published = serves(principalOf(req), municipalityId) && await findService(db, municipalityId, code)
      ? await latestPublished(db, code) : undefined;
    if (!published) throw notFound(`a published service ${req.params.id}`);
    const d = published.document;
    return {
      serviceId: req.params.id, definitionVersion: published.version, fields: d.intake.fields,
      operatorMayClose: d.firstLevel.operatorMayClose, outcomes: d.resolution.outcomes, knowledgeArticles: d.firstLevel.knowledgeArticles,
    };
  });
};
