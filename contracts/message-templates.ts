import { z } from 'zod';

/**
 * A municipality's message templates, as administrators edit them: one per event and language,
 * its own or the default. Bodies and subjects are text with named placeholders (`{caseId}`); each
 * event lists the ones it gives (services/messages/templates.ts derives them from the event's data).
 */
export const templateLanguages = ['it', 'en'] as const;

export const MessageTemplateSchema = z.object({
  /** `<event>:<language>`, one per row of the list. */
  id: z.string(),
  municipalityId: z.string(),
  event: z.string(),
  language: z.enum(templateLanguages),
  /** Who reads it: the citizen (with their page's link) or the office. */
  audience: z.enum(['citizen', 'office']),
  /** Whether the municipality has its own wording; false: the default below is used. */
  custom: z.boolean(),
  /** The subject and body in use. */
  subject: z.string(),
  body: z.string(),
  defaultSubject: z.string(),
  defaultBody: z.string(),
  /** The placeholders the template may use, without braces. */
  placeholders: z.array(z.string()),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
});
z.globalRegistry.add(MessageTemplateSchema, { id: 'MessageTemplate' });
export type MessageTemplate = z.infer<typeof MessageTemplateSchema>;

export const MessageTemplatesParams = z.object({ id: z.string().min(1).max(100) });
export const MessageTemplateParams = MessageTemplatesParams.extend({
  event: z
    .string()
    .regex(/^[a-z]+(\.[a-z]+)*$/, 'an event such as "case.resolved"')
    .max(60),
  language: z.enum(templateLanguages),
});

// A subject is one line (it becomes an e-mail header); a body is a message, SMS-sized or a letter's.
const subject = z
  .string()
  .trim()
  .min(1)
  .max(120)
  .regex(/^[^\r\n]*$/, 'one line');
const body = z.string().trim().min(1).max(2000);

export const MessageTemplateInputSchema = z
  .object({
    /** Null or left out: the default subject. */
    subject: subject.nullable().optional(),
    body,
  })
  .strict();
export type MessageTemplateInput = z.infer<typeof MessageTemplateInputSchema>;

/** A template rendered with the event's sample data and a sample link to the citizen's page. */
export const MessageTemplatePreviewSchema = z.object({ subject: z.string(), body: z.string() });
z.globalRegistry.add(MessageTemplatePreviewSchema, { id: 'MessageTemplatePreview' });
