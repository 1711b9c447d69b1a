import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/connection.ts';
import { can } from '../../domain/principal.ts';
import { changeOf, principalOf } from '../auth/principal.ts';
import { sendCreated } from '../lists.ts';
import { problems } from '../problems.ts';
import { ApiKeyParams, ApiKeySchema, CreatedApiKeySchema, NewApiKeySchema } from '../../contracts/administration.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../../services/api-keys.service.ts';
import { IdempotencyHeadersSchema } from '../../contracts/headers.ts';

const tags = ['api keys'];

export const apiKeysRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/api-keys',
    {
      config: { access: can.administer },
      schema: { operationId: 'listApiKeys', tags, response: { 200: z.array(ApiKeySchema) } },
    },
    async (req, reply) => {
      const rows = await listApiKeys(db, principalOf(req));
      // Not paged: the whole list, in one range (`api-keys 0-0/0` when empty).
      return reply.header('content-range', `api-keys 0-${Math.max(rows.length - 1, 0)}/${rows.length}`).send(rows);
    },
  );

  app.post(
    '/api-keys',
    {
      config: { access: can.administer },
      schema: {
        operationId: 'createApiKey',
        tags,
        summary: 'Create an API key; the key is shown in this answer only',
        headers: IdempotencyHeadersSchema,
        body: NewApiKeySchema,
        response: { 201: CreatedApiKeySchema, 200: ApiKeySchema, ...problems(400, 403, 409, 422) },
      },
    },
    async (req, reply) => sendCreated(reply, await createApiKey(db, req.body, req.headers['idempotency-key'], changeOf(req))),
  );

  app.post(
    '/api-keys/:id/revoke',
    {
      config: { access: can.administer },
      schema: {
        operationId: 'revokeApiKey',
        tags,
        summary: 'Revoke an API key at once',
        params: ApiKeyParams,
        response: { 200: ApiKeySchema, ...problems(404) },
      },
    },
    async (req) => revokeApiKey(db, req.params.id, changeOf(req)),
  );
};
