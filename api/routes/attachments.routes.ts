import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can } from '../../domain/principal.ts';
import { principalOf } from '../auth/principal.ts';
import { problems } from '../problems.ts';
import { CaseParams } from '../../contracts/cases.ts';
import { AttachmentParams, AttachmentSchema } from '../../contracts/attachments.ts';
import type { Db } from '../../db/connection.ts';
import { downloadAttachment, listCaseAttachments } from '../../services/attachments.service.ts';

/** `filename` as plain ASCII for old clients, `filename*` with the name as sent (RFC 6266). */
const disposition = (name: string) =>
  `attachment; filename="${name.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;

export const attachmentsRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/cases/:id/attachments',
    {
      config: { access: can.readCases },
      schema: {
        operationId: 'listCaseAttachments',
        tags: ['cases'],
        summary: 'The files the citizen sent with a case (e-mail attachments, Open311 media, uploads)',
        params: CaseParams,
        response: { 200: z.array(AttachmentSchema), ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => listCaseAttachments(db, req.params.id, principalOf(req).municipalities),
  );

  app.get(
    '/attachments/:id',
    {
      config: { access: can.readCases },
      schema: {
        operationId: 'downloadAttachment',
        tags: ['cases'],
        summary: 'Download a file a citizen sent (always as an attachment, never shown inline)',
        params: AttachmentParams,
        response: { 200: z.any().describe('the file, with its stored Content-Type'), ...problems(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const file = await downloadAttachment(db, req.params.id, principalOf(req).municipalities);
      return reply
        .type(file.contentType)
        .header('content-disposition', disposition(file.fileName))
        .header('x-content-type-options', 'nosniff')
        .send(file.content);
    },
  );
};
