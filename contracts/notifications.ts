import { z } from 'zod';
import { listQuerySchema } from './list-query.ts';

/** A delivery report the SMS gateway posts (docs/notifications.md, "SMS"). */
export const SmsReportSchema = z
  .object({
    id: z.string().trim().min(1).max(200),
    status: z.enum(['delivered', 'failed']),
    error: z.string().max(500).optional(),
  })
  .strict();
z.globalRegistry.add(SmsReportSchema, { id: 'SmsReport' });
export type SmsReport = z.infer<typeof SmsReportSchema>;

export const SmsReportAnswerSchema = z.object({ recorded: z.literal(true) });

/** A letter's states: waiting in the print queue, then posted by the back office. */
export const letterStatuses = ['to-print', 'posted'] as const;

export const LetterSchema = z.object({
  id: z.string(),
  /** The outbound message the letter carries. */
  messageId: z.number().int(),
  caseId: z.string().nullable(),
  municipalityId: z.string(),
  recipientName: z.string().nullable(),
  address: z.string(),
  subject: z.string().nullable(),
  status: z.enum(letterStatuses),
  createdAt: z.string(),
  postedAt: z.string().nullable(),
  postedBy: z.string().nullable(),
});
z.globalRegistry.add(LetterSchema, { id: 'Letter' });
export type Letter = z.infer<typeof LetterSchema>;

export const LetterListQuerySchema = listQuerySchema(
  ['createdAt'],
  z
    .object({
      status: z.enum(letterStatuses).optional(),
      municipalityId: z.string().max(40).optional(),
      caseId: z.string().max(60).optional(),
    })
    .strict(),
);
export type LetterFilter = NonNullable<z.infer<typeof LetterListQuerySchema>['filter']>;
export const LetterParams = z.object({ id: z.uuid() });
