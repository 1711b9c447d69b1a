import type { FastifyRequest } from 'fastify';

/**
 * A URL as logs may show it: a citizen's page token (`/c/<token>`) is a credential, and so is an
 * Open311 app's `api_key` in a query string; neither reaches a log line.
 */
export const redactedUrl = (url: string): string =>
  url.replace(/^\/c\/(?!assets\/)[^/?#]+/, '/c/[token]').replace(/([?&]api_key=)[^&#]*/gi, '$1[redacted]');

/** Fastify's request serializer, with the secrets taken out of the URL. */
export const redactedRequest = (req: Pick<FastifyRequest, 'method' | 'url' | 'host' | 'ip' | 'socket'>) => ({
  method: req.method,
  url: redactedUrl(req.url),
  host: req.host,
  remoteAddress: req.ip,
  remotePort: req.socket?.remotePort,
});
