import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/connection.ts';
import { can } from '../../domain/principal.ts';
import { sessionCookie } from '../auth/access-control.ts';
import { principalOf } from '../auth/principal.ts';
import { problems } from '../problems.ts';
import { LoginSchema, SessionSchema } from '../../contracts/session.ts';
import { ApiError } from '../../services/errors.ts';
import { logIn, logOut, sessionOf } from '../../services/session.service.ts';

export interface SessionRouteDeps {
  db: Db;
  ttlMs: number;
  secureCookie: boolean;
  loginAttemptsPerMinute: number;
  temporalUiUrl: string | null;
}

export const sessionRoutes: FastifyPluginAsyncZod<SessionRouteDeps> = async (
  app,
  { db, ttlMs, secureCookie, loginAttemptsPerMinute, temporalUiUrl },
) => {
  app.post(
    '/session',
    {
      config: {
        access: 'public',
        // Counted per address and account, after the body is read, so one user's typos lock out nobody else.
        rateLimit: {
          max: loginAttemptsPerMinute,
          timeWindow: 60_000,
          hook: 'preHandler',
          keyGenerator: (req) => `login:${req.ip}:${String((req.body as { email?: unknown } | undefined)?.email ?? '').toLowerCase()}`,
        },
      },
      schema: {
        operationId: 'logIn',
        tags: ['session'],
        summary: 'Log in: sets the session cookie and returns the CSRF token',
        body: LoginSchema,
        response: { 200: SessionSchema, ...problems(400, 401, 429) },
      },
    },
    async (req, reply) => {
      const { principal, session } = await logIn(db, req.body, req.id, ttlMs);
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
