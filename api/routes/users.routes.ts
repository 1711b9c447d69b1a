import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/connection.ts';
import { hashPassword } from '../../services/passwords.ts';
import { can, type Principal } from '../../domain/principal.ts';
import { assertServes, auditedBy, principalOf } from '../auth/principal.ts';
import { appendAudit } from '../../db/audit.repository.ts';
import type { Executor } from '../../db/database.ts';
import { findOffice } from '../../db/offices.repository.ts';
import { idTaken } from '../../db/reference.repository.ts';
import {
  endSessionsOf, findStaffUser, findUserIdByEmail, insertStaffUser, listStaffUsers, setDisabled, setPasswordHash, updateStaffUser,
} from '../../db/staff-users.repository.ts';
import { problems } from '../problems.ts';
import { alreadyExists, ApiError, notFound } from '../../services/errors.ts';
import {
  IdParams, NewStaffUserSchema, PasswordSchema, type StaffUser, StaffUserListQuerySchema, StaffUserSchema, StaffUserUpdateSchema,
} from '../../contracts/administration.ts';
import { contentRange, idMatches, pageInMemory, pageOf } from '../../contracts/list-query.ts';
import { createOnce, IdempotencyHeadersSchema } from '../../services/idempotency.ts';

const writeProblems = problems(400, 401, 403, 404, 409, 422);
const tags = ['administration'];
type Account = Pick<StaffUser, 'role' | 'officeId' | 'municipalities'>;

const unprocessable = (path: string, message: string) => new ApiError('unprocessable', message, [{ path, message }]);

/** The rules an account keeps, checked on the account as it will be after the change. */
async function assertAccountRules(db: Executor, p: Principal, a: Account): Promise<void> {
  // An administrator grants only what they serve themselves.
  assertServes(p, a.municipalities, 'body.municipalities');
  if (a.role === 'backoffice' && !a.officeId) throw unprocessable('body.officeId', 'a back-office user works in an office: give its id');
  if (!a.officeId) return;
  const office = await findOffice(db, a.officeId, p.municipalities);
  if (!office) throw unprocessable('body.officeId', `no office "${a.officeId}" in the municipalities you serve`);
  if (!a.municipalities.includes(office.municipalityId)) {
    throw unprocessable('body.officeId', `the office belongs to "${office.municipalityId}", which is not among the user's municipalities`);
  }
}

async function assertEmailFree(db: Executor, email: string | undefined, userId: string): Promise<void> {
  const holder = email && await findUserIdByEmail(db, email);
  if (holder && holder.id !== userId) throw alreadyExists(`an account with e-mail ${email}`, 'body.email');
}

async function accountOf(db: Executor, id: string, p: Principal): Promise<StaffUser> {
  const found = await findStaffUser(db, id, p.municipalities);
  if (!found) throw notFound(`user ${id}`);
  return found;
}

