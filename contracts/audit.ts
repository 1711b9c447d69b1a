import { z } from 'zod';
import { listQuerySchema } from './list-query.ts';

/** One record of the audit trail: who did what to which target, with digests of it before and after. */
export const AuditRecordSchema = z.object({
  id: z.number().int(),
  chain: z.string(),
  /** Position in the chain and the batch that sealed it; null while the record waits for its seal (a second or so). */
  seq: z.number().int().nullable(),
  batch: z.number().int().nullable(),
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

/** Where verification found the trail not to hold, and what happened there. */
export const AuditBreakSchema = z.object({
  chain: z.string(),
  /** The record where the chain breaks (for a rewound chain, the first one missing). */
  seq: z.number().int(),
  id: z.number().int().nullable(),
  batch: z.number().int().nullable(),
  kind: z.enum(['edited', 'removed', 'inserted', 'forged', 'rewound']),
  reason: z.string(),
});

/** The outcome of verifying the chains: the first thing that does not hold, if any. */
export const AuditVerificationSchema = z.object({
  ok: z.boolean(),
  chains: z.number().int(),
  /** Records checked, sealed and pending. */
  records: z.number().int(),
  batches: z.number().int(),
  /** Records not sealed yet: checked against their own hash only. */
  pending: z.number().int(),
  /** Sealed batches whose head the anchor does not hold yet (a sealer wrote them a moment ago). */
  unanchored: z.number().int(),
  firstBreak: AuditBreakSchema.nullable(),
});

/** An RFC 9162 inclusion proof: the record's leaf, its audit path to the batch's root, and the signed head. */
export const AuditProofSchema = z.object({
  id: z.number().int(),
  chain: z.string(),
  seq: z.number().int(),
  leaf: z.string(),
  index: z.number().int(),
  size: z.number().int(),
  path: z.array(z.string()),
  batch: z.object({
    batch: z.number().int(),
    firstSeq: z.number().int(),
    lastSeq: z.number().int(),
    root: z.string(),
    prevHead: z.string(),
    head: z.string(),
    sealedAt: z.date(),
    keyId: z.string(),
    /** Ed25519 over `sportello-audit-head\n` + head, base64. */
    signature: z.string(),
  }),
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
export type AuditBreak = z.infer<typeof AuditBreakSchema>;
export type AuditProof = z.infer<typeof AuditProofSchema>;
export type AuditListQuery = z.infer<typeof AuditListQuerySchema>;
