import type { Db } from '../db/connection.ts';
import { latestPublished } from '../db/definitions.repository.ts';
import { findService, listServices as servicesOf } from '../db/reference.repository.ts';
import { type Principal, serves } from '../domain/principal.ts';
import type { Service, ServiceIntake } from '../contracts/reference.ts';
import { notFound } from './errors.ts';

/** The services offered by the municipalities the caller serves (or by one of them), by municipality and name. */
export async function listServices(db: Db, p: Principal, municipalityId: string | undefined): Promise<Service[]> {
  return (await servicesOf(db, municipalityId))
    .filter((s) => serves(p, s.municipalityId))
    .map((s) => ({ id: `${s.municipalityId}:${s.code}`, ...s }));
}

/**
 * Operators do not read definitions (designers' drafts): they get the intake form and first-level
 * rules of a service's published definition, which new cases start on.
 */
export async function serviceIntake(db: Db, p: Principal, serviceId: string): Promise<ServiceIntake> {
  const [municipalityId, code] = serviceId.split(':') as [string, string];
  const published =
    serves(p, municipalityId) && (await findService(db, municipalityId, code)) ? await latestPublished(db, code) : undefined;
  if (!published) throw notFound(`a published service ${serviceId}`);
  const d = published.document;
  return {
    serviceId,
    definitionVersion: published.version,
    fields: d.intake.fields,
    operatorMayClose: d.firstLevel.operatorMayClose,
    outcomes: d.resolution.outcomes,
    knowledgeArticles: d.firstLevel.knowledgeArticles,
  };
}
