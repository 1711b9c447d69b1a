import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/connection.ts';
import { can } from '../../domain/principal.ts';
import { principalOf } from '../auth/principal.ts';
import { problems } from '../problems.ts';
import { lookUpCitizen } from '../../services/citizens.service.ts';
import { listLikelyDuplicates, mergeCitizens, undoMerge } from '../../services/citizen-registry.service.ts';
import { exportCitizen } from '../../services/citizen-export.service.ts';
import { CitizenExportParams, CitizenExportSchema } from '../../contracts/citizen-export.ts';
import {
  CitizenLookupQuerySchema,
  CitizenLookupSchema,
  CitizenMergeSchema,
  LikelyDuplicateSchema,
  MergeCommandSchema,
  MergeParams,
} from '../../contracts/citizens.ts';

const tags = ['citizens'];

export const citizensRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/citizens/lookup',
    {
      config: { access: can.readCases },
      schema: {
        operationId: 'lookUpCitizen',
        tags,
        summary: 'Find a citizen by phone number, fiscal code or e-mail: their cases and every contact with them, across channels',
        querystring: CitizenLookupQuerySchema,
        response: { 200: CitizenLookupSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => lookUpCitizen(db, principalOf(req).municipalities, req.query),
  );

  app.get(
    '/citizens/duplicates',
    {
      config: { access: can.mergeCitizens },
      schema: {
        operationId: 'listLikelyDuplicateCitizens',
        tags,
        summary:
          'Pairs of citizen records of your municipalities that are likely one person (a phone, e-mail or fiscal code in common, or the same name)',
        response: { 200: LikelyDuplicateSchema.array(), ...problems(401, 403) },
      },
    },
    async (req) => listLikelyDuplicates(db, principalOf(req)),
  );

  app.post(
    '/citizens/merges',
    {
      config: { access: can.mergeCitizens },
      schema: {
        operationId: 'mergeCitizens',
        tags,
        summary: 'Merge one citizen record into another: its cases and calls move, it is kept and the merge recorded so it can be undone',
        body: MergeCommandSchema,
        response: { 201: CitizenMergeSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => reply.code(201).send(await mergeCitizens(db, principalOf(req), req.body, req.id)),
  );

  app.post(
    '/citizens/merges/:id/undo',
    {
      config: { access: can.mergeCitizens },
      schema: {
        operationId: 'undoCitizenMerge',
        tags,
        summary: 'Undo a merge: what moved goes back to the record merged away (409 if a later merge of either record is in force)',
        params: MergeParams,
        response: { 200: CitizenMergeSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => undoMerge(db, principalOf(req), req.params.id, req.id),
  );

  app.get(
    '/citizens/:id/export',
    {
      config: { access: can.exportCitizens },
      schema: {
        operationId: 'exportCitizen',
        tags,
        summary:
          "The citizen's right of access: everything held about a registry record in its municipality (cases, calls, messages, letters, files described), as a JSON download; audited",
        params: CitizenExportParams,
        response: { 200: CitizenExportSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const { export: data } = await exportCitizen(db, principalOf(req), req.params.id, 'json', req.id);
      return reply
        .header('cache-control', 'no-store')
        .header('content-disposition', `attachment; filename="cittadino-${fileSafe(data.citizen.id)}.json"`)
        .send(data);
    },
  );

  app.get(
    '/citizens/:id/export.pdf',
    {
      config: { access: can.exportCitizens },
      schema: {
        operationId: 'exportCitizenPdf',
        tags,
        summary: "The same export as a readable document (Italian, the municipality's letterhead, dates in Rome's time); audited",
        params: CitizenExportParams,
        response: { 200: z.string().describe('application/pdf'), ...problems(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const { export: data, pdf } = await exportCitizen(db, principalOf(req), req.params.id, 'pdf', req.id);
      // A file: Fastify sends a buffer as it is, past the schema.
      return reply
        .type('application/pdf')
        .header('cache-control', 'no-store')
        .header('content-disposition', `attachment; filename="cittadino-${fileSafe(data.citizen.id)}.pdf"`)
        .send(pdf as unknown as string);
    },
  );
};

/** A record id in a file name: nothing a header or a file system would trip on. */
const fileSafe = (id: string) => id.replace(/[^A-Za-z0-9._-]/g, '_');
