import type { SignalDefinition } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CaseIntakeSchema, caseIdPattern, CitizenInformationSchema, ComplaintSchema, ResolveCommandSchema, SolicitationSchema,
  SurveyAnswerSchema, TransferCommandSchema,
} from '../../domain/case.ts';
import { actorOf, can, principalOf } from '../auth/principal.ts';
import { findCaseDetail, listCases } from '../db/cases.repository.ts';
import { notFound, ProblemSchema, workflowProblems } from '../errors.ts';
import { CaseDetailSchema, CaseListQuerySchema, CaseSchema } from '../schemas/cases.ts';
import { contentRange, pageOf } from '../schemas/list-query.ts';
import { IdempotencyHeadersSchema } from '../services/idempotency.ts';
import { type CaseServiceDeps, openCase, resolveCase, signalCase, transferCase } from '../services/cases.service.ts';
import {
  citizenInformationSignal, complainSignal, solicitSignal, surveyAnswerSignal,
} from '../../workflows/case.definitions.ts';

const CaseParams = z.object({ id: z.string().regex(caseIdPattern, 'a case id such as C-2026-000042') });
const problems = workflowProblems;

export const casesRoutes: FastifyPluginAsyncZod<CaseServiceDeps> = async (app, deps) => {
  app.post('/cases', {
    config: { access: can.frontOffice },
    schema: {
      operationId: 'openCase', tags: ['cases'], summary: 'Open a case (starts its workflow)',
      headers: IdempotencyHeadersSchema,
      body: CaseIntakeSchema,
      response: { 201: CaseSchema, ...problems },
    },
  }, async (req, reply) => {
    const opened = await openCase(deps, req.body, req.headers['idempotency-key'], actorOf(req), principalOf(req).municipalities);
    return reply.status(201).header('location', `/api/cases/${opened.id}`).send(opened);
  });

  app.get('/cases', {
    config: { access: can.readCases },
    schema: {
      operationId: 'listCases', tags: ['cases'], summary: 'List cases (react-admin simple-rest)',
      querystring: CaseListQuerySchema,
      response: { 200: z.array(CaseSchema), 400: ProblemSchema },
    },
  }, async (req, reply) => {
    const page = pageOf(req.query.range);
    const { rows, total } = await listCases(deps.db, principalOf(req).municipalities, req.query.filter ?? {}, req.query.sort ?? ['createdAt', 'DESC'], page);
    return reply.header('content-range', contentRange('cases', page, rows.length, total)).send(rows);
  });

  app.get('/cases/:id', {
    config: { access: can.readCases },
    schema: {
      operationId: 'getCase', tags: ['cases'], summary: 'A case with its events',
      params: CaseParams, response: { 200: CaseDetailSchema, 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema },
    },
  }, async (req) => {
    const found = await findCaseDetail(deps.db, req.params.id, principalOf(req).municipalities);
    if (!found) throw notFound(`case ${req.params.id}`);
    return found;
  });

  app.post('/cases/:id/resolve', {
    config: { access: can.frontOffice },
    schema: {
      operationId: 'resolveCase', tags: ['cases'], summary: 'Resolve an open case with an outcome',
      params: CaseParams, body: ResolveCommandSchema, response: { 200: CaseSchema, ...problems },
    },
  }, async (req) => resolveCase(deps, req.params.id, principalOf(req).municipalities, req.body, actorOf(req)));

  app.post('/cases/:id/transfer', {
    config: { access: can.frontOffice },
    schema: {
      operationId: 'transferCase', tags: ['cases'], summary: "Transfer a case to its service's competent office",
      params: CaseParams, body: TransferCommandSchema, response: { 200: CaseSchema, ...problems },
    },
  }, async (req) => transferCase(deps, req.params.id, principalOf(req).municipalities, req.body, actorOf(req)));

  // The citizen's own events: signals the workflow acts on, answered 202 with the case as it stands.
  const citizenEvent = <S extends z.ZodType>(path: string, operationId: string, summary: string, body: S, signal: SignalDefinition<[z.infer<S>]>) =>
    app.post(`/cases/:id/${path}`, {
      config: { access: can.frontOffice },
      schema: { operationId, tags: ['cases'], summary, params: CaseParams, body, response: { 202: CaseSchema, ...problems } },
    }, async (req, reply) => reply.status(202).send(await signalCase(deps, req.params.id, principalOf(req).municipalities, signal, req.body as z.infer<S>)));
  citizenEvent('solicitations', 'solicitCase', "Record a citizen's solicitation: the office is reminded at once", SolicitationSchema, solicitSignal);
  citizenEvent('complaints', 'complainAboutCase', "Record a citizen's complaint: a linked complaint case is opened", ComplaintSchema, complainSignal);
  citizenEvent('information', 'addCitizenInformation', 'Add the information the office asked the citizen for: its clock restarts',
    CitizenInformationSchema, citizenInformationSignal);
  citizenEvent('survey-answers', 'answerSurvey', "Record the citizen's answers to the satisfaction survey", SurveyAnswerSchema, surveyAnswerSignal);
};
