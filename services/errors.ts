import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { z } from 'zod';

/** RFC 9457 problem details, the one error shape of the API. */
export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof ProblemSchema>;
export type FieldError = { path: string; message: string };

const titles = {
  bad_request: [400, 'Bad request'],
  unauthorized: [401, 'Unauthorized'],
  forbidden: [403, 'Forbidden'],
  not_found: [404, 'Not found'],
  conflict: [409, 'Conflict'],
  unprocessable: [422, 'Unprocessable request'],
  too_many_requests: [429, 'Too many requests'],
  unavailable: [503, 'Service unavailable'],
} as const;
export type ProblemCode = keyof typeof titles;

export class ApiError extends Error {
  constructor(readonly code: ProblemCode, detail: string, readonly errors?: FieldError[]) {
    super(detail);
  }
  get status(): number { return titles[this.code][0]; }
}

/** What a route that goes through a case workflow can answer besides its success. */
export const workflowProblems = {
  400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema, 503: ProblemSchema,
};

export const notFound = (what: string) => new ApiError('not_found', `${what} was not found`);
/** A create whose id (or other unique field) is taken: a 409 naming the field. */
export const alreadyExists = (what: string, path: string) =>
  new ApiError('conflict', `${what} already exists`, [{ path, message: 'already in use' }]);

function problem(code: ProblemCode | 'internal', detail?: string, errors?: FieldError[]): Problem {
  const [status, title] = code === 'internal' ? [500, 'Internal error'] : titles[code];
  return { type: `urn:sportello:problem:${code}`, title, status, ...(detail ? { detail } : {}), ...(errors ? { errors } : {}) };
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    let body: Problem;
    if (error instanceof ApiError) {
      body = problem(error.code, error.message, error.errors);
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
    } else {
      request.log.error({ err: error }, 'unhandled error');
      body = problem('internal');
    }
    void reply.status(body.status).type('application/problem+json').send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).type('application/problem+json')
      .send(problem('not_found', `no route for ${request.method} ${request.url.split('?')[0]}`));
  });
}
