import { z } from 'zod';

/** Why the citizen is erased (the request's protocol number, the DPO's decision): kept only as a digest in the audit trail. */
export const EraseCitizenCommandSchema = z.object({ reason: z.string().trim().min(3).max(500) }).strict();
export type EraseCitizenCommand = z.infer<typeof EraseCitizenCommandSchema>;

export const CitizenParams = z.object({ id: z.string().min(1).max(100) });

/** What an erasure changed. */
export const ErasureSchema = z.object({
  citizenId: z.string(),
  /** The registry records erased: the one named and those merged into it. */
  records: z.array(z.string()),
  erasedAt: z.string(),
  /** The cases anonymised; their Temporal histories can no longer be decoded. */
  cases: z.array(z.string()),
  calls: z.number().int(),
  messages: z.number().int(),
  attachments: z.number().int(),
  /** Temporal payload keys destroyed (crypto-shredding): the cases' and the callbacks' to the person's numbers. */
  payloadKeys: z.number().int(),
});
z.globalRegistry.add(ErasureSchema, { id: 'Erasure' });
export type Erasure = z.infer<typeof ErasureSchema>;

const LegalHoldTargetSchema = z.enum(['citizen', 'case']);

export const LegalHoldCreateSchema = z
  .object({
    targetType: LegalHoldTargetSchema,
    /** A registry record's id, or a case id. */
    targetId: z.string().trim().min(1).max(100),
    reason: z.string().trim().min(3).max(500),
  })
  .strict();
export type LegalHoldCreate = z.infer<typeof LegalHoldCreateSchema>;

export const LegalHoldSchema = z.object({
  id: z.string(),
  municipalityId: z.string(),
  targetType: LegalHoldTargetSchema,
  targetId: z.string(),
  reason: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  releasedBy: z.string().nullable(),
  releasedAt: z.string().nullable(),
});
z.globalRegistry.add(LegalHoldSchema, { id: 'LegalHold' });
export type LegalHold = z.infer<typeof LegalHoldSchema>;

export const LegalHoldListQuerySchema = z
  .object({
    targetType: LegalHoldTargetSchema.optional(),
    targetId: z.string().min(1).max(100).optional(),
    /** true: in force only; false: released only. */
    active: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
  })
  .strict();
export type LegalHoldListQuery = z.infer<typeof LegalHoldListQuerySchema>;

export const LegalHoldParams = z.object({ id: z.string().min(1).max(100) });

/** What one run of the retention did. */
export interface RetentionRun {
  anonymised: string[];
  /** More cases were past retention than one run takes: the workflow runs the activity again. */
  more: boolean;
}
