import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../db/connection.ts';
import { can } from '../../domain/principal.ts';
import { principalOf } from '../auth/principal.ts';
import { problems } from '../problems.ts';
import { pageOf } from '../../contracts/list-query.ts';
import { CaseParams } from '../../contracts/cases.ts';
import { MessageListQuerySchema, MessageParams, MessageRecordSchema } from '../../contracts/messages.ts';
import { sendPage } from '../lists.ts';
import { caseMessages, listMessages, retryMessage } from '../../services/outbox.service.ts';

const tags = ['messages'];

export const messagesRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/messages',
    {
      config: { access: can.manageMessages },
      schema: {
        operationId: 'listMessages',
        tags,
        summary: 'Messages to citizens and offices in the municipalities you serve, with their delivery status, newest first',
        querystring: MessageListQuerySchema,
        response: { 200: MessageRecordSchema.array(), ...problems(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const page = pageOf(req.query.range);
      return sendPage(reply, 'messages', page, await listMessages(db, principalOf(req), req.query, page));
    },
  );

  app.post(
    '/messages/:id/retry',
    {
      config: { access: can.manageMessages },
      schema: {
        operationId: 'retryMessage',
        tags,
        summary: 'Queue a failed message again, due now, with a fresh count of attempts (409 unless it failed)',
        params: MessageParams,
        response: { 200: MessageRecordSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => retryMessage(db, principalOf(req), req.params.id, req.id),
  );

  app.get(
    '/cases/:id/messages',
    {
      config: { access: can.readCases },
      schema: {
        operationId: 'listCaseMessages',
        tags,
        summary: "A case's messages with their delivery status, oldest first",
        params: CaseParams,
        querystring: MessageListQuerySchema.pick({ range: true }),
        response: { 200: MessageRecordSchema.array(), ...problems(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const page = pageOf(req.query.range);
      return sendPage(reply, 'messages', page, await caseMessages(db, principalOf(req), req.params.id, page));
    },
  );
};
