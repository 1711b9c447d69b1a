import type { IncomingMessage, ServerResponse } from 'node:http';

/** A request's JSON body, or null when it is not JSON: what the stand-ins of providers' APIs read. */
export async function readJson(req: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return null;
  }
}

/** A JSON answer with its status and extra headers (Retry-After…). */
export const answer = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
