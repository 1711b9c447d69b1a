import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { staffRoles } from '../../domain/case.ts';
import type { Db } from '../../db/connection.ts';
import { sessionCookie } from '../auth/access-control.ts';
import { createSession, endSession, findLoginCandidate, staffPrincipal } from '../../db/credentials.repository.ts';
import { decoyHash, verifyPassword } from '../../services/passwords.ts';
import { type Principal } from '../../domain/principal.ts';
import { principalOf } from '../auth/principal.ts';
import { appendAudit } from '../../db/audit.repository.ts';
import { problems } from '../problems.ts';
import { ApiError } from '../../services/errors.ts';

const LoginSchema = z.object({ email: z.email().max(320), password: z.string().min(1).max(200) }).strict();
const SessionSchema = z.object({
  user: z.object({
    id: z.string(), displayName: z.string(), role: z.enum(staffRoles), officeId: z.string().nullable(),
    municipalities: z.array(z.string()),
  }),
  /** Send it back in `X-CSRF-Token` with every change. */
  csrfToken: z.string(),
  /** The namespace's workflows in the Temporal web UI (a case's workflow is at `/<case id>`), when there is one. */
  temporalUiUrl: z.string().nullable(),
});
z.globalRegistry.add(SessionSchema, { id: 'Session' });

/** Log-ins and log-outs belong to no municipality: they go to the '*' chain. */
const sessionAudit = (who: { id: string; role: string | null }, requestId: string) =>
  ({ actor: who.id, role: who.role, municipalityId: null, targetType: 'staff-user', targetId: who.id, requestId });

export interface SessionRouteDeps { db: Db; ttlMs: number; secureCookie: boolean; loginAttemptsPerMinute: number; temporalUiUrl: string | null }

export const sessionRoutes: FastifyPluginAsyncZod<SessionRouteDeps> = async (app, { db, ttlMs, secureCookie, loginAttemptsPerMinute, temporalUiUrl }) => {
  async function sessionOf(p: Principal, csrfToken: string) {
    const { display_name } = await db.selectFrom('staff_users').select('display_name').where('id', '=', p.id).executeTakeFirstOrThrow();
    return { user: { id: p.id, displayName: display_name, role: p.role, officeId: p.officeId, municipalities: p.municipalities }, csrfToken, temporalUiUrl };
  }

  app.post('/session', {
    config: {
      access: 'public',
      // Counted per address and account, after the body is read, so one user's typos lock out nobody else.
      rateLimit: {
        max: loginAttemptsPerMinute, timeWindow: 60_000, hook: 'preHandler',
        keyGenerator: (req) => `login:${req.ip}:${String((req.body as { email?: unknown } | undefined)?.email ?? '').toLowerCase()}`,
      },
    },
    schema: {
      operationId: 'logIn', tags: ['session'], summary: 'Log in: sets the session cookie and returns the CSRF token',
      body: LoginSchema, response: { 200: SessionSchema, ...problems(400, 401, 429) },
    },
  }, async (req, reply) => {
    const candidate = await findLoginCandidate(db, req.body.email);
    const valid = await verifyPassword(req.body.password, candidate?.password_hash ?? decoyHash);
    if (!candidate || !valid || candidate.disabled_at) {
      await db.transaction().execute((trx) => appendAudit(trx, {
        actor: req.body.email.toLowerCase(), role: null, municipalityId: null, action: 'session.login-failed',
        targetType: 'staff-user', targetId: candidate?.id ?? req.body.email.toLowerCase(), requestId: req.id,
      }));
      throw new ApiError('unauthorized', 'wrong e-mail or password');
    }
    const principal = (await staffPrincipal(db, candidate.id))!;
    const session = await db.transaction().execute(async (trx) => {
      await appendAudit(trx, { ...sessionAudit(principal, req.id), action: 'session.login' });
      return createSession(trx, candidate.id, ttlMs);
    });
    void reply.setCookie(sessionCookie, session.token, {
      path: '/', httpOnly: true, sameSite: 'strict', secure: secureCookie, expires: session.expiresAt,
    });
    return sessionOf(principal, session.csrfToken);
  });

  app.get('/session', {
    config: { access: ['operator', 'backoffice', 'designer', 'supervisor', 'auditor', 'admin'] },
    schema: {
      operationId: 'getSession', tags: ['session'], summary: 'Who is logged in',
      response: { 200: SessionSchema, ...problems(401) },
    },
  }, async (req) => {
    const p = principalOf(req);
    if (!req.csrfToken) throw new ApiError('unauthorized', 'an API key has no session');
    return sessionOf(p, req.csrfToken);
  });

  app.delete('/session', {
    config: { access: 'public' },
    schema: { operationId: 'logOut', tags: ['session'], summary: 'Log out (ends the session)', response: { 204: z.null() } },
  }, async (req, reply) => {
    const token = req.cookies[sessionCookie];
    if (token) {
      await db.transaction().execute(async (trx) => {
        const userId = await endSession(trx, token);
        if (userId) await appendAudit(trx, { ...sessionAudit({ id: userId, role: null }, req.id), action: 'session.logout' });
      });
    }
    return reply.clearCookie(sessionCookie, { path: '/' }).status(204).send(null);
  });
};
