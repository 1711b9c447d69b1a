import { z } from 'zod';

/** A file a citizen sent with a case (by e-mail, Open311 or their page), as the API lists it; the content is downloaded apart. */
export const AttachmentSchema = z.object({
  id: z.string(),
  caseId: z.string().nullable(),
  source: z.enum(['email', 'open311', 'citizen-page', 'staff']),
  fileName: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  createdAt: z.string(),
});
export type Attachment = z.infer<typeof AttachmentSchema>;

export const AttachmentParams = z.object({ id: z.uuid('an attachment id (a UUID)') });
