import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LetterListQuerySchema, LetterParams, LetterSchema } from '../../contracts/notifications.ts';
import { pageOf } from '../../contracts/list-query.ts';
import type { Db } from '../../db/connection.ts';
import { can } from '../../domain/principal.ts';
import { getLetterPdf, listLetters, markLetterPosted } from '../../services/letters.service.ts';
import { principalOf } from '../auth/principal.ts';
import { sendPage } from '../lists.ts';
import { problems } from '../problems.ts';

/** The print queue of the back office: letters to print, their PDF, and marking them posted. */
export const lettersRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/letters',
    {
      config: { access: can.officeWork },
      schema: {
        operationId: 'listLetters',
        tags: ['letters'],
        summary: 'Letters of the municipalities you serve, newest first; `filter={"status":"to-print"}` is the print queue',
        querystring: LetterListQuerySchema,
        response: { 200: LetterSchema.array(), ...problems(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const page = pageOf(req.query.range);
      const letters = await listLetters(db, principalOf(req).municipalities, req.query.filter ?? {}, req.query.sort?.[1] ?? 'DESC', page);
      return sendPage(reply, 'letters', page, letters);
    },
  );

  app.get(
    '/letters/:id/pdf',
    {
      config: { access: can.officeWork },
      schema: {
        operationId: 'getLetterPdf',
        tags: ['letters'],
        summary: 'The letter to print, as a PDF (A4, for a window envelope)',
        params: LetterParams,
        response: { 200: z.string().describe('application/pdf'), ...problems(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const pdf = await getLetterPdf(db, req.params.id, principalOf(req));
      // A file: Fastify sends a buffer as it is, past the schema.
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="lettera-${req.params.id}.pdf"`)
        .send(pdf as unknown as string);
    },
  );

  app.post(
    '/letters/:id/posted',
    {
      config: { access: can.officeWork },
      schema: {
        operationId: 'markLetterPosted',
        tags: ['letters'],
        summary: 'The letter is in the post: its message becomes delivered (audited; posting it again changes nothing)',
        params: LetterParams,
        response: { 200: LetterSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => markLetterPosted(db, req.params.id, { principal: principalOf(req), requestId: req.id }),
  );
};
