import fastifyFormbody from '@fastify/formbody';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { FormatParams, JurisdictionQuery, RequestParams, RequestsQuery, ServiceParams } from '../../contracts/open311.ts';
import { IdempotencyHeadersSchema } from '../../contracts/headers.ts';
import type { CaseServiceDeps } from '../../services/cases.service.ts';
import {
  open311Request,
  open311Requests,
  open311ServiceDefinition,
  open311Services,
  submitRequest,
} from '../../services/open311.service.ts';
import { Open311Error, registerOpen311Errors, sendAs } from './errors.ts';

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

  app.get('/services.:format', { schema: { hide, params: FormatParams, querystring: JurisdictionQuery } }, async (req, reply) =>
    sendAs(reply, req.params.format, 'services', await open311Services(deps.db, req.query.jurisdiction_id)),
  );

  app.get(
    '/services/:service_code.:format',
    {
      schema: { hide, params: ServiceParams, querystring: JurisdictionQuery },
    },
    async (req, reply) =>
      sendAs(
        reply,
        req.params.format,
        'service_definition',
        await open311ServiceDefinition(deps.db, req.query.jurisdiction_id, req.params.service_code),
      ),
  );

  app.post('/requests.:format', { schema: { hide, params: FormatParams, headers: IdempotencyHeadersSchema } }, async (req, reply) => {
    const { params, attributes } = readBody(req.body);
    const answer = await submitRequest(deps, params, attributes, req.headers['idempotency-key'], req.id);
    // The spec names no success status; 200 is the one every client accepts.
    return sendAs(reply, req.params.format, 'service_requests', answer);
  });

  app.get('/requests.:format', { schema: { hide, params: FormatParams, querystring: RequestsQuery } }, async (req, reply) =>
    sendAs(reply, req.params.format, 'service_requests', await open311Requests(deps.db, req.query)),
  );

  app.get(
    '/requests/:service_request_id.:format',
    {
      schema: { hide, params: RequestParams, querystring: JurisdictionQuery },
    },
    async (req, reply) =>
      sendAs(
        reply,
        req.params.format,
        'service_requests',
        await open311Request(deps.db, req.query.jurisdiction_id, req.params.service_request_id),
      ),
  );
};
