import fastifyFormbody from '@fastify/formbody';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CaseIntakeSchema, CitizenSchema } from '../../domain/case.ts';
import { latestPublished } from '../../db/definitions.repository.ts';
import { findMunicipality, findService, listMunicipalities } from '../../db/reference.repository.ts';
import { apiKeyPrincipal } from '../../db/credentials.repository.ts';
import { can } from '../../domain/principal.ts';
import { type CaseServiceDeps, openCase } from '../../services/cases.service.ts';
import { Open311Error, registerOpen311Errors, sendAs } from './errors.ts';
import { detailsFrom, subjectOf, toCaseStatus, toRequest, toService, toServiceDefinition } from './mapping.ts';
import { findRequests, servicesOf } from '../../db/open311.repository.ts';


const Format = z.enum(['json', 'xml']);
const FormatParams = z.object({ format: Format });
const Jurisdiction = z.object({ jurisdiction_id: z.string().max(60).optional() });
/** `a,b` or a repeated parameter, as a list. */
const commaList = z.union([z.string(), z.array(z.string())])
  .transform((v) => [v].flat().flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean));
const RequestsQuery = Jurisdiction.extend({
  service_request_id: commaList.pipe(z.array(z.string().max(40)).max(1000)).optional(),
  service_code: commaList.pipe(z.array(z.string().max(60)).max(100)).optional(),
  start_date: z.iso.datetime({ offset: true }).optional(),
  end_date: z.iso.datetime({ offset: true }).optional(),
  status: commaList.pipe(z.array(z.enum(['open', 'closed']))).optional(),
});
const maxRequests = 1000;
const defaultWindowMs = 90 * 24 * 3600_000;

// The other parameters of POST requests, once api_key and jurisdiction_id are settled.
const phone = z.string().transform((s) => s.replace(/[\s().-]/g, '')).pipe(CitizenSchema.shape.phone.unwrap());
const NewRequest = z.object({
  service_code: z.string({ error: 'service_code was not provided' }).max(60),
  lat: z.coerce.number().min(-90).max(90).optional(),
  long: z.coerce.number().min(-180).max(180).optional(),
  address_string: z.string().max(300).optional(),
  address_id: z.string().max(100).optional(),
  email: CitizenSchema.shape.email,
  phone: phone.optional(),
  first_name: z.string().max(100).optional(),
  last_name: z.string().max(100).optional(),
  description: z.string().max(4000).optional(),
  media_url: z.url().max(2000).optional(),
});

/** The municipality a request is about: named, or the only one there is. */
async function jurisdiction(deps: CaseServiceDeps, requested: string | undefined): Promise<string> {
  if (requested) {
    if (!(await findMunicipality(deps.db, requested))) throw new Open311Error(404, `jurisdiction_id "${requested}" was not found`);
    return requested;
  }
  const all = await listMunicipalities(deps.db);
  if (all.length === 1) return all[0]!.id;
  throw new Open311Error(400, `jurisdiction_id was not provided: one of ${all.map((m) => m.id).join(', ')}`);
}

const issuesText = (e: z.ZodError) => e.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ');

/**
 * Form fields arrive as text (a repeated one as a list), JSON fields typed; `attribute[code]` may
 * also come as a JSON object `attribute: {code: value}`. Splits them into single-valued
 * parameters and the attributes' value lists.
 */
function readBody(body: unknown): { params: Record<string, string>; attributes: Record<string, unknown[]> } {
  if (body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body))) {
    throw new Open311Error(400, 'the parameters must be form fields or a JSON object');
  }
  // Without a prototype, so a parameter named `__proto__` is just an unknown name.
  const params: Record<string, string> = Object.create(null);
  const attributes: Record<string, unknown[]> = Object.create(null);
  for (const [name, value] of Object.entries(body ?? {})) {
    const attribute = /^attribute\[(.+)\]$/.exec(name)?.[1];
    if (attribute) attributes[attribute] = [value].flat();
    else if (name === 'attribute' && typeof value === 'object' && value !== null) {
      for (const [code, v] of Object.entries(value)) attributes[code] = [v].flat();
    } else if (Array.isArray(value)) throw new Open311Error(400, `${name}: given more than once`);
    // An empty form field is an absent one.
    else if (value !== null && value !== undefined && String(value).trim() !== '') params[name] = String(value).trim();
  }
  return { params, attributes };
}

