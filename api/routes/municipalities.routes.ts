import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../db/connection.ts';
import { can, serves } from '../../domain/principal.ts';
import { auditedBy, principalOf } from '../auth/principal.ts';
import { appendAudit } from '../../db/audit.repository.ts';
import {
  findMunicipalityByIstatCode, idTaken, insertMunicipality, listMunicipalities, updateMunicipality,
} from '../../db/reference.repository.ts';
import { problems } from '../problems.ts';
import { alreadyExists, notFound } from '../../services/errors.ts';
import {
  IdParams, MunicipalityListQuerySchema, MunicipalitySchema, MunicipalityUpdateSchema, NewMunicipalitySchema,
} from '../../contracts/administration.ts';
import { contentRange, idMatches, pageInMemory, pageOf } from '../../contracts/list-query.ts';
import { createOnce, IdempotencyHeadersSchema } from '../../services/idempotency.ts';

const writeProblems = problems(400, 401, 403, 404, 409);
const tags = ['administration'];

async function servedMunicipality(db: Db, id: string, scope: readonly string[]) {
  const found = (await listMunicipalities(db)).find((m) => m.id === id && scope.includes(m.id));
  if (!found) throw notFound(`municipality ${id}`);
  return found;
}

export const municipalitiesRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get('/municipalities', {
    config: { access: can.anyone },
    schema: {
      operationId: 'listMunicipalities', tags, summary: 'The municipalities you serve',
      querystring: MunicipalityListQuerySchema, response: { 200: MunicipalitySchema.array(), ...problems(400) },
    },
  }, async (req, reply) => {
    const f = req.query.filter ?? {};
    const all = (await listMunicipalities(db)).filter((m) => serves(principalOf(req), m.id) && idMatches(f.id, m.id));
    const page = pageOf(req.query.range);
    const { rows, total } = pageInMemory(all, req.query.sort, page);
    return reply.header('content-range', contentRange('municipalities', page, rows.length, total)).send(rows);
  });

  app.get('/municipalities/:id', {
    config: { access: can.anyone },
    schema: { operationId: 'getMunicipality', tags, params: IdParams, response: { 200: MunicipalitySchema, ...problems(404) } },
  }, async (req) => servedMunicipality(db, req.params.id, principalOf(req).municipalities));

  app.post('/municipalities', {
    config: { access: can.administer },
    schema: {
      operationId: 'createMunicipality', tags, summary: 'Add a municipality: you serve it from now on',
      headers: IdempotencyHeadersSchema, body: NewMunicipalitySchema,
      response: { 200: MunicipalitySchema, 201: MunicipalitySchema, ...writeProblems },
    },
  }, async (req, reply) => {
    const p = principalOf(req);
    const { id, created } = await createOnce(db, 'municipalities.create', req.headers['idempotency-key'], req.body, req.body.id, async (trx) => {
      if (await idTaken(trx, 'municipalities', req.body.id)) throw alreadyExists(`municipality ${req.body.id}`, 'body.id');
      if (await findMunicipalityByIstatCode(trx, req.body.istatCode)) throw alreadyExists(`a municipality with ISTAT code ${req.body.istatCode}`, 'body.istatCode');
      const row = await insertMunicipality(trx, req.body);
      // Its creator serves it, so they can go on to give it calendars, offices and staff.
      await trx.insertInto('staff_user_municipalities').values({ user_id: p.id, municipality_id: row.id }).execute();
      await appendAudit(trx, { ...auditedBy(req), municipalityId: row.id, action: 'municipality.created', targetType: 'municipality', targetId: row.id, after: row });
    });
    return reply.status(created ? 201 : 200).send(await servedMunicipality(db, id, [id]));
  });

  app.put('/municipalities/:id', {
    config: { access: can.administer },
    schema: {
      operationId: 'updateMunicipality', tags, summary: 'Rename a municipality or correct its ISTAT code (fields left out are kept)',
      params: IdParams, body: MunicipalityUpdateSchema, response: { 200: MunicipalitySchema, ...writeProblems },
    },
  }, async (req) => {
    const before = await servedMunicipality(db, req.params.id, principalOf(req).municipalities);
    return db.transaction().execute(async (trx) => {
      const clash = req.body.istatCode && await findMunicipalityByIstatCode(trx, req.body.istatCode);
      if (clash && clash.id !== before.id) throw alreadyExists(`a municipality with ISTAT code ${req.body.istatCode}`, 'body.istatCode');
      const after = await updateMunicipality(trx, before.id, req.body);
      await appendAudit(trx, { ...auditedBy(req), municipalityId: before.id, action: 'municipality.updated', targetType: 'municipality', targetId: before.id, before, after });
      return after;
    });
  });
};
