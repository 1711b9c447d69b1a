import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/connection.ts';
import { can } from '../../domain/principal.ts';
import type { AuditKeys } from '../../platform/audit-keys.ts';
import { principalOf } from '../auth/principal.ts';
import { sendPage } from '../lists.ts';
import { problems } from '../problems.ts';
import { AuditListQuerySchema, AuditProofSchema, AuditRecordSchema, AuditVerificationSchema } from '../../contracts/audit.ts';
import { pageOf } from '../../contracts/list-query.ts';
import { auditProofOf, listAudit, verifyAuditOf } from '../../services/audit.service.ts';

export const auditRoutes: FastifyPluginAsyncZod<{ db: Db; keys: AuditKeys }> = async (app, { db, keys }) => {
  app.get(
    '/audit',
    {
      config: { access: can.audit },
      schema: {
        operationId: 'listAudit',
        tags: ['audit'],
        summary: 'Audit records, newest first, of the municipalities you serve',
        querystring: AuditListQuerySchema,
        response: { 200: z.array(AuditRecordSchema), ...problems(400) },
      },
    },
    async (req, reply) => {
      const page = pageOf(req.query.range);
      return sendPage(reply, 'audit', page, await listAudit(db, principalOf(req), req.query, page));
    },
  );

  app.get(
    '/audit/verify',
    {
      config: { access: can.audit },
      schema: {
        operationId: 'verifyAudit',
        tags: ['audit'],
        summary:
          'Verify the chains of the municipalities you serve (records, Merkle roots, signed heads, the anchor outside the database); reports the first break',
        response: { 200: AuditVerificationSchema },
      },
    },
    async (req) => verifyAuditOf(db, keys, principalOf(req)),
  );

  app.get(
    '/audit/:id/proof',
    {
      config: { access: can.audit },
      schema: {
        operationId: 'proveAuditRecord',
        tags: ['audit'],
        summary: "Inclusion proof of one sealed record: its leaf, audit path and the batch's signed head",
        params: z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) }),
        response: { 200: AuditProofSchema, ...problems(400, 404, 409) },
      },
    },
    async (req) => auditProofOf(db, principalOf(req), req.params.id),
  );
};
