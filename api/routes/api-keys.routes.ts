import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import { staffRoles } from '../../domain/case.ts';
import type { Db } from '../../db/connection.ts';
import { insertApiKey, newApiKeyId } from '../../db/credentials.repository.ts';
import { can } from '../../domain/principal.ts';
import { assertServes, principalOf } from '../auth/principal.ts';
import { appendAudit } from '../../db/audit.repository.ts';
import { createOnce, IdempotencyHeadersSchema } from '../../services/idempotency.ts';
import { problems } from '../problems.ts';
import { ApiError, notFound } from '../../services/errors.ts';

const ApiKeySchema = z.object({
  id: z.string(), name: z.string(), role: z.enum(staffRoles), municipalities: z.array(z.string()),
  expiresAt: z.date().nullable(), revokedAt: z.date().nullable(), createdBy: z.string(), createdAt: z.date(), lastUsedAt: z.date().nullable(),
});
const NewApiKeySchema = z.object({
  name: z.string().trim().min(3).max(100),
  role: z.enum(staffRoles).exclude(['admin']),
  municipalities: z.array(z.string()).min(1).max(50),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
}).strict();
z.globalRegistry.add(ApiKeySchema, { id: 'ApiKey' });
const Params = z.object({ id: z.string().regex(/^[0-9a-f]{12}$/, 'an API key id') });

/** Keys an admin may see and revoke: those reaching no municipality beyond theirs. */
const within = (municipalities: string[]) => sql<boolean>`municipalities <@ ${sql.val(municipalities)}::text[]`;

const columns = [
  'id', 'name', 'role', 'municipalities', 'expires_at as expiresAt', 'revoked_at as revokedAt', 'created_by as createdBy',
  'created_at as createdAt', 'last_used_at as lastUsedAt',
] as const;

// Keys are for integrations (Open311 portals, telephony adapters); never admin, never wider than their creator.
export const apiKeysRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get('/api-keys', {
    config: { access: can.administer },
    schema: { operationId: 'listApiKeys', tags: ['api keys'], response: { 200: z.array(ApiKeySchema) } },
  }, async (req, reply) => {
    const rows = await db.selectFrom('api_keys').select(columns)
      .where(within(principalOf(req).municipalities)).orderBy('created_at', 'desc').execute();
    return reply.header('content-range', `api-keys 0-${Math.max(rows.length - 1, 0)}/${rows.length}`).send(rows);
  });

  app.post('/api-keys', {
    config: { access: can.administer },
    schema: {
      operationId: 'createApiKey', tags: ['api keys'], summary: 'Create an API key; the key is shown in this answer only',
      headers: IdempotencyHeadersSchema, body: NewApiKeySchema,
      response: {
        201: ApiKeySchema.extend({ key: z.string() }), 200: ApiKeySchema,
        ...problems(400, 403, 409, 422),
      },
    },
  }, async (req, reply) => {
    const p = principalOf(req);
    // A key cannot reach further than its creator.
    assertServes(p, req.body.municipalities, 'body.municipalities');
    const expiresAt = req.body.expiresAt ? new Date(req.body.expiresAt) : null;
    if (expiresAt && expiresAt <= new Date()) throw new ApiError('unprocessable', 'the key would be expired already', [{ path: 'body.expiresAt', message: 'must be in the future' }]);
    let key: string | undefined;
    const { id, created } = await createOnce(db, `api-keys:${p.id}`, req.headers['idempotency-key'], req.body, newApiKeyId(), async (trx, newId) => {
      const spec = { ...req.body, expiresAt, createdBy: p.id };
      key = await insertApiKey(trx, newId, spec);
      await appendAudit(trx, {
        actor: p.id, role: p.role, municipalityId: null, action: 'api-key.created', targetType: 'api-key', targetId: newId, requestId: req.id, after: spec,
      });
    });
    const row = await db.selectFrom('api_keys').select(columns).where('id', '=', id).executeTakeFirstOrThrow();
    // A repeated request gets the key it created, without the secret: that was shown once, and is kept nowhere.
    return reply.status(created ? 201 : 200).send({ ...row, ...(key ? { key } : {}) });
  });

  app.post('/api-keys/:id/revoke', {
    config: { access: can.administer },
    schema: {
      operationId: 'revokeApiKey', tags: ['api keys'], summary: 'Revoke an API key at once',
      params: Params, response: { 200: ApiKeySchema, ...problems(404) },
    },
  }, async (req) => {
    const p = principalOf(req);
    return db.transaction().execute(async (trx) => {
      const row = await trx.updateTable('api_keys').set({ revoked_at: new Date() })
        .where('id', '=', req.params.id).where(within(p.municipalities))
        .returning(columns).executeTakeFirst();
      if (!row) throw notFound(`API key ${req.params.id}`);
      await appendAudit(trx, {
        actor: p.id, role: p.role, municipalityId: null, action: 'api-key.revoked', targetType: 'api-key', targetId: row.id, requestId: req.id, after: row,
      });
      return row;
    });
  });
};
