import { z } from 'zod';
import { listQuerySchema } from './list-query.ts';

/** One record of the audit trail: who did what to which target, with digests of it before and after. */
export const AuditRecordSchema = z.object({
  id: z.number().int(),
  chain: z.string(),
  seq: z.number().int(),
  at: z.date(),
  actor: z.string(),
  role: z.string().nullable(),
  municipalityId: z.string().nullable(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string(),
  requestId: z.string().nullable(),
  beforeDigest: z.string().nullable(),
  afterDigest: z.string().nullable(),
  hash: z.string(),
});
z.globalRegistry.add(AuditRecordSchema, { id: 'AuditRecord' });

/** The outcome of recomputing the hash chains: the first link that does not hold, if any. */
export const AuditVerificationSchema = z.object({
  ok: z.boolean(),
  chains: z.number().int(),
  records: z.number().int(),
  firstBreak: z.object({ chain: z.string(), seq: z.number().int(), id: z.number().int().nullable(), reason: z.string() }).nullable(),
});

export const AuditListQuerySchema = listQuerySchema(
  ['at'],
  z
    .object({
      actor: z.string().optional(),
      action: z.string().optional(),
      targetType: z.string().optional(),
      targetId: z.string().optional(),
      municipalityId: z.string().optional(),
      from: z.iso.datetime({ offset: true }).optional(),
      to: z.iso.datetime({ offset: true }).optional(),
    })
    .strict(),
);

export type AuditRecord = z.infer<typeof AuditRecordSchema>;
export type AuditVerification = z.infer<typeof AuditVerificationSchema>;
export type AuditListQuery = z.infer<typeof AuditListQuerySchema>;
