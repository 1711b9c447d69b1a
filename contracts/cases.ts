import { z } from 'zod';
import {
  caseIdPattern,
  CaseLocationSchema,
  CaseStatusSchema,
  ChannelSchema,
  CitizenSchema,
  NoteCommandSchema,
  OutcomeSchema,
  ScheduleCallbackCommandSchema,
  WithdrawCommandSchema,
} from '../domain/case.ts';
import { listQuerySchema } from './list-query.ts';

export const CaseEventSchema = z.object({
  seq: z.number().int(),
  type: z.string(),
  at: z.string(),
  stage: z.string(),
  actor: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  definitionVersion: z.number().int().nullable(),
});

export const CaseSchema = z.object({
  id: z.string(),
  municipalityId: z.string(),
  municipalityName: z.string(),
  serviceCode: z.string(),
  serviceName: z.string(),
  channel: ChannelSchema,
  status: CaseStatusSchema,
  stage: z.string(),
  outcome: OutcomeSchema.nullable(),
  subject: z.string(),
  description: z.string(),
  citizen: CitizenSchema,
  /** The citizens registry's record of the person (null: the case carries no phone, e-mail or fiscal code). */
  citizenId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  location: CaseLocationSchema.nullable(),
  definitionVersion: z.number().int().nullable(),
  officeId: z.string().nullable(),
  solicitations: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  resolvedAt: z.string().nullable(),
});
z.globalRegistry.add(CaseSchema, { id: 'Case' });

export const TaskSchema = z.object({
  id: z.string(),
  officeId: z.string(),
  officeName: z.string(),
  assignee: z.string().nullable(),
  status: z.enum(['open', 'claimed', 'done']),
  warningAt: z.string(),
  dueAt: z.string(),
  slaState: z.enum(['on-track', 'warning', 'breached']),
  escalated: z.boolean(),
  waitingSince: z.string().nullable(),
});

export const CaseDetailSchema = CaseSchema.extend({ events: z.array(CaseEventSchema), tasks: z.array(TaskSchema) });
z.globalRegistry.add(CaseDetailSchema, { id: 'CaseDetail' });

export const caseSortFields = ['createdAt', 'updatedAt', 'status', 'id'] as const;
export const CaseListQuerySchema = listQuerySchema(
  caseSortFields,
  z
    .object({
      id: z.union([z.string(), z.array(z.string()).max(1000)]).optional(),
      status: CaseStatusSchema.optional(),
      municipalityId: z.string().optional(),
      serviceCode: z.string().optional(),
      /** The definition version the cases run on (with `serviceCode`). */
      definitionVersion: z.number().int().positive().optional(),
      channel: ChannelSchema.optional(),
      stage: z.string().max(40).optional(),
      officeId: z.string().max(60).optional(),
      slaState: z.enum(['on-track', 'warning', 'breached']).optional(),
      /** Phone number, fiscal code or e-mail of the citizen. */
      citizen: z.string().trim().min(3).max(320).optional(),
      createdFrom: z.iso.datetime({ offset: true }).optional(),
      createdTo: z.iso.datetime({ offset: true }).optional(),
      q: z.string().max(200).optional(),
    })
    .strict(),
);

/** The shape of a case id, for every route that names a case. */
export const CaseIdSchema = z.string().regex(caseIdPattern, 'a case id such as C-2026-000042');
export const CaseParams = z.object({ id: CaseIdSchema });
// The staff commands' bodies are domain shapes; named here for the OpenAPI document.
z.globalRegistry.add(NoteCommandSchema, { id: 'NoteCommand' });
z.globalRegistry.add(WithdrawCommandSchema, { id: 'WithdrawCommand' });
z.globalRegistry.add(ScheduleCallbackCommandSchema, { id: 'ScheduleCallbackCommand' });

export type Case = z.infer<typeof CaseSchema>;
export type Task = z.infer<typeof TaskSchema>;
export type CaseDetail = z.infer<typeof CaseDetailSchema>;
