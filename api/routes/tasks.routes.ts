import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { claimTaskUpdate, completeTaskUpdate, releaseTaskUpdate, requestInformationUpdate } from '../../workflows/case.definitions.ts';
import { can } from '../../domain/principal.ts';
import { actorOf, principalOf } from '../auth/principal.ts';
import { problems, workflowProblems } from '../problems.ts';
import { CaseSchema } from '../../contracts/cases.ts';
import { pageOf } from '../../contracts/list-query.ts';
import { sendPage } from '../lists.ts';
import {
  CompleteTaskSchema,
  NoTaskCommandSchema,
  ReassignTaskSchema,
  RequestInformationSchema,
  TaskListItemSchema,
  TaskListQuerySchema,
  TaskParams,
} from '../../contracts/tasks.ts';
import { type CaseServiceDeps, taskAction } from '../../services/cases.service.ts';
import { listTasks, reassignTask } from '../../services/tasks.service.ts';

export const tasksRoutes: FastifyPluginAsyncZod<CaseServiceDeps> = async (app, deps) => {
  app.get(
    '/tasks',
    {
      config: { access: can.officeWork },
      schema: {
        operationId: 'listTasks',
        tags: ['tasks'],
        summary: 'An office\'s queue, most urgent first (`filter={"mine":true}` for your own claimed tasks)',
        querystring: TaskListQuerySchema,
        response: { 200: z.array(TaskListItemSchema), ...problems(400) },
      },
    },
    async (req, reply) => {
      const page = pageOf(req.query.range);
      const { rows, total } = await listTasks(deps.db, principalOf(req), req.query.filter, req.query.sort?.[1] ?? 'ASC', page);
      return sendPage(reply, 'tasks', page, { rows, total });
    },
  );

  const action = <B extends z.ZodType>(
    path: string,
    operationId: string,
    summary: string,
    body: B,
    run: (
      req: { params: { id: string }; body: z.infer<B> },
      actor: ReturnType<typeof actorOf>,
      scope: string[],
    ) => ReturnType<typeof taskAction>,
  ) =>
    app.post(
      `/tasks/:id/${path}`,
      {
        config: { access: can.officeWork },
        schema: { operationId, tags: ['tasks'], summary, params: TaskParams, body, response: { 200: CaseSchema, ...workflowProblems } },
      },
      async (req) => run(req as never, actorOf(req), principalOf(req).municipalities),
    );

  action('claim', 'claimTask', 'Take the task: from now on only you work on it', NoTaskCommandSchema, (req, actor, scope) =>
    taskAction(deps, req.params.id, scope, claimTaskUpdate, { actor }),
  );
  action('release', 'releaseTask', 'Give the task back to the office queue', NoTaskCommandSchema, (req, actor, scope) =>
    taskAction(deps, req.params.id, scope, releaseTaskUpdate, { actor }),
  );
  action(
    'complete',
    'completeTask',
    'Answer: the case is resolved with this outcome and the citizen informed',
    CompleteTaskSchema,
    (req, actor, scope) => taskAction(deps, req.params.id, scope, completeTaskUpdate, { actor, ...req.body }),
  );
  action(
    'reassign',
    'reassignTask',
    'Hand the task to another office (its service levels then apply)',
    ReassignTaskSchema,
    (req, actor, scope) => reassignTask(deps, req.params.id, scope, { actor, ...req.body }),
  );
  action(
    'request-information',
    'requestInformation',
    'Ask the citizen for information: the service-level clock stops until it arrives',
    RequestInformationSchema,
    (req, actor, scope) => taskAction(deps, req.params.id, scope, requestInformationUpdate, { actor, ...req.body }),
  );
};
