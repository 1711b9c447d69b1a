import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/connection.ts';
import { can } from '../../domain/principal.ts';
import { changeOf, principalOf } from '../auth/principal.ts';
import { sendCreated, sendInMemoryPage } from '../lists.ts';
import { problems } from '../problems.ts';
import {
  IdParams,
  NewStaffUserSchema,
  PasswordSchema,
  StaffUserListQuerySchema,
  StaffUserSchema,
  StaffUserUpdateSchema,
} from '../../contracts/administration.ts';
import { IdempotencyHeadersSchema } from '../../contracts/headers.ts';
import { createUser, getUser, listUsers, setUserDisabled, setUserPassword, updateUser } from '../../services/staff-users.service.ts';

const writeProblems = problems(400, 401, 403, 404, 409, 422);
const tags = ['administration'];

export const usersRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/users',
    {
      config: { access: can.administer },
      schema: {
        operationId: 'listUsers',
        tags,
        summary: 'Staff accounts all of whose municipalities you serve',
        querystring: StaffUserListQuerySchema,
        response: { 200: StaffUserSchema.array(), ...problems(400) },
      },
    },
    async (req, reply) => sendInMemoryPage(reply, 'users', req.query, await listUsers(db, principalOf(req), req.query.filter ?? {})),
  );

  app.get(
    '/users/:id',
    {
      config: { access: can.administer },
      schema: { operationId: 'getUser', tags, params: IdParams, response: { 200: StaffUserSchema, ...problems(404) } },
    },
    async (req) => getUser(db, req.params.id, principalOf(req)),
  );

  app.post(
    '/users',
    {
      config: { access: can.administer },
      schema: {
        operationId: 'createUser',
        tags,
        summary: 'Create a staff account (it logs in once a password is set)',
        headers: IdempotencyHeadersSchema,
        body: NewStaffUserSchema,
        response: { 200: StaffUserSchema, 201: StaffUserSchema, ...writeProblems },
      },
    },
    async (req, reply) => sendCreated(reply, await createUser(db, req.body, req.headers['idempotency-key'], changeOf(req))),
  );

  app.put(
    '/users/:id',
    {
      config: { access: can.administer },
      schema: {
        operationId: 'updateUser',
        tags,
        summary: "Change an account's name, e-mail, role, office or municipalities (fields left out are kept)",
        params: IdParams,
        body: StaffUserUpdateSchema,
        response: { 200: StaffUserSchema, ...writeProblems },
      },
    },
    async (req) => updateUser(db, req.params.id, req.body, changeOf(req)),
  );

  for (const disable of [true, false]) {
    app.post(
      `/users/:id/${disable ? 'disable' : 'enable'}`,
      {
        config: { access: can.administer },
        schema: {
          operationId: disable ? 'disableUser' : 'enableUser',
          tags,
          summary: disable ? 'Disable an account: it can no longer log in and its sessions end now' : 'Enable a disabled account again',
          params: IdParams,
          response: { 200: StaffUserSchema, ...writeProblems },
        },
      },
      async (req) => setUserDisabled(db, req.params.id, disable, changeOf(req)),
    );
  }

  app.post(
    '/users/:id/password',
    {
      config: { access: can.administer },
      schema: {
        operationId: 'setUserPassword',
        tags,
        summary: "Set an account's password (at least 12 characters); another user's sessions end",
        params: IdParams,
        body: PasswordSchema,
        response: { 204: z.null(), ...writeProblems },
      },
    },
    async (req, reply) => {
      await setUserPassword(db, req.params.id, req.body.password, changeOf(req));
      return reply.status(204).send(null);
    },
  );
};
