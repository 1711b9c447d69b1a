import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can } from '../../domain/principal.ts';
import { CaseParams } from '../../contracts/cases.ts';
import type { Db } from '../../db/connection.ts';
import { type CitizenLinkKeys, revokeCitizenLink } from '../../services/citizen-links.service.ts';
import { principalOf } from '../auth/principal.ts';
import { problems } from '../problems.ts';

const RevokedLinkSchema = z.object({
  caseId: z.string(),
  /** False when the case had no link yet (none was sent). */
  revoked: z.boolean(),
  /** The new link, carried by the next message to the citizen. */
  pageUrl: z.string(),
});

export const citizenLinksRoutes: FastifyPluginAsyncZod<{ db: Db; keys: CitizenLinkKeys }> = async (app, { db, keys }) => {
  app.post(
    '/cases/:id/citizen-link/revoke',
    {
      config: { access: can.caseWork },
      schema: {
        operationId: 'revokeCitizenLink',
        tags: ['cases'],
        summary: "Revoke the link to the citizen's page of the case and issue a new one (the next message carries it)",
        params: CaseParams,
        response: { 200: RevokedLinkSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return revokeCitizenLink(db, keys, req.params.id, p.municipalities, { actor: p.id, role: p.role, requestId: req.id });
    },
  );
};
