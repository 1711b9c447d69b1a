import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/connection.ts';
import { can } from '../../domain/principal.ts';
import { principalOf } from '../auth/principal.ts';
import { verifyAudit } from '../../db/audit.repository.ts';
import { problems } from '../problems.ts';
import { contentRange, listQuerySchema, pageOf } from '../../contracts/list-query.ts';

const AuditRecordSchema = z.object({
  id: z.number().int(), chain: z.string(), seq: z.number().int(), at: z.date(), actor: z.string(), role: z.string().nullable(),
  municipalityId: z.string().nullable(), action: z.string(), targetType: z.string(), targetId: z.string(),
  requestId: z.string().nullable(), beforeDigest: z.string().nullable(), afterDigest: z.string().nullable(), hash: z.string(),
});
const VerifySchema = z.object({
  ok: z.boolean(), chains: z.number().int(), records: z.number().int(),
  firstBreak: z.object({ chain: z.string(), seq: z.number().int(), id: z.number().int().nullable(), reason: z.string() }).nullable(),
});
z.globalRegistry.add(AuditRecordSchema, { id: 'AuditRecord' });

const AuditFilter = z.object({
  actor: z.string().optional(), action: z.string().optional(), targetType: z.string().optional(), targetId: z.string().optional(),
  municipalityId: z.string().optional(), from: z.iso.datetime({ offset: true }).optional(), to: z.iso.datetime({ offset: true }).optional(),
}).strict();

export const auditRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get('/audit', {
    config: { access: can.audit },
    schema: {
      operationId: 'listAudit', tags: ['audit'], summary: 'Audit records, newest first, of the municipalities you serve',
      querystring: listQuerySchema(['at'], AuditFilter),
      response: { 200: z.array(AuditRecordSchema), ...problems(400) },
    },
  }, async (req, reply) => {
    const p = principalOf(req);
    const f = req.query.filter ?? {};
    const page = pageOf(req.query.range);
    // Records of no municipality ('*': logins, API keys) are visible to every auditor.
    let q = db.selectFrom('audit_log').where((eb) => eb.or([eb('chain', '=', '*'), eb('municipality_id', 'in', p.municipalities)]));
    if (f.actor) q = q.where('actor', '=', f.actor);
    if (f.action) q = q.where('action', '=', f.action);
    if (f.targetType) q = q.where('target_type', '=', f.targetType);
    if (f.targetId) q = q.where('target_id', '=', f.targetId);
    if (f.municipalityId) q = q.where('municipality_id', '=', f.municipalityId);
    if (f.from) q = q.where('at', '>=', new Date(f.from));
    if (f.to) q = q.where('at', '<', new Date(f.to));
    const [{ total }, rows] = await Promise.all([
      q.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
      q.select([
        'id', 'chain', 'seq', 'at', 'actor', 'role', 'municipality_id as municipalityId', 'action', 'target_type as targetType',
        'target_id as targetId', 'request_id as requestId', 'before_digest as beforeDigest', 'after_digest as afterDigest', 'hash',
      ]).orderBy('at', req.query.sort?.[1] === 'ASC' ? 'asc' : 'desc').orderBy('id', 'desc').offset(page.offset).limit(page.limit).execute(),
    ]);
    return reply.header('content-range', contentRange('audit', page, rows.length, Number(total))).send(rows);
  });

  app.get('/audit/verify', {
    config: { access: can.audit },
    schema: {
      operationId: 'verifyAudit', tags: ['audit'],
      summary: 'Recompute the hash chains of the municipalities you serve; reports the first broken link',
      response: { 200: VerifySchema },
    },
  }, async (req) => verifyAudit(db, ['*', ...principalOf(req).municipalities]));
};
