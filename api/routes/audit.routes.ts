import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/connection.ts';
import { can } from '../../domain/principal.ts';
import { principalOf } from '../auth/principal.ts';
import { sendPage } from '../lists.ts';
import { problems } from '../problems.ts';
import { AuditListQuerySchema, AuditRecordSchema, AuditVerificationSchema } from '../../contracts/audit.ts';
import { pageOf } from '../../contracts/list-query.ts';
import { listAudit, verifyAuditOf } from '../../services/audit.service.ts';

export const auditRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
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
        summary: 'Recompute the hash chains of the municipalities you serve; reports the first broken link',
        response: { 200: AuditVerificationSchema },
      },
    },
    async (req) => verifyAuditOf(db, principalOf(req)),
  );
};
