import type { FastifyInstance } from 'fastify';
import { findInvalidText } from '../domain/text.ts';
import { ApiError } from '../services/errors.ts';

/** A 400 naming every field whose text holds a character not allowed (domain/text.ts). */
export function assertValidText(value: unknown, path: string): void {
  const found = findInvalidText(value, path);
  if (found.length)
    throw new ApiError(
      'bad_request',
      'the request holds characters that are not allowed in text',
      found.map((f) => ({ path: f.path, message: `holds ${f.character}, which is not allowed in text` })),
    );
}

/**
 * Every route's parsed body, query and path parameters are checked before validation, so no text
 * that PostgreSQL would refuse reaches a workflow (where it would be retried forever). Multipart
 * bodies are read by their routes, which check their fields with `assertValidText`.
 */
export function registerTextGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (req) => {
    assertValidText(req.params, 'params');
    assertValidText(req.query, 'querystring');
    assertValidText(req.body, 'body');
  });
}
