/**
 * The error vocabulary of every use case: a stable code (its HTTP status beside it) and, for bad
 * input, the failing field paths. The API turns these into problem+json (api/problems.ts).
 */
export type FieldError = { path: string; message: string };

export const problemTitles = {
  bad_request: [400, 'Bad request'],
  unauthorized: [401, 'Unauthorized'],
  forbidden: [403, 'Forbidden'],
  not_found: [404, 'Not found'],
  conflict: [409, 'Conflict'],
  /** Erasure refused while a case of the citizen still runs. */
  case_open: [409, 'A case is still open'],
  /** Erasure or retention refused: a legal hold is in force. */
  legal_hold: [409, 'Under legal hold'],
  unprocessable: [422, 'Unprocessable request'],
  too_many_requests: [429, 'Too many requests'],
  unavailable: [503, 'Service unavailable'],
} as const;
export type ProblemCode = keyof typeof problemTitles;

export class ApiError extends Error {
  constructor(
    readonly code: ProblemCode,
    detail: string,
    readonly errors?: FieldError[],
    /** For 429 and 503: when to try again (the Retry-After header). */
    readonly retryAfterSeconds?: number,
  ) {
    super(detail);
  }
  get status(): number {
    return problemTitles[this.code][0];
  }
}

export const notFound = (what: string) => new ApiError('not_found', `${what} was not found`);
/** A create whose id (or other unique field) is taken: a 409 naming the field. */
export const alreadyExists = (what: string, path: string) =>
  new ApiError('conflict', `${what} already exists`, [{ path, message: 'already in use' }]);
