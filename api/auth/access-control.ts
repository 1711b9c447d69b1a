import { timingSafeEqual } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../../db/connection.ts';
import { ApiError } from '../../services/errors.ts';
import { callerOfApiKey, callerOfSession } from '../../services/session.service.ts';
import type { Access, Principal } from '../../domain/principal.ts';

export const sessionCookie = 'sportello_session';

/**
 * Who may call each `/api` and `/open311` route, as declared: the access matrix test is generated
 * from it. Open311 routes are all `public` to this layer: a POST is authorised by its `api_key`
 * parameter, as GeoReport v2 has it.
 */
export interface RouteAccess {
  method: string;
  url: string;
  access: Access;
}
declare module 'fastify' {
  interface FastifyInstance {
    routeAccess: readonly RouteAccess[];
  }
}
const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

function presentedApiKey(req: FastifyRequest): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const header = req.headers['x-api-key'];
  return bearer ?? (typeof header === 'string' ? header : undefined);
}

const sameSecret = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Who calls, and whether they may: every `/api` route must declare its `access`, each request's
 * session cookie or API key becomes `request.principal`, and the route's roles are checked before
 * the body is even parsed. Changes made with a session cookie need its CSRF token in
 * `X-CSRF-Token`; API keys are not sent by browsers on their own, so they need none.
 */
export async function registerAccessControl(app: FastifyInstance, db: Db): Promise<void> {
  await app.register(fastifyCookie);
  app.decorateRequest('principal', null);
  app.decorateRequest('csrfToken', null);

  const table: RouteAccess[] = [];
  app.decorate('routeAccess', table);
  app.addHook('onRoute', (route) => {
    // The API's routes, Open311's, and the citizen's page (public, but in the matrix all the same).
    if (!route.url.startsWith('/api') && !route.url.startsWith('/open311') && !route.url.startsWith('/c/')) return;
    const access = route.config?.access;
    if (access === undefined) throw new Error(`${String(route.method)} ${route.url} declares no access: add config.access`);
    for (const method of [route.method].flat()) if (method !== 'HEAD') table.push({ method, url: route.url, access });
  });

  app.addHook('onRequest', async (req) => {
    const access = req.routeOptions.config?.access;
    if (access === undefined) return;
    let principal: Principal | null = null;
    const key = presentedApiKey(req);
    const token = req.cookies[sessionCookie];
    if (key) {
      principal = await callerOfApiKey(db, key);
      if (!principal && access !== 'public') throw new ApiError('unauthorized', 'the API key is unknown, expired or revoked');
    } else if (token) {
      const session = await callerOfSession(db, token);
      const presented = req.headers['x-csrf-token'];
      const csrfHolds =
        safeMethods.has(req.method) || (typeof presented === 'string' && !!session && sameSecret(presented, session.csrfToken));
      // On a public route (log in, log out) a session without its token just counts as no session.
      if (session && !csrfHolds && access !== 'public') {
        throw new ApiError('forbidden', 'a change made with a session needs its CSRF token in the X-CSRF-Token header');
      }
      principal = csrfHolds ? (session?.principal ?? null) : null;
      req.csrfToken = principal ? session!.csrfToken : null;
    }
    req.principal = principal;
    if (access === 'public') return;
    if (!principal) throw new ApiError('unauthorized', 'log in or present an API key');
    if (!access.includes(principal.role)) {
      throw new ApiError('forbidden', `the ${principal.role} role may not ${req.method} ${req.routeOptions.url}`);
    }
  });
}
