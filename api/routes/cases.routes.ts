import type { SignalDefinition, UpdateDefinition } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CaseIntakeSchema,
  CitizenInformationSchema,
  ComplaintSchema,
  NoteCommandSchema,
  ResolveCommandSchema,
  ScheduleCallbackCommandSchema,
  SolicitationSchema,
  SurveyAnswerSchema,
  TransferCommandSchema,
  WithdrawCommandSchema,
} from '../../domain/case.ts';
import { type Access, can } from '../../domain/principal.ts';
import { actorOf, principalOf } from '../auth/principal.ts';
import { problems, workflowProblems } from '../problems.ts';
import { CaseDetailSchema, CaseListQuerySchema, CaseParams, CaseSchema } from '../../contracts/cases.ts';
import { pageOf } from '../../contracts/list-query.ts';
import { sendPage } from '../lists.ts';
import { IdempotencyHeadersSchema } from '../../contracts/headers.ts';
import { caseAction, caseDetail, type CaseServiceDeps, listCases, openCase, signalCase } from '../../services/cases.service.ts';
import {
  type Actor,
  addNoteUpdate,
  type CaseSnapshot,
  citizenInformationSignal,
  complainSignal,
  resolveUpdate,
  scheduleCallbackUpdate,
  solicitSignal,
  surveyAnswerSignal,
  transferUpdate,
  withdrawUpdate,
} from '../../workflows/case.definitions.ts';

export const casesRoutes: FastifyPluginAsyncZod<CaseServiceDeps> = async (app, deps) => {
  app.post(
    '/cases',
    {
      config: { access: can.frontOffice },
      schema: {
        operationId: 'openCase',
        tags: ['cases'],
        summary: 'Open a case (starts its workflow)',
        headers: IdempotencyHeadersSchema,
        body: CaseIntakeSchema,
        response: { 201: CaseSchema, ...workflowProblems },
      },
    },
    async (req, reply) => {
      const opened = await openCase(deps, req.body, req.headers['idempotency-key'], actorOf(req), principalOf(req).municipalities);
      return reply.status(201).header('location', `/api/cases/${opened.id}`).send(opened);
    },
  );

  app.get(
    '/cases',
    {
      config: { access: can.readCases },
      schema: {
        operationId: 'listCases',
        tags: ['cases'],
        summary: 'List cases (react-admin simple-rest)',
        querystring: CaseListQuerySchema,
        response: { 200: z.array(CaseSchema), ...problems(400) },
      },
    },
    async (req, reply) => {
      const page = pageOf(req.query.range);
      const { rows, total } = await listCases(
        deps.db,
        principalOf(req).municipalities,
        req.query.filter ?? {},
        req.query.sort ?? ['createdAt', 'DESC'],
        page,
      );
      return sendPage(reply, 'cases', page, { rows, total });
    },
  );

  app.get(
    '/cases/:id',
    {
      config: { access: can.readCases },
      schema: {
        operationId: 'getCase',
        tags: ['cases'],
        summary: 'A case with its events',
        params: CaseParams,
        response: { 200: CaseDetailSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => caseDetail(deps.db, req.params.id, principalOf(req).municipalities),
  );

  // Staff actions: workflow updates, answered once the change is recorded (or 409 with the workflow's reason).
  const action = <S extends z.ZodType<object>, A extends Actor | null>(
    path: string,
    operationId: string,
    access: Access,
    summary: string,
    body: S,
    update: UpdateDefinition<CaseSnapshot, [z.output<S> & { actor: A }]>,
    untilClosed = false,
  ) =>
    app.post(
      `/cases/:id/${path}`,
      {
        config: { access },
        schema: { operationId, tags: ['cases'], summary, params: CaseParams, body, response: { 200: CaseSchema, ...workflowProblems } },
      },
      async (req) =>
        caseAction(
          deps,
          req.params.id,
          principalOf(req).municipalities,
          update,
          req.body as z.output<S>,
          actorOf(req) as Actor & A,
          untilClosed,
        ),
    );
  action('resolve', 'resolveCase', can.frontOffice, 'Resolve an open case with an outcome', ResolveCommandSchema, resolveUpdate);
  action(
    'transfer',
    'transferCase',
    can.frontOffice,
    "Transfer a case to its service's competent office (`live`: the call is handed over now, when the service allows it and the office is open)",
    TransferCommandSchema,
    transferUpdate,
  );
  action(
    'notes',
    'addCaseNote',
    can.caseWork,
    "Add a note to the case's timeline (until it is closed)",
    NoteCommandSchema,
    addNoteUpdate,
    true,
  );
  action(
    'withdraw',
    'withdrawCase',
    can.frontOffice,
    'The citizen withdraws the request: resolved as withdrawn, its office task closed, no callback nor survey',
    WithdrawCommandSchema,
    withdrawUpdate,
  );
  action(
    'callbacks',
    'scheduleCallback',
    can.frontOffice,
    "Schedule a call to the citizen at an instant of the service's callback window (cancelled if the case is resolved first)",
    ScheduleCallbackCommandSchema,
    scheduleCallbackUpdate,
  );

  // The citizen's own events: signals the workflow acts on, answered 202 with the case as it stands.
  const citizenEvent = <S extends z.ZodType>(
    path: string,
    operationId: string,
    summary: string,
    body: S,
    signal: SignalDefinition<[z.infer<S>]>,
  ) =>
    app.post(
      `/cases/:id/${path}`,
      {
        config: { access: can.frontOffice },
        schema: { operationId, tags: ['cases'], summary, params: CaseParams, body, response: { 202: CaseSchema, ...workflowProblems } },
      },
      async (req, reply) =>
        reply.status(202).send(await signalCase(deps, req.params.id, principalOf(req).municipalities, signal, req.body as z.infer<S>)),
    );
  citizenEvent(
    'solicitations',
    'solicitCase',
    "Record a citizen's solicitation: the office is reminded at once",
    SolicitationSchema,
    solicitSignal,
  );
  citizenEvent(
    'complaints',
    'complainAboutCase',
    "Record a citizen's complaint: a linked complaint case is opened",
    ComplaintSchema,
    complainSignal,
  );
  citizenEvent(
    'information',
    'addCitizenInformation',
    'Add the information the office asked the citizen for: its clock restarts',
    CitizenInformationSchema,
    citizenInformationSignal,
  );
  citizenEvent(
    'survey-answers',
    'answerSurvey',
    "Record the citizen's answers to the satisfaction survey",
    SurveyAnswerSchema,
    surveyAnswerSignal,
  );
};
