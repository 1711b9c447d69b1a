import type { FastifyRequest } from 'fastify';
import type { StaffRole } from '../../domain/case.ts';
import type { Actor } from '../../workflows/case.definitions.ts';
import { ApiError } from '../errors.ts';

/** Who is calling: a staff member's session or an integration's API key. */
export interface Principal {
  kind: 'staff' | 'api-key';
  /** Staff user id, or `api-key:<id>`. */
  id: string;
  role: StaffRole;
  /** The municipalities whose cases and data the caller may see. */
  municipalities: string[];
  officeId: string | null;
}

/**
 * Every route declares who may call it: `public`, or the roles allowed. The auth plugin refuses
 * to register a route without it, and the access matrix test reads it.
 */
export type Access = 'public' | readonly StaffRole[];

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
 * A municipality outside the caller's scope: for an id in a path the answer is the same 404 as for
 * an id that does not exist, so ids of other municipalities cannot be probed.
 */
export function serves(principal: Principal, municipalityId: string): boolean {
  return principal.municipalities.includes(municipalityId);
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

/** The role sets routes are declared with: who works on what. */
export const can = {
  /** Any logged-in staff member. */
  anyone: ['operator', 'backoffice', 'designer', 'supervisor', 'auditor', 'admin'],
  readCases: ['operator', 'backoffice', 'supervisor', 'auditor', 'admin'],
  /** First level: open, answer, transfer, relay the citizen's events. */
  frontOffice: ['operator', 'supervisor', 'admin'],
  /** Second and third level: the offices' tasks. */
  officeWork: ['backoffice', 'supervisor', 'admin'],
  /** Whoever works on cases, at any level: notes on a case's timeline. */
  caseWork: ['operator', 'backoffice', 'supervisor', 'admin'],
  design: ['designer', 'admin'],
  /** Service definitions and the cases on each version: designers, and those who oversee the cases. */
  readDefinitions: ['designer', 'supervisor', 'auditor', 'admin'],
  /** The knowledge base operators answer from: written by process designers and supervisors. */
  editKnowledge: ['designer', 'supervisor', 'admin'],
  audit: ['auditor', 'admin'],
  /** Quality review: what citizens answered to the satisfaction survey. */
  review: ['supervisor', 'auditor', 'admin'],
  /** The management dashboard's figures: those who plan staff and oversee the service. */
  readKpis: ['supervisor', 'auditor', 'admin'],
  administer: ['admin'],
} as const satisfies Record<string, Access>;