export const open311Routes: FastifyPluginAsyncZod<CaseServiceDeps> = async (app, deps) => {
  registerOpen311Errors(app);
  await app.register(fastifyFormbody);
  // Not part of the staff API's OpenAPI document: the GeoReport v2 specification documents these.
  const hide = true;

  app.get('/services.:format', { schema: { hide, params: FormatParams, querystring: Jurisdiction } }, async (req, reply) => {
    const municipalityId = await jurisdiction(deps, req.query.jurisdiction_id);
    const services = await Promise.all((await servicesOf(deps.db, municipalityId))
      .map(async (s) => toService(s, (await latestPublished(deps.db, s.code))?.document)));
    return sendAs(reply, req.params.format, 'services', services);
  });

  app.get('/services/:service_code.:format', {
    schema: { hide, params: FormatParams.extend({ service_code: z.string().max(60) }), querystring: Jurisdiction },
  }, async (req, reply) => {
    const municipalityId = await jurisdiction(deps, req.query.jurisdiction_id);
    const code = req.params.service_code;
    if (!(await findService(deps.db, municipalityId, code))) throw new Open311Error(404, `service_code "${code}" was not found in ${municipalityId}`);
    return sendAs(reply, req.params.format, 'service_definition', toServiceDefinition(code, (await latestPublished(deps.db, code))?.document));
  });

  app.post('/requests.:format', {
    schema: { hide, params: FormatParams, headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }) },
  }, async (req, reply) => {
    const { params, attributes } = readBody(req.body);
    // The key is checked before anything else, so an unknown caller learns nothing from other errors.
    if (!params.api_key) throw new Open311Error(403, 'api_key was not provided');
    // The integration's API key, as for the staff API; it must be one that may open cases.
    const owner = await apiKeyPrincipal(deps.db, params.api_key);
    if (!owner || !(can.frontOffice as readonly string[]).includes(owner.role)) throw new Open311Error(403, 'api_key is invalid');
    const municipalityId = await jurisdiction(deps, params.jurisdiction_id);
    if (!owner.municipalities.includes(municipalityId)) throw new Open311Error(403, `api_key is not valid for jurisdiction_id "${municipalityId}"`);

    const parsed = NewRequest.safeParse(params);
    if (!parsed.success) throw new Open311Error(400, issuesText(parsed.error));
    const p = parsed.data;
    const service = (await servicesOf(deps.db, municipalityId)).find((s) => s.code === p.service_code);
    const definition = service && await latestPublished(deps.db, service.code);
    if (!service || !definition) throw new Open311Error(400, `service_code "${p.service_code}" is not offered in ${municipalityId}`);
    if ((p.lat === undefined) !== (p.long === undefined)) throw new Open311Error(400, 'lat and long must be given together');
    if (p.lat === undefined && !p.address_string) {
      // We keep no address register to resolve an address_id against.
      throw new Open311Error(400, p.address_id ? 'address_id is not supported here: send lat and long, or address_string'
        : 'a location is required: lat and long, or address_string');
    }
    const { details, problems } = detailsFrom(definition.document.intake.fields, attributes);
    if (problems.length > 0) throw new Open311Error(400, problems.join('; '));

    const location = { lat: p.lat, long: p.long, address: p.address_string };
    const name = [p.first_name, p.last_name].filter(Boolean).join(' ');
    // We store no media: the link goes into the description, where the office sees it.
    const description = [p.description, p.media_url && `Foto: ${p.media_url}`].filter(Boolean).join('\n\n');
    const intake = CaseIntakeSchema.safeParse({
      municipalityId, serviceCode: service.code, channel: 'open311', subject: subjectOf(service.name, location), description,
      citizen: { ...(name ? { name } : {}), ...(p.email ? { email: p.email } : {}), ...(p.phone ? { phone: p.phone } : {}) },
      details, location,
    } satisfies z.input<typeof CaseIntakeSchema>);
    if (!intake.success) throw new Open311Error(400, issuesText(intake.error));

    const opened = await openCase(deps, intake.data, req.headers['idempotency-key'],
      { id: owner.id, role: owner.role, officeId: null, requestId: req.id }, owner.municipalities);
    // The spec names no success status; 200 is the one every client accepts.
    return sendAs(reply, req.params.format, 'service_requests', [{
      service_request_id: opened.id,
      service_notice: `Richiesta registrata con il numero ${opened.id}: può seguirne lo stato con questo numero.`,
      account_id: null,
    }]);
  });

  app.get('/requests.:format', { schema: { hide, params: FormatParams, querystring: RequestsQuery } }, async (req, reply) => {
    const q = req.query;
    const municipalityId = await jurisdiction(deps, q.jurisdiction_id);
    const to = q.end_date ? new Date(q.end_date) : undefined;
    // Without a start, the 90 days before the end (or now), as the spec's default window.
    const from = q.start_date ? new Date(q.start_date) : new Date((to?.getTime() ?? Date.now()) - defaultWindowMs);
    if (to && from > to) throw new Open311Error(400, 'start_date is after end_date');
    const rows = await findRequests(deps.db, {
      municipalityId, ids: q.service_request_id?.length ? q.service_request_id : undefined, serviceCodes: q.service_code, statuses: q.status?.map(toCaseStatus), from, to, limit: maxRequests,
    });
    return sendAs(reply, req.params.format, 'service_requests', rows.map(toRequest));
  });

  app.get('/requests/:service_request_id.:format', {
    schema: { hide, params: FormatParams.extend({ service_request_id: z.string().max(40) }), querystring: Jurisdiction },
  }, async (req, reply) => {
    const municipalityId = await jurisdiction(deps, req.query.jurisdiction_id);
    const id = req.params.service_request_id;
    const rows = await findRequests(deps.db, { municipalityId, ids: [id], limit: 1 });
    if (rows.length === 0) throw new Open311Error(404, `service_request_id "${id}" was not found in ${municipalityId}`);
    return sendAs(reply, req.params.format, 'service_requests', rows.map(toRequest));
  });
};
