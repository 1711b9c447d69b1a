import type { FastifyRequest } from 'fastify';
import type { Access, Principal } from '../../domain/principal.ts';
import { serves } from '../../domain/principal.ts';
import type { Actor } from '../../workflows/case.definitions.ts';
import { ApiError } from '../../services/errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig { access?: Access }
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

/**
 * Creating or granting something for municipalities the caller does not serve: a 403 naming the
 * field (`body.municipalities.1` for a list).
 */
export function assertServes(principal: Principal, municipalities: string | readonly string[], path: string): void {
  const list = typeof municipalities === 'string' ? [municipalities] : municipalities;
  const outside = list.findIndex((m) => !serves(principal, m));
  if (outside < 0) return;
  throw new ApiError('forbidden', 'you do not serve this municipality', [{
    path: typeof municipalities === 'string' ? path : `${path}.${outside}`, message: `you do not serve "${list[outside]}"`,
  }]);
}

/** Who made a change and in which request, for its audit record. */
export const auditedBy = (req: FastifyRequest) => {
  const p = principalOf(req);
  return { actor: p.id, role: p.role, requestId: req.id };
};

/** Who the workflow is told the caller is, and the request that asked (for the audit trail). */
export const actorOf = (req: FastifyRequest): Actor => {
  const p = principalOf(req);
  return { id: p.id, role: p.role, officeId: p.officeId, requestId: req.id };
};

