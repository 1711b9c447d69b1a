import type { FastifyRequest } from 'fastify';
import type { Access, Principal } from '../../domain/principal.ts';
import type { Actor } from '../../workflows/case.definitions.ts';
import { ApiError } from '../../services/errors.ts';
import type { Change } from '../../services/reference-data.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | null;
    /** The session's CSRF token, when the caller came with a valid session cookie. */
    csrfToken: string | null;
  }
}

/** The caller of a route that is not public (the plugin has already checked the role). */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new ApiError('unauthorized', 'log in or present an API key');
  return req.principal;
}

/** Who makes a change, and in which request: what its audit record names. */
export const changeOf = (req: FastifyRequest): Change => ({ principal: principalOf(req), requestId: req.id });

/** Who the workflow is told the caller is, and the request that asked (for the audit trail). */
export const actorOf = (req: FastifyRequest): Actor => {
  const p = principalOf(req);
  return { id: p.id, role: p.role, officeId: p.officeId, requestId: req.id };
};
