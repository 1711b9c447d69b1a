/** A URL as logs may show it: a citizen's page token is a credential, so it never reaches a log line. */
export const redactCitizenToken = (url: string): string => url.replace(/^\/c\/(?!assets\/)[^/?#]+/, '/c/[token]');

/** Fastify's request serializer with the token taken out of the URL. */
export function redactedRequest(req: {
  method: string;
  url: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}): Record<string, unknown> {
  return {
    method: req.method,
    url: redactCitizenToken(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}
