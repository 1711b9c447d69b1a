import type { Client } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../db/connection.ts';
import { can } from '../../domain/principal.ts';
import type { PayloadCipher } from '../../services/payload-codec.ts';
import { eraseCitizen } from '../../services/erasure.service.ts';
import { legalHolds, placeLegalHold, releaseHold } from '../../services/legal-holds.service.ts';
import {
  CitizenParams,
  EraseCitizenCommandSchema,
  ErasureSchema,
  LegalHoldCreateSchema,
  LegalHoldListQuerySchema,
  LegalHoldParams,
  LegalHoldSchema,
} from '../../contracts/erasure.ts';
import { principalOf } from '../auth/principal.ts';
import { problems } from '../problems.ts';

const tags = ['citizens'];

/** The right to erasure and legal holds (docs/operations.md "Erasure, retention and legal holds"): administrators only. */
export const erasureRoutes: FastifyPluginAsyncZod<{ db: Db; temporal: Client; cipher: PayloadCipher; workflowIdKey: Buffer }> = async (
  app,
  { db, temporal, cipher, workflowIdKey },
) => {
  app.post(
    '/citizens/:id/erase',
    {
      config: { access: can.administer },
      schema: {
        operationId: 'eraseCitizen',
        tags,
        summary:
          'Erase a citizen everywhere (registry, cases, calls, messages, files, Temporal histories by destroying their keys); 409 `case_open` while a case of theirs is not closed, 409 `legal_hold` under a hold',
        params: CitizenParams,
        body: EraseCitizenCommandSchema,
        response: { 200: ErasureSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) =>
      eraseCitizen(db, temporal, principalOf(req), req.params.id, req.body.reason, {
        workflowIdKey,
        requestId: req.id,
        log: req.log,
        forgetKeys: (ids) => cipher.forget(ids),
      }),
  );

  app.post(
    '/legal-holds',
    {
      config: { access: can.administer },
      schema: {
        operationId: 'placeLegalHold',
        tags,
        summary: 'Place a legal hold on a citizen or a case: neither erasure nor retention touches it until it is released',
        body: LegalHoldCreateSchema,
        response: { 201: LegalHoldSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (req, reply) => reply.code(201).send(await placeLegalHold(db, principalOf(req), req.body, req.id)),
  );

  app.get(
    '/legal-holds',
    {
      config: { access: can.administer },
      schema: {
        operationId: 'listLegalHolds',
        tags,
        summary: 'Legal holds of your municipalities, newest first (at most 500)',
        querystring: LegalHoldListQuerySchema,
        response: { 200: LegalHoldSchema.array(), ...problems(400, 401, 403) },
      },
    },
    async (req) => legalHolds(db, principalOf(req), req.query),
  );

  app.delete(
    '/legal-holds/:id',
    {
      config: { access: can.administer },
      schema: {
        operationId: 'releaseLegalHold',
        tags,
        summary: 'Release a legal hold (it is kept, with who released it); 409 if it was released already',
        params: LegalHoldParams,
        response: { 200: LegalHoldSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => releaseHold(db, principalOf(req), req.params.id, req.id),
  );
};
