/**
 * Whether an error means a server we depend on is down or unreachable, rather than a bug: the API
 * answers those 503 with Retry-After (the request can be repeated), never 500. Duck-typed on what
 * `pg` and `@temporalio/client` throw, and followed through `cause` and AggregateError.
 */
const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
// SQLSTATE: class 08 connection exceptions; 57P01–03 shut down or starting; 53300 too many connections.
const postgresDown = (code: string) => code.startsWith('08') || ['57P01', '57P02', '57P03', '53300'].includes(code);
const pgMessages = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;
// gRPC status codes of a Temporal server that is gone or overloaded: UNAVAILABLE, RESOURCE_EXHAUSTED.
const grpcDown = new Set([14, 8]);

export type Dependency = 'PostgreSQL' | 'Temporal' | 'a server it depends on';

export function dependencyDown(err: unknown, depth = 0): Dependency | null {
  if (!err || typeof err !== 'object' || depth > 5) return null;
  const e = err as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  const isTemporal = e.name === 'ServiceError' || e.name === 'TransportError' || e.name === 'ConnectionError';
  if (isTemporal) {
    const grpc = (e.cause as { code?: unknown } | undefined)?.code;
    if (e.name !== 'ServiceError' || (typeof grpc === 'number' && grpcDown.has(grpc))) return 'Temporal';
  }
  if (typeof e.code === 'number' && grpcDown.has(e.code) && 'details' in e && 'metadata' in e) return 'Temporal';
  if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && postgresDown(e.code)) return 'PostgreSQL';
  if (typeof e.code === 'string' && networkCodes.has(e.code)) return 'a server it depends on';
  if (typeof e.message === 'string' && pgMessages.test(e.message)) return 'PostgreSQL';
  for (const inner of [e.cause, ...(Array.isArray(e.errors) ? e.errors : [])]) {
    const found = dependencyDown(inner, depth + 1);
    if (found) return found;
  }
  return null;
}
