import fastifyFormbody from '@fastify/formbody';
import fastifyMultipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  ApiKeyQuery,
  FormatParams,
  JurisdictionQuery,
  MediaParams,
  RequestParams,
  RequestsQuery,
  ServiceParams,
  UpdatesQuery,
} from '../../contracts/open311.ts';
import { IdempotencyHeadersSchema } from '../../contracts/headers.ts';
import { assertValidText } from '../text-guard.ts';
import { attachmentLimits, type IncomingFile } from '../../services/attachments.service.ts';
import type { CaseServiceDeps } from '../../services/cases.service.ts';
import {
  type Open311Reader,
  open311Media,
  open311Request,
  open311Requests,
  open311ServiceDefinition,
  open311Services,
  open311Updates,
  submitRequest,
  submitUpdate,
} from '../../services/open311.service.ts';
import { discoveryDocument } from '../../services/open311.mapping.ts';
import { Open311Error, registerOpen311Errors, sendAs } from './errors.ts';

export interface Open311Options extends CaseServiceDeps {
  /** The API's external URL (PUBLIC_URL); unset, links are made from the request's own host. */
  publicUrl: string | undefined;
  contact: string;
  keyService: string;
}

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

/**
 * A multipart body (apps that upload a photo): its fields as a form's, and the file of the `media`
 * field (FixMyStreet's media extension). Every part is read to its end before a refusal, so the
 * client gets the answer rather than a reset connection; a file over the size limit is cut one
 * byte past it, which the attachment limits then refuse by name.
 */
async function readMultipart(req: FastifyRequest): Promise<{ body: Record<string, unknown>; media?: IncomingFile }> {
  const body: Record<string, unknown> = Object.create(null);
  let media: IncomingFile | undefined;
  const problems: string[] = [];
  for await (const part of req.parts()) {
    if (part.type === 'file') {
      const content = await part.toBuffer();
      if (part.fieldname !== 'media') problems.push(`${part.fieldname}: files are taken only in the media field`);
      else media = { fileName: part.filename, contentType: part.mimetype, content };
    } else {
      const prior = body[part.fieldname];
      const value = String(part.value);
      body[part.fieldname] = prior === undefined ? value : [prior, value].flat();
    }
  }
  if (problems.length) throw new Open311Error(400, problems.join('; '));
  assertValidText(body, 'body');
  return { body, media };
}

/**
 * The parameters of a POST, from a JSON, form or multipart body. `api_key` and `jurisdiction_id`
 * may also come in the query string, as the spec allows (some clients put them there); nothing
 * else does, so a citizen's details never land in a URL that access logs keep.
 */
async function readPost(req: FastifyRequest) {
  const { body, media } = req.isMultipart() ? await readMultipart(req) : { body: req.body, media: undefined };
  const { params, attributes } = readBody(body);
  const query = req.query as Record<string, unknown>;
  for (const name of ['api_key', 'jurisdiction_id']) {
    const value = query[name];
    if (value === undefined || value === '') continue;
    if (typeof value !== 'string') throw new Open311Error(400, `${name}: given more than once`);
    if (params[name] !== undefined && params[name] !== value.trim())
      throw new Open311Error(400, `${name}: given in the query string and in the body, with different values`);
    params[name] = value.trim();
  }
  return { params, attributes, media };
}

