import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { ProblemSchema, type Problem } from '../contracts/problem.ts';
import { dependencyDown } from '../services/dependency-errors.ts';
import { ApiError, type FieldError, type ProblemCode, problemTitles } from '../services/errors.ts';

export { ProblemSchema, type Problem };

type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503;
/** The problem answers a route declares besides its success, e.g. `{ 200: X, ...problems(400, 404) }`. */
export const problems = <S extends ProblemStatus>(...statuses: S[]) =>
  Object.fromEntries(statuses.map((s) => [s, ProblemSchema])) as Record<S, typeof ProblemSchema>;

/** What a route that goes through a case workflow can answer besides its success. */
export const workflowProblems = problems(400, 401, 403, 404, 409, 422, 503);

function problem(code: ProblemCode | 'internal', detail?: string, errors?: FieldError[]): Problem {
  const [status, title] = code === 'internal' ? [500, 'Internal error'] : problemTitles[code];
  return { type: `urn:sportello:problem:${code}`, title, status, ...(detail ? { detail } : {}), ...(errors ? { errors } : {}) };
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    let body: Problem;
    let down: ReturnType<typeof dependencyDown>;
    if (error instanceof ApiError) {
      body = problem(error.code, error.message, error.errors);
      if (error.retryAfterSeconds) void reply.header('retry-after', String(error.retryAfterSeconds));
    } else if (hasZodFastifySchemaValidationErrors(error)) {
      const errors = error.validation.map((v) => ({
        path: [error.validationContext, ...String(v.instancePath).split('/').filter(Boolean)].join('.'),
        message: v.message ?? 'invalid',
      }));
      body = problem('bad_request', `invalid ${error.validationContext ?? 'request'}`, errors);
    } else if ((error as { code?: unknown }).code === '23505') {
      // A unique constraint lost a race its route's own check could not see (two concurrent creates).
      body = problem('conflict', 'it already exists');
    } else if (isResponseSerializationError(error)) {
      request.log.error({ err: error }, 'response did not match its schema');
      body = problem('internal');
    } else if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      // Fastify's own client errors: unparsable JSON, body too large, wrong content type.
      body = { ...problem('bad_request', error.message), status: error.statusCode, title: error.code ?? 'Bad request' };
    } else if ((down = dependencyDown(error))) {
      // Not a bug: a server we need is gone for now. The client may repeat the request.
      request.log.warn({ err: error }, `${down} is unavailable`);
      body = problem('unavailable', `${down} is unavailable; try again shortly`);
      void reply.header('retry-after', '5');
    } else {
      request.log.error({ err: error }, 'unhandled error');
      body = problem('internal');
    }
    void reply.status(body.status).type('application/problem+json').send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply
      .status(404)
      .type('application/problem+json')
      .send(problem('not_found', `no route for ${request.method} ${request.url.split('?')[0]}`));
  });
}
