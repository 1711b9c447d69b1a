import { z } from 'zod';
import { CaseIdSchema } from './cases.ts';
import { listQuerySchema } from './list-query.ts';

/**
 * A case whose read-model write the database refused for good (or that kept failing past its
 * bound): what administrators see of it. Codes and ids only, never the refused data.
 */
export const StuckCaseSchema = z.object({
  id: z.number().int(),
  caseId: z.string(),
  municipalityId: z.string(),
  workflowId: z.string(),
  /** The activity whose write failed (`recordCaseEvent`). */
  activity: z.string(),
  /** `PoisonData`: refused for good (a constraint, an encoding); `RetriesExhausted`: kept failing past its bound. */
  errorType: z.string(),
  /** The SQLSTATE (e.g. `22021`, `23514`), or the failure's type when it was no database refusal. */
  errorCode: z.string(),
  /** How many times the workflow found the write failed. */
  attempts: z.number().int(),
  firstSeenAt: z.string(),
  lastSeenAt: z.string(),
  retryRequestedAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
});
z.globalRegistry.add(StuckCaseSchema, { id: 'StuckCase' });
export type StuckCase = z.infer<typeof StuckCaseSchema>;

export const stuckCaseSortFields = ['lastSeenAt', 'firstSeenAt', 'attempts', 'id'] as const;
export const StuckCaseListQuerySchema = listQuerySchema(
  stuckCaseSortFields,
  z
    .object({
      resolved: z.boolean().optional(),
      caseId: z.string().max(40).optional(),
      municipalityId: z.string().max(60).optional(),
    })
    .strict(),
);
export type StuckCaseListQuery = z.infer<typeof StuckCaseListQuerySchema>;

export const StuckCaseParams = z.object({ caseId: CaseIdSchema });
