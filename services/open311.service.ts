import type { z } from 'zod';
import { CaseIntakeSchema } from '../domain/case.ts';
import { can } from '../domain/principal.ts';
import { NewRequest, type RequestsQuery } from '../contracts/open311.ts';
import { apiKeyPrincipal } from '../db/credentials.repository.ts';
import { latestPublished } from '../db/definitions.repository.ts';
import { findRequests, servicesOf } from '../db/open311.repository.ts';
import { findMunicipality, findService, listMunicipalities } from '../db/reference.repository.ts';
import type { Db } from '../db/connection.ts';
import { type CaseServiceDeps, openCase } from './cases.service.ts';
import { ApiError } from './errors.ts';
import { detailsFrom, subjectOf, toCaseStatus, toRequest, toService, toServiceDefinition } from './open311.mapping.ts';

/**
 * GeoReport v2 (Open311) over our cases, services and definitions. Errors are ApiErrors without
 * field errors, so their text is the description GeoReport reports (api/open311/errors.ts).
 */

const maxRequests = 1000;
const defaultWindowMs = 90 * 24 * 3600_000;

const issuesText = (e: z.ZodError) => e.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ');

/** The municipality a request is about: named, or the only one there is. */
export async function jurisdictionOf(db: Db, requested: string | undefined): Promise<string> {
  if (requested) {
    if (!(await findMunicipality(db, requested))) throw new ApiError('not_found', `jurisdiction_id "${requested}" was not found`);
    return requested;
  }
  const all = await listMunicipalities(db);
  if (all.length === 1) return all[0]!.id;
  throw new ApiError('bad_request', `jurisdiction_id was not provided: one of ${all.map((m) => m.id).join(', ')}`);
}

export async function open311Services(db: Db, jurisdiction: string | undefined) {
  const municipalityId = await jurisdictionOf(db, jurisdiction);
  return Promise.all((await servicesOf(db, municipalityId)).map(async (s) => toService(s, (await latestPublished(db, s.code))?.document)));
}

export async function open311ServiceDefinition(db: Db, jurisdiction: string | undefined, code: string) {
  const municipalityId = await jurisdictionOf(db, jurisdiction);
  if (!(await findService(db, municipalityId, code)))
    throw new ApiError('not_found', `service_code "${code}" was not found in ${municipalityId}`);
  return toServiceDefinition(code, (await latestPublished(db, code))?.document);
}

/**
 * A citizen's request, from single-valued parameters and the attributes' value lists: checked as
 * the spec orders it (the key first, so an unknown caller learns nothing from other errors), then
 * opened as a case.
 */
export async function submitRequest(
  deps: CaseServiceDeps,
  params: Record<string, string>,
  attributes: Record<string, unknown[]>,
  idempotencyKey: string | undefined,
  requestId: string,
) {
  if (!params.api_key) throw new ApiError('forbidden', 'api_key was not provided');
  // The integration's API key, as for the staff API; it must be one that may open cases.
  const owner = await apiKeyPrincipal(deps.db, params.api_key);
  if (!owner || !(can.frontOffice as readonly string[]).includes(owner.role)) throw new ApiError('forbidden', 'api_key is invalid');
  const municipalityId = await jurisdictionOf(deps.db, params.jurisdiction_id);
  if (!owner.municipalities.includes(municipalityId))
    throw new ApiError('forbidden', `api_key is not valid for jurisdiction_id "${municipalityId}"`);

  const parsed = NewRequest.safeParse(params);
  if (!parsed.success) throw new ApiError('bad_request', issuesText(parsed.error));
  const p = parsed.data;
  const service = (await servicesOf(deps.db, municipalityId)).find((s) => s.code === p.service_code);
  const definition = service && (await latestPublished(deps.db, service.code));
  if (!service || !definition) throw new ApiError('bad_request', `service_code "${p.service_code}" is not offered in ${municipalityId}`);
  if ((p.lat === undefined) !== (p.long === undefined)) throw new ApiError('bad_request', 'lat and long must be given together');
  if (p.lat === undefined && !p.address_string) {
    // We keep no address register to resolve an address_id against.
    throw new ApiError(
      'bad_request',
      p.address_id
        ? 'address_id is not supported here: send lat and long, or address_string'
        : 'a location is required: lat and long, or address_string',
    );
  }
  const { details, problems } = detailsFrom(definition.document.intake.fields, attributes);
  if (problems.length > 0) throw new ApiError('bad_request', problems.join('; '));

  const location = { lat: p.lat, long: p.long, address: p.address_string };
  const name = [p.first_name, p.last_name].filter(Boolean).join(' ');
  // We store no media: the link goes into the description, where the office sees it.
  const description = [p.description, p.media_url && `Foto: ${p.media_url}`].filter(Boolean).join('\n\n');
  const intake = CaseIntakeSchema.safeParse({
    municipalityId,
    serviceCode: service.code,
    channel: 'open311',
    subject: subjectOf(service.name, location),
    description,
    citizen: { ...(name ? { name } : {}), ...(p.email ? { email: p.email } : {}), ...(p.phone ? { phone: p.phone } : {}) },
    details,
    location,
  } satisfies z.input<typeof CaseIntakeSchema>);
  if (!intake.success) throw new ApiError('bad_request', issuesText(intake.error));

  const opened = await openCase(
    deps,
    intake.data,
    idempotencyKey,
    { id: owner.id, role: owner.role, officeId: null, requestId },
    owner.municipalities,
  );
  return [
    {
      service_request_id: opened.id,
      service_notice: `Richiesta registrata con il numero ${opened.id}: può seguirne lo stato con questo numero.`,
      account_id: null,
    },
  ];
}

/** The requests a query names, or those of its window: without a start, the 90 days before the end (or now), as the spec's default. */
export async function open311Requests(db: Db, q: RequestsQuery) {
  const municipalityId = await jurisdictionOf(db, q.jurisdiction_id);
  const to = q.end_date ? new Date(q.end_date) : undefined;
  const from = q.start_date ? new Date(q.start_date) : new Date((to?.getTime() ?? Date.now()) - defaultWindowMs);
  if (to && from > to) throw new ApiError('bad_request', 'start_date is after end_date');
  const rows = await findRequests(db, {
    municipalityId,
    ids: q.service_request_id?.length ? q.service_request_id : undefined,
    serviceCodes: q.service_code,
    statuses: q.status?.map(toCaseStatus),
    from,
    to,
    limit: maxRequests,
  });
  return rows.map(toRequest);
}

export async function open311Request(db: Db, jurisdiction: string | undefined, id: string) {
  const municipalityId = await jurisdictionOf(db, jurisdiction);
  const rows = await findRequests(db, { municipalityId, ids: [id], limit: 1 });
  if (rows.length === 0) throw new ApiError('not_found', `service_request_id "${id}" was not found in ${municipalityId}`);
  return rows.map(toRequest);
}
