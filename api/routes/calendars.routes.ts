import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../db/connection.ts';
import { can } from '../../domain/principal.ts';
import { assertServes, auditedBy, principalOf } from '../auth/principal.ts';
import { appendAudit } from '../../db/audit.repository.ts';
import { findCalendar, insertCalendar, listCalendars, updateCalendar } from '../../db/calendars.repository.ts';
import { idTaken } from '../../db/reference.repository.ts';
import { problems } from '../problems.ts';
import { alreadyExists, notFound } from '../../services/errors.ts';
import {
  CalendarListQuerySchema, CalendarRecordSchema, CalendarUpdateSchema, IdParams, NewCalendarSchema,
} from '../../contracts/administration.ts';
import { contentRange, idMatches, pageInMemory, pageOf } from '../../contracts/list-query.ts';
import { createOnce, IdempotencyHeadersSchema } from '../../services/idempotency.ts';

const writeProblems = problems(400, 401, 403, 404, 409);
const tags = ['administration'];

// The spec is checked by the same CalendarSchema the SLA arithmetic reads it with: a bad one is a 400 naming `body.spec...`.
export const calendarsRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get('/calendars', {
    config: { access: can.anyone },
    schema: {
      operationId: 'listCalendars', tags, summary: 'The business calendars of the municipalities you serve',
      querystring: CalendarListQuerySchema, response: { 200: CalendarRecordSchema.array(), ...problems(400) },
    },
  }, async (req, reply) => {
    const f = req.query.filter ?? {};
    const all = (await listCalendars(db, principalOf(req).municipalities))
      .filter((c) => idMatches(f.id, c.id) && (!f.municipalityId || c.municipalityId === f.municipalityId));
    const page = pageOf(req.query.range);
    const { rows, total } = pageInMemory(all, req.query.sort, page);
    return reply.header('content-range', contentRange('calendars', page, rows.length, total)).send(rows);
  });

  app.get('/calendars/:id', {
    config: { access: can.anyone },
    schema: { operationId: 'getCalendar', tags, params: IdParams, response: { 200: CalendarRecordSchema, ...problems(404) } },
  }, async (req) => {
    const found = await findCalendar(db, req.params.id, principalOf(req).municipalities);
    if (!found) throw notFound(`calendar ${req.params.id}`);
    return found;
  });

  app.post('/calendars', {
    config: { access: can.administer },
    schema: {
      operationId: 'createCalendar', tags, summary: 'Add a business calendar (opening hours, holidays, closures) to a municipality you serve',
      headers: IdempotencyHeadersSchema, body: NewCalendarSchema,
      response: { 200: CalendarRecordSchema, 201: CalendarRecordSchema, ...writeProblems },
    },
  }, async (req, reply) => {
    const p = principalOf(req);
    assertServes(p, req.body.municipalityId, 'body.municipalityId');
    const { id, created } = await createOnce(db, 'calendars.create', req.headers['idempotency-key'], req.body, req.body.id, async (trx) => {
      if (await idTaken(trx, 'calendars', req.body.id)) throw alreadyExists(`calendar ${req.body.id}`, 'body.id');
      const row = await insertCalendar(trx, req.body);
      await appendAudit(trx, { ...auditedBy(req), municipalityId: row.municipalityId, action: 'calendar.created', targetType: 'calendar', targetId: row.id, after: row });
    });
    return reply.status(created ? 201 : 200).send((await findCalendar(db, id, p.municipalities))!);
  });

  app.put('/calendars/:id', {
    config: { access: can.administer },
    schema: {
      operationId: 'updateCalendar', tags,
      summary: "Rename a calendar or replace its spec (fields left out are kept); tasks already open keep the deadlines they were given",
      params: IdParams, body: CalendarUpdateSchema, response: { 200: CalendarRecordSchema, ...writeProblems },
    },
  }, async (req) => db.transaction().execute(async (trx) => {
    const before = await findCalendar(trx, req.params.id, principalOf(req).municipalities);
    if (!before) throw notFound(`calendar ${req.params.id}`);
    const after = await updateCalendar(trx, before.id, req.body);
    await appendAudit(trx, { ...auditedBy(req), municipalityId: before.municipalityId, action: 'calendar.updated', targetType: 'calendar', targetId: before.id, before, after });
    return after;
  }));
};
