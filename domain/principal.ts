import type { StaffRole } from './case.ts';

/** Who is calling: a staff member's session or an integration's API key. */
export interface Principal {
  kind: 'staff' | 'api-key';
  /** Staff user id, or `api-key:<id>`. */
  id: string;
  role: StaffRole;
  /** The municipalities whose cases and data the caller may see. */
  municipalities: string[];
  officeId: string | null;
  /** An integration's own rate limit (requests per minute); absent: the API's default. */
  rateLimitPerMinute?: number;
}

/**
 * Every route declares who may call it: `public`, or the roles allowed. The auth plugin refuses
 * to register a route without it, and the access matrix test reads it.
 */
export type Access = 'public' | readonly StaffRole[];

/**
 * A municipality outside the caller's scope: for an id in a path the answer is the same 404 as for
 * an id that does not exist, so ids of other municipalities cannot be probed.
 */
export function serves(principal: Principal, municipalityId: string): boolean {
  return principal.municipalities.includes(municipalityId);
}

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
  /** The delivery of every message of the municipalities served, and sending a failed one again. */
  manageMessages: ['supervisor', 'admin'],
  /** The citizens registry's likely duplicates, merged (and unmerged) by those who oversee the service. */
  mergeCitizens: ['supervisor', 'admin'],
  /**
   * The citizen's right of access: everything held about them, in one download. Those who answer
   * for the data (admin) and who check its use (auditor); the operator who takes the request at the
   * counter passes it on rather than downloading a person's whole file.
   */
  exportCitizens: ['auditor', 'admin'],
  administer: ['admin'],
} as const satisfies Record<string, Access>;
