import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  claimTaskUpdate, completeTaskUpdate, reassignTaskUpdate, releaseTaskUpdate, requestInformationUpdate,
} from '../../workflows/case.definitions.ts';
import { can } from '../../domain/principal.ts';
import { actorOf, principalOf } from '../auth/principal.ts';
import { listTasks } from '../../db/tasks.repository.ts';
import { problems, workflowProblems } from '../problems.ts';
import { ApiError } from '../../services/errors.ts';
import { CaseSchema } from '../../contracts/cases.ts';
import { contentRange, pageOf } from '../../contracts/list-query.ts';
import {
  CompleteTaskSchema, ReassignTaskSchema, RequestInformationSchema, TaskListItemSchema, TaskListQuerySchema, TaskParams,
} from '../../contracts/tasks.ts';
import { type CaseServiceDeps, taskAction } from '../../services/cases.service.ts';


export const tasksRoutes: FastifyPluginAsyncZod<CaseServiceDeps> = async (app, deps) => {
  app.get('/tasks', {
    config: { access: can.officeWork },
    schema: {
      operationId: 'listTasks', tags: ['tasks'],
      summary: "An office's queue, most urgent first (`filter={\"mine\":true}` for your own claimed tasks)",
      querystring: TaskListQuerySchema, response: { 200: z.array(TaskListItemSchema), ...problems(400) },
    },
  }, async (req, reply) => {
    const p = principalOf(req);
    const { mine, ...filter } = req.query.filter ?? {};
    // Back-office staff see their own office's queue only; supervisors any office they serve.
    const officeId = p.role === 'backoffice' ? p.officeId ?? '' : filter.officeId;
    const page = pageOf(req.query.range);
    const { rows, total } = await listTasks(deps.db, p.municipalities,
      { ...filter, officeId, ...(mine ? { assignee: p.id } : {}) }, req.query.sort?.[1] ?? 'ASC', page);
    return reply.header('content-range', contentRange('tasks', page, rows.length, total)).send(rows);
  });

  const action = <B extends z.ZodType>(path: string, operationId: string, summary: string, body: B,
    run: (req: { params: { id: string }; body: z.infer<B> }, actor: ReturnType<typeof actorOf>, scope: string[]) => ReturnType<typeof taskAction>) =>
    app.post(`/tasks/:id/${path}`, {
      config: { access: can.officeWork },
      schema: { operationId, tags: ['tasks'], summary, params: TaskParams, body, response: { 200: CaseSchema, ...workflowProblems } },
    }, async (req) => run(req as never, actorOf(req), principalOf(req).municipalities));

  const none = z.object({}).strict().default({});
  action('claim', 'claimTask', 'Take the task: from now on only you work on it', none,
    (req, actor, scope) => taskAction(deps, req.params.id, scope, claimTaskUpdate, { actor }));
  action('release', 'releaseTask', 'Give the task back to the office queue', none,
    (req, actor, scope) => taskAction(deps, req.params.id, scope, releaseTaskUpdate, { actor }));
  action('complete', 'completeTask', 'Answer: the case is resolved with this outcome and the citizen informed', CompleteTaskSchema,
    (req, actor, scope) => taskAction(deps, req.params.id, scope, completeTaskUpdate, { actor, ...req.body }));
  action('reassign', 'reassignTask', 'Hand the task to another office (its service levels then apply)', ReassignTaskSchema,
    async (req, actor, scope) => {
      const office = await deps.db.selectFrom('offices').select('municipality_id').where('id', '=', req.body.toOffice).executeTakeFirst();
      if (!office || !scope.includes(office.municipality_id)) {
        throw new ApiError('unprocessable', 'no such office', [{ path: 'body.toOffice', message: `no office "${req.body.toOffice}" in the municipalities you serve` }]);
      }
      return taskAction(deps, req.params.id, scope, reassignTaskUpdate, { actor, ...req.body });
    });
  action('request-information', 'requestInformation', 'Ask the citizen for information: the service-level clock stops until it arrives',
    RequestInformationSchema, (req, actor, scope) => taskAction(deps, req.params.id, scope, requestInformationUpdate, { actor, ...req.body }));
};
