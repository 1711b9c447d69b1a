import { z } from 'zod';
import { listQuerySchema } from './list-query.ts';

export const messageChannels = ['email', 'sms', 'io', 'letter'] as const;
export const messageStatuses = ['queued', 'sending', 'sent', 'delivered', 'failed', 'cancelled'] as const;

/** A message of the outbox as staff see it: where it went, how far it got, and why it failed. */
export const MessageRecordSchema = z.object({
  id: z.number().int(),
  caseId: z.string().nullable(),
  municipalityId: z.string().nullable(),
  channel: z.enum(messageChannels),
  /** The e-mail address, phone number, fiscal code or postal address written to. */
  recipient: z.string(),
  event: z.string().nullable(),
  language: z.string(),
  subject: z.string().nullable(),
  body: z.string(),
  status: z.enum(messageStatuses),
  attempts: z.number().int(),
  nextAttemptAt: z.string(),
  providerMessageId: z.string().nullable(),
  lastError: z.string().nullable(),
  sentAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  failedAt: z.string().nullable(),
  /** The message this one replaces on the citizen's next channel, after that one failed. */
  fallbackOf: z.number().int().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
z.globalRegistry.add(MessageRecordSchema, { id: 'MessageRecord' });
export type MessageRecord = z.infer<typeof MessageRecordSchema>;

export const messageSortFields = ['createdAt', 'updatedAt', 'id'] as const;
export const MessageListQuerySchema = listQuerySchema(
  messageSortFields,
  z
    .object({
      status: z.enum(messageStatuses).optional(),
      channel: z.enum(messageChannels).optional(),
      caseId: z.string().max(40).optional(),
    })
    .strict(),
);
export type MessageListQuery = z.infer<typeof MessageListQuerySchema>;

export const MessageParams = z.object({ id: z.coerce.number().int().positive() });
