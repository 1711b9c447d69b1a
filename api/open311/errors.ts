import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ApiError } from '../../services/errors.ts';
import { toXml } from './xml.ts';

export type Format = 'json' | 'xml';

/** An error as GeoReport v2 reports it: an HTTP status and a description for the app's user. */
export class Open311Error extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 413 | 415 | 500 | 503,
    description: string,
  ) {
    super(description);
  }
}

/** The format the client asked for by the path's suffix; JSON when the path has none we know. */
export function formatOf(request: FastifyRequest): Format {
  return /\.xml$/.test(request.url.split('?')[0]!) ? 'xml' : 'json';
}

/** Sends a body in the requested format; XML lists and objects are named by their root element. */
export function sendAs(reply: FastifyReply, format: Format, root: string, value: unknown, status = 200): FastifyReply {
  return format === 'xml'
    ? reply.status(status).type('text/xml; charset=utf-8').send(toXml(root, value))
    : reply.status(status).type('application/json; charset=utf-8').send(JSON.stringify(value));
}

function describe(error: FastifyError): Open311Error {
  if (error instanceof Open311Error) return error;
  if (error instanceof ApiError) {
    // The case service's 422 (the request does not fit the service) is a 400 in GeoReport's vocabulary.
    const status = error.status === 422 ? 400 : (error.status as Open311Error['status']);
    // Fields by their Open311 names (`description`, `attribute[x]`), not the staff API's `body.…` paths.
    const fields = (error.errors ?? []).map((e) => `${e.path.replace(/^(body|querystring|params)\./, '')}: ${e.message}`);
    return new Open311Error(status, [error.message, ...fields].join('; '));
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    return new Open311Error(
      400,
      error.validation
        .map((v) => `${String(v.instancePath).split('/').filter(Boolean).join('.') || error.validationContext}: ${v.message ?? 'invalid'}`)
        .join('; '),
    );
  }
  // Fastify's own client errors: unparsable body, body too large, unsupported content type.
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return new Open311Error(([400, 403, 404, 413, 415] as const).find((s) => s === error.statusCode) ?? 400, error.message);
  }
  return new Open311Error(500, 'internal error');
}

/** Every error under the Open311 prefix in the spec's shape, in the format the path asked for. */
export function registerOpen311Errors(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const e = describe(error);
    if (e.status === 500) request.log.error({ err: error }, 'unhandled error');
    return sendAs(reply, formatOf(request), 'errors', [{ code: e.status, description: e.message }], e.status);
  });
  app.setNotFoundHandler((request, reply) =>
    sendAs(reply, formatOf(request), 'errors', [{ code: 404, description: `no Open311 resource ${request.url.split('?')[0]}` }], 404),
  );
}
