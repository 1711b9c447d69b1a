import { z } from 'zod';
import { CaseLocationSchema, CaseStatusSchema, ChannelSchema, CitizenSchema, OutcomeSchema } from '../domain/case.ts';
import { CitizenMergeSchema, CitizenRecordSchema } from './citizens.ts';

/**
 * The citizen's right of access (GDPR art. 15): everything the platform holds about one registry
 * record in its municipality, as one document. Staff are named by none of it (no actors, agents or
 * assignees); files are listed, not included (each has the staff API's download path).
 */
export const citizenExportFormat = 'sportello.citizen-export/v1';

export const ExportEventSchema = z.object({
  at: z.string(),
  /** The case event type (`case.opened`, `information.requested`, `note.added`, …). */
  type: z.string(),
  stage: z.string(),
  /** The sentence the citizen's page shows for it (Italian), null for an event the page does not show. */
  public: z.string().nullable(),
  /** What the event recorded, staff identities left out. */
  data: z.record(z.string(), z.unknown()),
});

export const ExportTaskSchema = z.object({
  id: z.string(),
  officeName: z.string(),
  status: z.enum(['open', 'claimed', 'done']),
  dueAt: z.string(),
  slaState: z.enum(['on-track', 'warning', 'breached']),
  waitingSince: z.string().nullable(),
});

export const ExportCaseSchema = z.object({
  id: z.string(),
  serviceCode: z.string(),
  serviceName: z.string(),
  channel: ChannelSchema,
  status: CaseStatusSchema,
  stage: z.string(),
  outcome: OutcomeSchema.nullable(),
  subject: z.string(),
  description: z.string(),
  /** The citizen as the case recorded them. */
  citizen: CitizenSchema,
  details: z.record(z.string(), z.unknown()),
  location: CaseLocationSchema.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  resolvedAt: z.string().nullable(),
  timeline: z.array(ExportEventSchema),
  tasks: z.array(ExportTaskSchema),
});

export const ExportCallSchema = z.object({
  id: z.string(),
  caseId: z.string().nullable(),
  direction: z.enum(['inbound', 'outbound']),
  caller: z.string(),
  called: z.string(),
  state: z.string(),
  queue: z.string().nullable(),
  ivrChoice: z.string().nullable(),
  endCause: z.string().nullable(),
  waitSeconds: z.number().nullable(),
  startedAt: z.string(),
  connectedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
});

export const ExportMessageSchema = z.object({
  id: z.number().int(),
  caseId: z.string().nullable(),
  channel: z.enum(['sms', 'email', 'io', 'letter']),
  recipient: z.string(),
  subject: z.string().nullable(),
  text: z.string(),
  status: z.string(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  failedAt: z.string().nullable(),
});

export const ExportLetterSchema = z.object({
  id: z.string(),
  messageId: z.number().int(),
  caseId: z.string().nullable(),
  recipientName: z.string().nullable(),
  address: z.string(),
  subject: z.string().nullable(),
  status: z.enum(['to-print', 'posted']),
  createdAt: z.string(),
  postedAt: z.string().nullable(),
  /** The staff API's path of the printed PDF. */
  downloadPath: z.string(),
});

export const ExportInboundMailSchema = z.object({
  caseId: z.string().nullable(),
  /** `case`: it opened the case; `reply`: it was added to it. */
  outcome: z.string(),
  receivedAt: z.string(),
});

export const ExportSurveyAnswerSchema = z.object({
  caseId: z.string(),
  at: z.string(),
  answers: z.record(z.string(), z.unknown()),
});

export const ExportAttachmentSchema = z.object({
  id: z.string(),
  caseId: z.string().nullable(),
  source: z.string(),
  fileName: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  createdAt: z.string(),
  /** The staff API's path of the file (its content is not in the export). */
  downloadPath: z.string(),
});

export const ExportCitizenLinkSchema = z.object({
  caseId: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

export const CitizenExportSchema = z.object({
  format: z.literal(citizenExportFormat),
  generatedAt: z.string(),
  municipality: z.object({ id: z.string(), name: z.string() }),
  citizen: CitizenRecordSchema.omit({ cases: true }).extend({
    /** The record this one was merged into, when it was. */
    mergedInto: z.string().nullable(),
  }),
  /** Records merged into this one (the same person, kept for the undo). */
  mergedRecords: z.array(CitizenRecordSchema.omit({ cases: true })),
  cases: z.array(ExportCaseSchema),
  /** Calls from or to their numbers, or linked to the record. */
  calls: z.array(ExportCallSchema),
  /** What was sent to them (to their numbers, addresses, fiscal code), with its text. */
  messages: z.array(ExportMessageSchema),
  letters: z.array(ExportLetterSchema),
  inboundMails: z.array(ExportInboundMailSchema),
  surveyAnswers: z.array(ExportSurveyAnswerSchema),
  attachments: z.array(ExportAttachmentSchema),
  citizenLinks: z.array(ExportCitizenLinkSchema),
  merges: z.array(CitizenMergeSchema.omit({ mergedBy: true, undoneBy: true })),
});
z.globalRegistry.add(CitizenExportSchema, { id: 'CitizenExport' });
export type CitizenExport = z.infer<typeof CitizenExportSchema>;

export const CitizenExportParams = z.object({ id: z.string().min(1).max(100) });
