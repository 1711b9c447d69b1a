import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../db/connection.ts';
import { can } from '../../domain/principal.ts';
import { assertServes, auditedBy, principalOf } from '../auth/principal.ts';
import { appendAudit } from '../../db/audit.repository.ts';
import { findCalendar } from '../../db/calendars.repository.ts';
import type { Executor } from '../../db/database.ts';
import { findOffice, insertOffice, listOffices, updateOffice } from '../../db/offices.repository.ts';
import { idTaken } from '../../db/reference.repository.ts';
import { problems } from '../problems.ts';
import { alreadyExists, ApiError, notFound } from '../../services/errors.ts';
import { IdParams, NewOfficeSchema, OfficeListQuerySchema, OfficeSchema, OfficeUpdateSchema } from '../../contracts/administration.ts';
import { contentRange, idMatches, pageInMemory, pageOf } from '../../contracts/list-query.ts';
import { createOnce, IdempotencyHeadersSchema } from '../../services/idempotency.ts';

const writeProblems = problems(400, 401, 403, 404, 409, 422);
const tags = ['administration'];

/** An office's service-level clock runs on a calendar of its own municipality. */
async function assertCalendarOf(db: Executor, calendarId: string | undefined, municipalityId: string): Promise<void> {
  if (calendarId && !(await findCalendar(db, calendarId, [municipalityId]))) {
    throw new ApiError('unprocessable', 'the calendar is not one of the municipality', [{ path: 'body.calendarId', message: `no calendar "${calendarId}" in municipality "${municipalityId}"` }]);
  }
}

export const officesRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get('/offices', {
    config: { access: can.anyone },
    schema: {
      operationId: 'listOffices', tags, summary: 'The offices of the municipalities you serve',
      querystring: OfficeListQuerySchema, response: { 200: OfficeSchema.array(), ...problems(400) },
    },
  }, async (req, reply) => {
    const f = req.query.filter ?? {};
    const q = f.q?.toLowerCase();
    const all = (await listOffices(db, principalOf(req).municipalities)).filter((o) => idMatches(f.id, o.id)
      && (!f.municipalityId || o.municipalityId === f.municipalityId) && (!q || `${o.id} ${o.name}`.toLowerCase().includes(q)));
    const page = pageOf(req.query.range);
    const { rows, total } = pageInMemory(all, req.query.sort, page);
    return reply.header('content-range', contentRange('offices', page, rows.length, total)).send(rows);
  });

  app.get('/offices/:id', {
    config: { access: can.anyone },
    schema: { operationId: 'getOffice', tags, params: IdParams, response: { 200: OfficeSchema, ...problems(404) } },
  }, async (req) => {
    const found = await findOffice(db, req.params.id, principalOf(req).municipalities);
    if (!found) throw notFound(`office ${req.params.id}`);
    return found;
  });

  app.post('/offices', {
    config: { access: can.administer },
    schema: {
      operationId: 'createOffice', tags, summary: 'Add an office to a municipality you serve',
      headers: IdempotencyHeadersSchema, body: NewOfficeSchema, response: { 200: OfficeSchema, 201: OfficeSchema, ...writeProblems },
    },
  }, async (req, reply) => {
    const p = principalOf(req);
    assertServes(p, req.body.municipalityId, 'body.municipalityId');
    const { id, created } = await createOnce(db, 'offices.create', req.headers['idempotency-key'], req.body, req.body.id, async (trx) => {
      if (await idTaken(trx, 'offices', req.body.id)) throw alreadyExists(`office ${req.body.id}`, 'body.id');
      await assertCalendarOf(trx, req.body.calendarId, req.body.municipalityId);
      const row = await insertOffice(trx, req.body);
      await appendAudit(trx, { ...auditedBy(req), municipalityId: row.municipalityId, action: 'office.created', targetType: 'office', targetId: row.id, after: row });
    });
    return reply.status(created ? 201 : 200).send((await findOffice(db, id, p.municipalities))!);
  });

  app.put('/offices/:id', {
    config: { access: can.administer },
    schema: {
      operationId: 'updateOffice', tags, summary: "Change an office's name, contacts or calendar (fields left out are kept)",
      params: IdParams, body: OfficeUpdateSchema, response: { 200: OfficeSchema, ...writeProblems },
    },
  }, async (req) => db.transaction().execute(async (trx) => {
    const before = await findOffice(trx, req.params.id, principalOf(req).municipalities);
    if (!before) throw notFound(`office ${req.params.id}`);
    await assertCalendarOf(trx, req.body.calendarId, before.municipalityId);
    const after = await updateOffice(trx, before.id, req.body);
    await appendAudit(trx, { ...auditedBy(req), municipalityId: before.municipalityId, action: 'office.updated', targetType: 'office', targetId: before.id, before, after });
    return after;
  }));
};
