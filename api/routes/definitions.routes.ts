import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/connection.ts';
import { can } from '../../domain/principal.ts';
import { principalOf } from '../auth/principal.ts';
import { problems } from '../problems.ts';
import {
  DefinitionCaseSchema,
  DefinitionCasesQuerySchema,
  DefinitionListQuerySchema,
  DefinitionVersionDetailSchema,
  DefinitionVersionSchema,
  DiffEntrySchema,
  DiffQuerySchema,
  DocumentBodySchema,
  ServiceParams,
  ValidationResultSchema,
  VersionParams,
} from '../../contracts/definitions.ts';
import { pageOf } from '../../contracts/list-query.ts';
import { sendPage } from '../lists.ts';
import { IdempotencyHeadersSchema } from '../../contracts/headers.ts';
import {
  createDraft,
  editDraft,
  listVersions,
  publish,
  validateDocument,
  versionCases,
  versionDetail,
  versionDiff,
  versionInScope,
} from '../../services/definitions.service.ts';

const tags = ['definitions'];
const reads = problems(400, 401, 403, 404);
const writes = { ...reads, ...problems(409, 422) };

// Definitions are shared by the municipalities offering a service: a caller sees the services
// offered in a municipality they serve, and of the cases on a version only their own.
export const definitionsRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/definitions',
    {
      config: { access: can.readDefinitions },
      schema: {
        operationId: 'listDefinitions',
        tags,
        summary: "Versions of the services' definitions (react-admin simple-rest)",
        querystring: DefinitionListQuerySchema,
        response: { 200: z.array(DefinitionVersionSchema), ...problems(400) },
      },
    },
    async (req, reply) => {
      const page = pageOf(req.query.range);
      const { rows, total } = await listVersions(
        db,
        principalOf(req),
        req.query.filter ?? {},
        req.query.sort ?? ['serviceCode', 'ASC'],
        page,
      );
      return sendPage(reply, 'definitions', page, { rows, total });
    },
  );

  app.get(
    '/definitions/:serviceCode/versions/:version',
    {
      config: { access: can.readDefinitions },
      schema: {
        operationId: 'getDefinition',
        tags,
        summary: 'A version: its document, status and the cases running on it by status',
        params: VersionParams,
        response: { 200: DefinitionVersionDetailSchema, ...reads },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return versionDetail(db, await versionInScope(db, req.params.serviceCode, req.params.version, p), p);
    },
  );

  app.get(
    '/definitions/:serviceCode/versions/:version/cases',
    {
      config: { access: can.readDefinitions },
      schema: {
        operationId: 'listDefinitionCases',
        tags,
        summary: 'The cases of your municipalities pinned to a version (simple-rest)',
        params: VersionParams,
        querystring: DefinitionCasesQuerySchema,
        response: { 200: z.array(DefinitionCaseSchema), ...reads },
      },
    },
    async (req, reply) => {
      const { serviceCode, version } = req.params;
      const page = pageOf(req.query.range);
      const { rows, total } = await versionCases(db, serviceCode, version, principalOf(req), req.query, page);
      return sendPage(reply, 'cases', page, { rows, total });
    },
  );

  app.get(
    '/definitions/:serviceCode/diff',
    {
      config: { access: can.readDefinitions },
      schema: {
        operationId: 'diffDefinitions',
        tags,
        summary: 'What changed between two versions, leaf by leaf at dotted paths',
        params: ServiceParams,
        querystring: DiffQuerySchema,
        response: { 200: z.array(DiffEntrySchema), ...reads },
      },
    },
    async (req) => versionDiff(db, req.params.serviceCode, req.query.from, req.query.to, principalOf(req)),
  );

  app.post(
    '/definitions/:serviceCode/validate',
    {
      config: { access: can.design },
      schema: {
        operationId: 'validateDefinition',
        tags,
        summary: 'Check a document for this service without saving it',
        params: ServiceParams,
        body: DocumentBodySchema,
        response: { 200: ValidationResultSchema, ...reads },
      },
    },
    async (req) => validateDocument(db, req.params.serviceCode, req.body, principalOf(req)),
  );

  app.post(
    '/definitions/:serviceCode/drafts',
    {
      config: { access: can.design },
      schema: {
        operationId: 'createDefinitionDraft',
        tags,
        summary: "Create the service's next version as a draft (one open draft at a time)",
        params: ServiceParams,
        headers: IdempotencyHeadersSchema,
        body: DocumentBodySchema,
        response: { 200: DefinitionVersionDetailSchema, 201: DefinitionVersionDetailSchema, ...writes },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      const { serviceCode } = req.params;
      const { draft, created } = await createDraft(
        db,
        { principal: p, requestId: req.id },
        serviceCode,
        req.body,
        req.headers['idempotency-key'],
      );
      return reply
        .status(created ? 201 : 200)
        .header('location', `/api/definitions/${serviceCode}/versions/${draft.version}`)
        .send(await versionDetail(db, draft, p));
    },
  );

  app.put(
    '/definitions/:serviceCode/versions/:version',
    {
      config: { access: can.design },
      schema: {
        operationId: 'editDefinitionDraft',
        tags,
        summary: "Replace a draft's document (a published version is a 409)",
        params: VersionParams,
        body: DocumentBodySchema,
        response: { 200: DefinitionVersionDetailSchema, ...writes },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return versionDetail(
        db,
        await editDraft(db, { principal: p, requestId: req.id }, req.params.serviceCode, req.params.version, req.body),
        p,
      );
    },
  );

  app.post(
    '/definitions/:serviceCode/versions/:version/publish',
    {
      config: { access: can.design },
      schema: {
        operationId: 'publishDefinition',
        tags,
        summary: 'Publish a draft: new cases start on it, running cases keep their version',
        params: VersionParams,
        response: { 200: DefinitionVersionDetailSchema, ...writes },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return versionDetail(db, await publish(db, { principal: p, requestId: req.id }, req.params.serviceCode, req.params.version), p);
    },
  );
};
