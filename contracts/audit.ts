import { z } from 'zod';

export const AuditRecordSchema = z.object({
  id: z.number().int(), chain: z.string(), seq: z.number().int(), at: z.date(), actor: z.string(), role: z.string().nullable(),
  municipalityId: z.string().nullable(), action: z.string(), targetType: z.string(), targetId: z.string(),
  requestId: z.string().nullable(), beforeDigest: z.string().nullable(), afterDigest: z.string().nullable(), hash: z.string(),
});
export const VerifySchema = z.object({
  ok: z.boolean(), chains: z.number().int(), records: z.number().int(),
  firstBreak: z.object({ chain: z.string(), seq: z.number().int(), id: z.number().int().nullable(), reason: z.string() }).nullable(),
});
z.globalRegistry.add(AuditRecordSchema, { id: 'AuditRecord' });

export const AuditFilter = z.object({
  actor: z.string().optional(), action: z.string().optional(), targetType: z.string().optional(), targetId: z.string().optional(),
  municipalityId: z.string().optional(), from: z.iso.datetime({ offset: true }).optional(), to: z.iso.datetime({ offset: true }).optional(),
}).strict();

export type AuditRecord = z.infer<typeof AuditRecordSchema>;
export type Verification = z.infer<typeof VerifySchema>;
