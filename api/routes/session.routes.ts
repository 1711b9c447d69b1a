import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/connection.ts';
import { can } from '../../domain/principal.ts';
import { sessionCookie } from '../auth/access-control.ts';
import { principalOf } from '../auth/principal.ts';
import { problems } from '../problems.ts';
import { LoginSchema, SessionSchema } from '../../contracts/session.ts';
import { ApiError } from '../../services/errors.ts';
import { LoginThrottle } from '../../services/login-throttle.ts';
import { logIn, logOut, sessionOf } from '../../services/session.service.ts';

export interface SessionRouteDeps {
  db: Db;
  ttlMs: number;
  secureCookie: boolean;
  /** Failed log-ins allowed per minute for one account, and for one address. */
  loginAttemptsPerMinute: number;
  temporalUiUrl: string | null;
}

export const sessionRoutes: FastifyPluginAsyncZod<SessionRouteDeps> = async (
  app,
  { db, ttlMs, secureCookie, loginAttemptsPerMinute, temporalUiUrl },
) => {
  const throttle = new LoginThrottle(loginAttemptsPerMinute, 60_000);
  app.post(
    '/session',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'logIn',
        tags: ['session'],
        summary: 'Log in: sets the session cookie and returns the CSRF token',
        body: LoginSchema,
        response: { 200: SessionSchema, ...problems(400, 401, 429) },
      },
    },
    async (req, reply) => {
      const { principal, session } = await logIn(db, req.body, { requestId: req.id, address: req.ip, throttle }, ttlMs);
      void reply.setCookie(sessionCookie, session.token, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: secureCookie,
        expires: session.expiresAt,
      });
      return sessionOf(db, principal, session.csrfToken, temporalUiUrl);
    },
  );

  app.get(
    '/session',
    {
      config: { access: can.anyone },
      schema: {
        operationId: 'getSession',
        tags: ['session'],
        summary: 'Who is logged in',
        response: { 200: SessionSchema, ...problems(401) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      if (!req.csrfToken) throw new ApiError('unauthorized', 'an API key has no session');
      return sessionOf(db, p, req.csrfToken, temporalUiUrl);
    },
  );

  app.delete(
    '/session',
    {
      config: { access: 'public' },
      schema: { operationId: 'logOut', tags: ['session'], summary: 'Log out (ends the session)', response: { 204: z.null() } },
    },
    async (req, reply) => {
      const token = req.cookies[sessionCookie];
      if (token) await logOut(db, token, req.id);
      return reply.clearCookie(sessionCookie, { path: '/' }).status(204).send(null);
    },
  );
};
