import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../db/connection.ts';
import { can } from '../../domain/principal.ts';
import { changeOf, principalOf } from '../auth/principal.ts';
import { sendCreated, sendInMemoryPage } from '../lists.ts';
import { problems } from '../problems.ts';
import {
  CalendarListQuerySchema,
  CalendarRecordSchema,
  CalendarUpdateSchema,
  IdParams,
  NewCalendarSchema,
} from '../../contracts/administration.ts';
import { IdempotencyHeadersSchema } from '../../contracts/headers.ts';
import { createCalendar, getCalendar, listCalendars, updateCalendar } from '../../services/calendars.service.ts';

const writeProblems = problems(400, 401, 403, 404, 409);
const tags = ['administration'];

// The spec is checked by the same CalendarSchema the SLA arithmetic reads it with: a bad one is a 400 naming `body.spec...`.
export const calendarsRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/calendars',
    {
      config: { access: can.anyone },
      schema: {
        operationId: 'listCalendars',
        tags,
        summary: 'The business calendars of the municipalities you serve',
        querystring: CalendarListQuerySchema,
        response: { 200: CalendarRecordSchema.array(), ...problems(400) },
      },
    },
    async (req, reply) =>
      sendInMemoryPage(reply, 'calendars', req.query, await listCalendars(db, principalOf(req), req.query.filter ?? {})),
  );

  app.get(
    '/calendars/:id',
    {
      config: { access: can.anyone },
      schema: { operationId: 'getCalendar', tags, params: IdParams, response: { 200: CalendarRecordSchema, ...problems(404) } },
    },
    async (req) => getCalendar(db, req.params.id, principalOf(req)),
  );

  app.post(
    '/calendars',
    {
      config: { access: can.administer },
      schema: {
        operationId: 'createCalendar',
        tags,
        summary: 'Add a business calendar (opening hours, holidays, closures) to a municipality you serve',
        headers: IdempotencyHeadersSchema,
        body: NewCalendarSchema,
        response: { 200: CalendarRecordSchema, 201: CalendarRecordSchema, ...writeProblems },
      },
    },
    async (req, reply) => sendCreated(reply, await createCalendar(db, req.body, req.headers['idempotency-key'], changeOf(req))),
  );

  app.put(
    '/calendars/:id',
    {
      config: { access: can.administer },
      schema: {
        operationId: 'updateCalendar',
        tags,
        summary: 'Rename a calendar or replace its spec (fields left out are kept); tasks already open keep the deadlines they were given',
        params: IdParams,
        body: CalendarUpdateSchema,
        response: { 200: CalendarRecordSchema, ...writeProblems },
      },
    },
    async (req) => updateCalendar(db, req.params.id, req.body, changeOf(req)),
  );
};
