import { z } from 'zod';
import { OutcomeSchema, taskIdPattern } from '../domain/case.ts';
import { TaskSchema } from './cases.ts';
import { listQuerySchema } from './list-query.ts';

export const TaskListItemSchema = TaskSchema.extend({
  caseId: z.string(),
  subject: z.string(),
  municipalityId: z.string(),
  serviceCode: z.string(),
  serviceName: z.string(),
  stage: z.string(),
});
z.globalRegistry.add(TaskListItemSchema, { id: 'TaskListItem' });
export type TaskListItem = z.infer<typeof TaskListItemSchema>;

export const TaskListQuerySchema = listQuerySchema(
  ['dueAt'],
  z
    .object({
      /** Only the caller's own claimed tasks. */
      mine: z.boolean().optional(),
      officeId: z.string().max(60).optional(),
      municipalityId: z.string().max(40).optional(),
      status: z.enum(['open', 'claimed', 'done']).optional(),
      slaState: z.enum(['on-track', 'warning', 'breached']).optional(),
      /** Tasks whose breach was escalated to the supervisors. */
      escalated: z.boolean().optional(),
    })
    .strict(),
);
export type TaskListQuery = z.infer<typeof TaskListQuerySchema>;

/** Claim and release take no parameters: the actor is the caller. */
export const NoTaskCommandSchema = z.object({}).strict().default({});
export const CompleteTaskSchema = z
  .object({
    /** What the citizen is told. */
    answer: z.string().trim().min(1).max(5000),
    outcome: OutcomeSchema,
  })
  .strict();
export const ReassignTaskSchema = z
  .object({
    toOffice: z.string().regex(/^[a-z0-9-]{2,60}$/, 'an office id such as "mi-tributi"'),
    reason: z.string().trim().max(2000).optional(),
  })
  .strict();
export const RequestInformationSchema = z.object({ question: z.string().trim().min(3).max(2000) }).strict();
export const TaskParams = z.object({ id: z.string().regex(taskIdPattern, 'a task id such as C-2026-000042:1') });