/** GeoReport v2 and FixMyStreet's update extension under `/open311/v2`, with the discovery document beside them. */
export const open311Routes: FastifyPluginAsyncZod<Open311Options> = async (app, opts) => {
  registerOpen311Errors(app);
  // Not part of the staff API's OpenAPI document: the GeoReport v2 specification documents these.
  const hide = true;
  // Anyone may call: a POST is authorised by its `api_key` parameter, in the service, as the spec has it.
  const config = { access: 'public' as const };
  const baseUrl = (req: FastifyRequest) => opts.publicUrl?.replace(/\/+$/, '') ?? `${req.protocol}://${req.host}`;
  // A GET is anyone's, or an integration's with its `api_key` in the query string (see Open311View).
  const reader = (req: FastifyRequest): Open311Reader => ({ baseUrl: baseUrl(req), apiKey: (req.query as { api_key?: string }).api_key });

  app.get('/discovery.:format', { config, schema: { hide, params: FormatParams } }, async (req, reply) =>
    sendAs(reply, req.params.format, 'discovery', discoveryDocument(baseUrl(req), opts.contact, opts.keyService)),
  );

  await app.register(
    async (scope) => {
      const v2 = scope.withTypeProvider<ZodTypeProvider>();
      await v2.register(fastifyFormbody);
      await v2.register(fastifyMultipart, {
        // One photo within the attachment limits (cut one byte past them, so the limit names it), and bounded fields.
        throwFileSizeLimit: false,
        limits: { files: 1, fileSize: attachmentLimits.maxBytes + 1, fields: 200, fieldSize: 64 * 1024, parts: 201 },
      });

      v2.get('/services.:format', { config, schema: { hide, params: FormatParams, querystring: JurisdictionQuery } }, async (req, reply) =>
        sendAs(reply, req.params.format, 'services', await open311Services(opts.db, req.query.jurisdiction_id)),
      );

      v2.get(
        '/services/:service_code.:format',
        { config, schema: { hide, params: ServiceParams, querystring: JurisdictionQuery } },
        async (req, reply) =>
          sendAs(
            reply,
            req.params.format,
            'service_definition',
            await open311ServiceDefinition(opts.db, req.query.jurisdiction_id, req.params.service_code),
          ),
      );

      v2.post(
        '/requests.:format',
        { config, schema: { hide, params: FormatParams, headers: IdempotencyHeadersSchema } },
        async (req, reply) => {
          const { params, attributes, media } = await readPost(req);
          const answer = await submitRequest(opts, params, attributes, media, req.headers['idempotency-key'], req.id);
          // The spec names no success status; 200 is the one every client accepts.
          return sendAs(reply, req.params.format, 'service_requests', answer);
        },
      );

      v2.get('/requests.:format', { config, schema: { hide, params: FormatParams, querystring: RequestsQuery } }, async (req, reply) =>
        sendAs(reply, req.params.format, 'service_requests', await open311Requests(opts.db, req.query, reader(req))),
      );

      v2.get(
        '/requests/:service_request_id.:format',
        { config, schema: { hide, params: RequestParams, querystring: JurisdictionQuery } },
        async (req, reply) =>
          sendAs(
            reply,
            req.params.format,
            'service_requests',
            await open311Request(opts.db, req.query.jurisdiction_id, req.params.service_request_id, reader(req)),
          ),
      );

      v2.get(
        '/servicerequestupdates.:format',
        { config, schema: { hide, params: FormatParams, querystring: UpdatesQuery } },
        async (req, reply) =>
          sendAs(reply, req.params.format, 'service_request_updates', await open311Updates(opts.db, req.query, reader(req))),
      );

      v2.post('/servicerequestupdates.:format', { config, schema: { hide, params: FormatParams } }, async (req, reply) => {
        const { params, media } = await readPost(req);
        return sendAs(reply, req.params.format, 'service_request_updates', await submitUpdate(opts, params, media, req.id));
      });

      // The photo an app uploaded, linked from `media_url`: only where its service shows photos, or to a key holder.
      v2.get('/media/:id', { config, schema: { hide, params: MediaParams, querystring: ApiKeyQuery } }, async (req, reply) => {
        const media = await open311Media(opts.db, req.params.id, reader(req));
        return reply
          .type(media.contentType)
          .header('content-disposition', 'inline')
          .header('cache-control', 'public, max-age=3600')
          .send(media.content);
      });
    },
    { prefix: '/v2' },
  );
};