export const usersRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get('/users', {
    config: { access: can.administer },
    schema: {
      operationId: 'listUsers', tags, summary: 'Staff accounts all of whose municipalities you serve',
      querystring: StaffUserListQuerySchema, response: { 200: StaffUserSchema.array(), ...problems(400) },
    },
  }, async (req, reply) => {
    const f = req.query.filter ?? {};
    const q = f.q?.toLowerCase();
    const all = (await listStaffUsers(db, principalOf(req).municipalities)).filter((u) => idMatches(f.id, u.id)
      && (!f.role || u.role === f.role) && (!f.officeId || u.officeId === f.officeId)
      && (!f.municipalityId || u.municipalities.includes(f.municipalityId))
      && (f.disabled === undefined || (u.disabledAt !== null) === f.disabled)
      && (!q || `${u.id} ${u.displayName} ${u.email}`.toLowerCase().includes(q)));
    const page = pageOf(req.query.range);
    const { rows, total } = pageInMemory(all, req.query.sort, page);
    return reply.header('content-range', contentRange('users', page, rows.length, total)).send(rows);
  });

  app.get('/users/:id', {
    config: { access: can.administer },
    schema: { operationId: 'getUser', tags, params: IdParams, response: { 200: StaffUserSchema, ...problems(404) } },
  }, async (req) => accountOf(db, req.params.id, principalOf(req)));

  app.post('/users', {
    config: { access: can.administer },
    schema: {
      operationId: 'createUser', tags, summary: 'Create a staff account (it logs in once a password is set)',
      headers: IdempotencyHeadersSchema, body: NewStaffUserSchema, response: { 200: StaffUserSchema, 201: StaffUserSchema, ...writeProblems },
    },
  }, async (req, reply) => {
    const p = principalOf(req);
    await assertAccountRules(db, p, { ...req.body, officeId: req.body.officeId ?? null });
    const { id, created } = await createOnce(db, 'users.create', req.headers['idempotency-key'], req.body, req.body.id, async (trx) => {
      if (await idTaken(trx, 'staff_users', req.body.id)) throw alreadyExists(`user ${req.body.id}`, 'body.id');
      await assertEmailFree(trx, req.body.email, req.body.id);
      await insertStaffUser(trx, req.body);
      const after = await accountOf(trx, req.body.id, p);
      await appendAudit(trx, { ...auditedBy(req), municipalityId: null, action: 'staff-user.created', targetType: 'staff-user', targetId: after.id, after });
    });
    return reply.status(created ? 201 : 200).send(await accountOf(db, id, p));
  });

  app.put('/users/:id', {
    config: { access: can.administer },
    schema: {
      operationId: 'updateUser', tags, summary: "Change an account's name, e-mail, role, office or municipalities (fields left out are kept)",
      params: IdParams, body: StaffUserUpdateSchema, response: { 200: StaffUserSchema, ...writeProblems },
    },
  }, async (req) => {
    const p = principalOf(req);
    return db.transaction().execute(async (trx) => {
      const before = await accountOf(trx, req.params.id, p);
      await assertAccountRules(trx, p, {
        role: req.body.role ?? before.role, officeId: req.body.officeId === undefined ? before.officeId : req.body.officeId,
        municipalities: req.body.municipalities ?? before.municipalities,
      });
      await assertEmailFree(trx, req.body.email, before.id);
      await updateStaffUser(trx, before.id, req.body);
      const after = await accountOf(trx, before.id, p);
      await appendAudit(trx, { ...auditedBy(req), municipalityId: null, action: 'staff-user.updated', targetType: 'staff-user', targetId: before.id, before, after });
      return after;
    });
  });

  // Disabling also ends the account's sessions: it is out at once, not when its cookie expires.
  const switchAccount = (disable: boolean) => app.post(`/users/:id/${disable ? 'disable' : 'enable'}`, {
    config: { access: can.administer },
    schema: {
      operationId: disable ? 'disableUser' : 'enableUser', tags,
      summary: disable ? 'Disable an account: it can no longer log in and its sessions end now' : 'Enable a disabled account again',
      params: IdParams, response: { 200: StaffUserSchema, ...writeProblems },
    },
  }, async (req) => {
    const p = principalOf(req);
    if (disable && req.params.id === p.id) throw new ApiError('conflict', 'you cannot disable your own account: ask another administrator');
    return db.transaction().execute(async (trx) => {
      const before = await accountOf(trx, req.params.id, p);
      await setDisabled(trx, before.id, disable);
      if (disable) await endSessionsOf(trx, before.id);
      const after = await accountOf(trx, before.id, p);
      await appendAudit(trx, {
        ...auditedBy(req), municipalityId: null, action: disable ? 'staff-user.disabled' : 'staff-user.enabled', targetType: 'staff-user',
        targetId: before.id, before, after,
      });
      return after;
    });
  });
  switchAccount(true);
  switchAccount(false);

  app.post('/users/:id/password', {
    config: { access: can.administer },
    schema: {
      operationId: 'setUserPassword', tags, summary: "Set an account's password (at least 12 characters); another user's sessions end",
      params: IdParams, body: PasswordSchema, response: { 204: z.null(), ...writeProblems },
    },
  }, async (req, reply) => {
    const p = principalOf(req);
    await accountOf(db, req.params.id, p);
    // scrypt takes a while: hashed before the transaction, which then only writes.
    const hash = await hashPassword(req.body.password);
    await db.transaction().execute(async (trx) => {
      const user = await accountOf(trx, req.params.id, p);
      await setPasswordHash(trx, user.id, hash);
      // A password reset by an administrator locks out whoever had the old one; your own session stays.
      if (user.id !== p.id) await endSessionsOf(trx, user.id);
      await appendAudit(trx, { ...auditedBy(req), municipalityId: null, action: 'staff-user.password-set', targetType: 'staff-user', targetId: user.id });
    });
    return reply.status(204).send(null);
  });
};
