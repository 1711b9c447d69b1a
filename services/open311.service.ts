import { createHash, randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { CaseIntakeSchema } from '../domain/case.ts';
import { can, type Principal } from '../domain/principal.ts';
import { NewRequest, NewUpdate, type RequestsQuery, type UpdatesQuery } from '../contracts/open311.ts';
import { appendAudit } from '../db/audit.repository.ts';
import { apiKeyPrincipal } from '../db/credentials.repository.ts';
import { latestPublished } from '../db/definitions.repository.ts';
import { findOpen311Media, findRequests, findUpdates, saveMediaUrl, servicesOf } from '../db/open311.repository.ts';
import { findMunicipality, findService, listMunicipalities } from '../db/reference.repository.ts';
import type { Db } from '../db/connection.ts';
import { citizenInformationSignal } from '../workflows/case.definitions.ts';
import { type IncomingFile, caseAttachments, refusalOf, storeAttachment } from './attachments.service.ts';
import { type CaseServiceDeps, openCase, signalCase } from './cases.service.ts';
import { ApiError } from './errors.ts';
import { createOnce } from './idempotency.ts';
import {
  type Open311View,
  type Publication,
  detailsFrom,
  subjectOf,
  toCaseStatus,
  toRequest,
  toService,
  toServiceDefinition,
  toUpdate,
  visibleServices,
} from './open311.mapping.ts';

/**
 * GeoReport v2 (Open311) over our cases, services and definitions. Errors are ApiErrors without
 * field errors, so their text is the description GeoReport reports (api/open311/errors.ts).
 */

const maxRequests = 1000;
const maxWindowDays = 90;
const maxWindowMs = maxWindowDays * 24 * 3600_000;

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
 * The caller of a POST: its `api_key` (from the query or the body) must be an integration key that
 * may open cases, valid for the jurisdiction. Checked first, so an unknown caller learns nothing
 * from other errors.
 */
async function authorizedCaller(db: Db, params: Record<string, string>): Promise<{ owner: Principal; municipalityId: string }> {
  if (!params.api_key) throw new ApiError('forbidden', 'api_key was not provided');
  const owner = await apiKeyPrincipal(db, params.api_key);
  if (!owner || !(can.frontOffice as readonly string[]).includes(owner.role)) throw new ApiError('forbidden', 'api_key is invalid');
  const municipalityId = await jurisdictionOf(db, params.jurisdiction_id);
  if (!owner.municipalities.includes(municipalityId))
    throw new ApiError('forbidden', `api_key is not valid for jurisdiction_id "${municipalityId}"`);
  return { owner, municipalityId };
}

/** A file sent as the `media` field, refused before anything is written when it is outside the limits. */
function checkMedia(media: IncomingFile | undefined): void {
  const refusal = media && refusalOf(media);
  if (refusal) throw new ApiError('bad_request', `media: ${refusal}`);
}

/**
 * Keeps the photo an app uploaded with the case, audited with the app's key as actor. A repeated
 * request (same Idempotency-Key) brings the same photo again: it is kept once.
 */
async function keepMedia(db: Db, media: IncomingFile, caseId: string, municipalityId: string, owner: Principal, requestId: string) {
  const sha256 = createHash('sha256').update(media.content).digest('hex');
  const kept = (await caseAttachments(db, caseId)).find((a) => a.source === 'open311' && a.sha256 === sha256);
  if (kept) return kept;
  return db.transaction().execute(async (trx) => {
    const stored = await storeAttachment(trx, { ...media, caseId, municipalityId, source: 'open311' }, 'media');
    await appendAudit(trx, {
      actor: owner.id,
      role: owner.role,
      municipalityId,
      action: 'attachment.stored',
      targetType: 'attachment',
      targetId: stored.id,
      requestId,
      after: stored,
    });
    return stored;
  });
}

/**
 * A citizen's request, from single-valued parameters, the attributes' value lists and the photo
 * (`media`) if one was uploaded: checked as the spec orders it, then opened as a case. A photo
 * link (`media_url`) is kept beside the case, not in its description.
 */
export async function submitRequest(
  deps: CaseServiceDeps,
  params: Record<string, string>,
  attributes: Record<string, unknown[]>,
  media: IncomingFile | undefined,
  idempotencyKey: string | undefined,
  requestId: string,
) {
  const { owner, municipalityId } = await authorizedCaller(deps.db, params);
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
  checkMedia(media);

  const location = { lat: p.lat, long: p.long, address: p.address_string };
  const name = [p.first_name, p.last_name].filter(Boolean).join(' ');
  const intake = CaseIntakeSchema.safeParse({
    municipalityId,
    serviceCode: service.code,
    channel: 'open311',
    subject: subjectOf(service.name, location),
    description: p.description ?? '',
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
  if (p.media_url) await saveMediaUrl(deps.db, opened.id, p.media_url);
  if (media) await keepMedia(deps.db, media, opened.id, municipalityId, owner, requestId);
  return [
    {
      service_request_id: opened.id,
      service_notice: `Richiesta registrata con il numero ${opened.id}: può seguirne lo stato con questo numero.`,
      account_id: null,
    },
  ];
}

/**
 * A citizen's update to a request (FixMyStreet's `POST servicerequestupdates`): added to the case
 * as the citizen's information through its workflow — the office is told, and when it was waiting
 * for the citizen its clock restarts. The citizen's `status` is passed on to the office, never
 * applied: only the office closes a case. Answers the update's id, which the update list shows.
 */
export async function submitUpdate(
  deps: CaseServiceDeps,
  params: Record<string, string>,
  media: IncomingFile | undefined,
  requestId: string,
) {
  const { owner, municipalityId } = await authorizedCaller(deps.db, params);
  const parsed = NewUpdate.safeParse(params);
  if (!parsed.success) throw new ApiError('bad_request', issuesText(parsed.error));
  const p = parsed.data;
  const [request] = await findRequests(deps.db, { municipalityId, ids: [p.service_request_id], limit: 1 });
  if (!request) throw new ApiError('not_found', `service_request_id "${p.service_request_id}" was not found in ${municipalityId}`);
  // The workflow takes information only while the case is open; later it would be dropped unseen.
  if (request.status !== 'open')
    throw new ApiError('bad_request', `service_request_id "${p.service_request_id}" is closed: updates are taken while a request is open`);
  checkMedia(media);

  const stored = media && (await keepMedia(deps.db, media, request.id, municipalityId, owner, requestId));
  const text = [p.description, p.status === 'closed' && '(Secondo il cittadino il problema è risolto.)'].filter(Boolean).join('\n\n');
  // What makes two POSTs one update: everything the client said, and the photo by its hash.
  const content = {
    description: p.description,
    status: p.status ?? null,
    updated_datetime: p.updated_datetime ?? null,
    media_url: p.media_url ?? null,
    email: p.email ?? null,
    first_name: p.first_name ?? null,
    last_name: p.last_name ?? null,
    media: media ? createHash('sha256').update(media.content).digest('hex') : null,
  };
  // A client retrying a POST it saw fail (FixMyStreet does) adds nothing: the update is named by
  // the client's update_id, else by its content, per key and request.
  const name = p.update_id ? `id:${p.update_id}` : `content:${createHash('sha256').update(JSON.stringify(content)).digest('hex')}`;
  const { id: updateId } = await createOnce(
    deps.db,
    'open311.servicerequestupdates',
    `${owner.id}|${request.id}|${name}`,
    content,
    randomUUID(),
    // The signal inside the claim's transaction: a signal that fails releases the claim for the
    // retry, and a twin arriving meanwhile waits on the claim, then answers the same update_id.
    async (trx, updateId) => {
      const information = {
        text,
        channel: 'open311' as const,
        updateId,
        ...(stored ? { attachmentIds: [stored.id] } : {}),
        ...(p.media_url ? { mediaUrl: p.media_url } : {}),
      };
      await signalCase(deps, request.id, owner.municipalities, citizenInformationSignal, information);
      await appendAudit(trx, {
        actor: owner.id,
        role: owner.role,
        municipalityId,
        action: 'case.citizen-update',
        targetType: 'case',
        targetId: request.id,
        requestId,
        after: information,
      });
    },
  ).catch((err: unknown) => {
    if (p.update_id && err instanceof ApiError && err.errors?.some((e) => e.path === 'headers.idempotency-key')) {
      throw new ApiError('conflict', `update_id "${p.update_id}" was already sent for this request with other content`);
    }
    throw err;
  });
  return [{ update_id: updateId }];
}

/**
 * A window as GeoReport v2 bounds it: without a start, the 90 days before the end (or now); never
 * more than 90 days. An end in the future counts up to now, since nothing happened after it yet.
 */
function windowOf(start: string | undefined, end: string | undefined): { from: Date; to?: Date } {
  const now = Date.now();
  const to = end ? new Date(end) : undefined;
  const from = start ? new Date(start) : new Date((to?.getTime() ?? now) - maxWindowMs);
  if (to && from > to) throw new ApiError('bad_request', 'start_date is after end_date');
  if (Math.min(to?.getTime() ?? now, now) - from.getTime() > maxWindowMs) {
    throw new ApiError(
      'bad_request',
      `start_date: the range from start_date to ${end ? 'end_date' : 'now'} is longer than ${maxWindowDays} days, the most GeoReport v2 allows`,
    );
  }
  return { from, to };
}

/** Who reads a GET: anyone, or an integration with an `api_key` (query string) of the municipality. */
export interface Open311Reader {
  baseUrl: string;
  apiKey?: string;
}

/** What this reader may see of the municipality's cases (see Open311View). A key that is not good for it is refused. */
async function viewFor(db: Db, municipalityId: string, reader: Open311Reader): Promise<Open311View> {
  let full = false;
  if (reader.apiKey) {
    const owner = await apiKeyPrincipal(db, reader.apiKey);
    if (!owner || !(can.readCases as readonly string[]).includes(owner.role)) throw new ApiError('forbidden', 'api_key is invalid');
    if (!owner.municipalities.includes(municipalityId))
      throw new ApiError('forbidden', `api_key is not valid for jurisdiction_id "${municipalityId}"`);
    full = true;
  }
  const publications = new Map<string, Publication>();
  for (const s of await servicesOf(db, municipalityId)) {
    const publication = (await latestPublished(db, s.code))?.document.publication;
    if (publication) publications.set(s.code, publication);
  }
  return { baseUrl: reader.baseUrl, full, publications };
}

/** The requests a query names, or those of its window, that the reader may see. */
export async function open311Requests(db: Db, q: RequestsQuery, reader: Open311Reader) {
  const municipalityId = await jurisdictionOf(db, q.jurisdiction_id);
  const view = await viewFor(db, municipalityId, reader);
  const { from, to } = windowOf(q.start_date, q.end_date);
  const rows = await findRequests(db, {
    municipalityId,
    visibleServices: visibleServices(view),
    ids: q.service_request_id?.length ? q.service_request_id : undefined,
    serviceCodes: q.service_code,
    statuses: q.status?.map(toCaseStatus),
    from,
    to,
    limit: maxRequests,
  });
  return rows.map((r) => toRequest(r, view));
}

/** One request; one the reader may not see is not found, like one that does not exist. */
export async function open311Request(db: Db, jurisdiction: string | undefined, id: string, reader: Open311Reader) {
  const municipalityId = await jurisdictionOf(db, jurisdiction);
  const view = await viewFor(db, municipalityId, reader);
  const rows = await findRequests(db, { municipalityId, visibleServices: visibleServices(view), ids: [id], limit: 1 });
  if (rows.length === 0) throw new ApiError('not_found', `service_request_id "${id}" was not found in ${municipalityId}`);
  return rows.map((r) => toRequest(r, view));
}

/** The public steps of the jurisdiction's requests the reader may see, in a window (FixMyStreet's `GET servicerequestupdates`). */
export async function open311Updates(db: Db, q: UpdatesQuery, reader: Open311Reader) {
  const municipalityId = await jurisdictionOf(db, q.jurisdiction_id);
  const view = await viewFor(db, municipalityId, reader);
  const { from, to } = windowOf(q.start_date, q.end_date);
  return (await findUpdates(db, { municipalityId, visibleServices: visibleServices(view), from, to, limit: maxRequests })).map((u) =>
    toUpdate(u, view),
  );
}

/** A photo an app sent: for anyone where its service shows photos, else for a key of its municipality; otherwise not found. */
export async function open311Media(db: Db, id: string, reader: Open311Reader) {
  const media = await findOpen311Media(db, id);
  const view = media && (await viewFor(db, media.municipality_id, reader).catch(() => null));
  if (!media || !view || (!view.full && !view.publications.get(media.service_code)?.photos))
    throw new ApiError('not_found', `media "${id}" was not found`);
  return { content: media.content, contentType: media.content_type };
}
