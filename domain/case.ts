import { z } from 'zod';

/** The vocabulary of a case, shared by the API, the workflow and the read model. */
export const channels = ['phone', 'web', 'email', 'social', 'open311', 'counter'] as const;
export const caseStatuses = ['open', 'resolved'] as const;
export const outcomes = ['resolved', 'rejected', 'redirected', 'withdrawn'] as const;
export const staffRoles = ['operator', 'backoffice', 'designer', 'supervisor', 'auditor', 'admin'] as const;

export const ChannelSchema = z.enum(channels);
export const CaseStatusSchema = z.enum(caseStatuses);
export const OutcomeSchema = z.enum(outcomes);
export type Channel = z.infer<typeof ChannelSchema>;
export type CaseStatus = z.infer<typeof CaseStatusSchema>;
export type Outcome = z.infer<typeof OutcomeSchema>;
export type StaffRole = (typeof staffRoles)[number];

/** Italian fiscal code of a person (16 characters, omocodia letters allowed in digit places). */
export const fiscalCodePattern = /^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$/;

/**
 * A phone number as typed ("347 123 4567", "02-8845 1111", "(02) 8845.1111"), kept as digits with an
 * optional leading +; the citizens registry compares it in E.164 (domain/citizen-identity.ts).
 */
export const PhoneNumberSchema = z
  .string()
  .trim()
  .transform((s) => s.replace(/[\s.()/-]/g, ''))
  .pipe(z.string().regex(/^\+?[0-9]{6,15}$/, 'a phone number of 6 to 15 digits, optionally starting with +'));

export const CitizenSchema = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    phone: z
      .string()
      .regex(/^\+?[0-9]{6,15}$/, 'a phone number of 6 to 15 digits, optionally starting with +')
      .optional(),
    email: z.email().max(320).optional(),
    fiscalCode: z.string().toUpperCase().regex(fiscalCodePattern, 'an Italian fiscal code (16 characters)').optional(),
    /** Postal address for letters, as written on the envelope: street, then postcode and town on the next line. */
    address: z.string().trim().min(5).max(300).optional(),
  })
  .strict();
export type Citizen = z.infer<typeof CitizenSchema>;
/** The citizen as an intake gives them: the phone number as typed ("333 123 4567"), stored as digits. */
export const CitizenInputSchema = CitizenSchema.extend({ phone: PhoneNumberSchema.optional() }).strict();

/** Where the request is about (a pothole, a broken light): coordinates (WGS 84), an address, or both. */
export const CaseLocationSchema = z
  .object({
    lat: z.number().min(-90).max(90).optional(),
    long: z.number().min(-180).max(180).optional(),
    address: z.string().trim().min(1).max(300).optional(),
  })
  .strict()
  .refine((l) => (l.lat === undefined) === (l.long === undefined), 'lat and long go together')
  .refine((l) => l.lat !== undefined || l.address !== undefined, 'coordinates or an address');
export type CaseLocation = z.infer<typeof CaseLocationSchema>;

export const CaseIntakeSchema = z
  .object({
    municipalityId: z.string().regex(/^[a-z0-9-]{2,40}$/, 'a municipality id such as "milano"'),
    serviceCode: z.string().regex(/^[a-z0-9-]{2,60}$/, 'a service code such as "tari-refund"'),
    channel: ChannelSchema,
    subject: z.string().trim().min(3).max(200),
    description: z.string().trim().max(5000).default(''),
    citizen: CitizenInputSchema.default({}),
    /** The service's own intake fields, checked against its published definition. */
    details: z.record(z.string(), z.union([z.string().max(5000), z.number(), z.boolean(), z.null()])).default({}),
    location: CaseLocationSchema.optional(),
  })
  .strict();
export type CaseIntake = z.infer<typeof CaseIntakeSchema>;

export const ResolveCommandSchema = z
  .object({
    outcome: OutcomeSchema,
    note: z.string().trim().max(2000).optional(),
  })
  .strict();
export type ResolveCommand = z.infer<typeof ResolveCommandSchema>;

/** A citizen's solicitation ("sollecito"), relayed by an operator or an app. */
export const SolicitationSchema = z.object({ channel: ChannelSchema }).strict();
/** A citizen's complaint ("reclamo") about how their case is handled. */
export const ComplaintSchema = z.object({ channel: ChannelSchema, text: z.string().trim().min(3).max(5000) }).strict();
/** Information the office asked the citizen for. */
export const CitizenInformationSchema = z.object({ channel: ChannelSchema, text: z.string().trim().min(1).max(5000) }).strict();
/** The citizen's answers to the satisfaction survey, by question key. */
export const SurveyAnswerSchema = z
  .object({
    answers: z.record(z.string().regex(/^[a-z][a-zA-Z0-9]{0,39}$/), z.union([z.string().max(2000), z.number(), z.boolean()])),
  })
  .strict();

export const TransferCommandSchema = z
  .object({
    note: z.string().trim().max(2000).optional(),
    /** The call is handed to the office now: only for services transferred live, while the office is open. */
    live: z.literal(true).optional(),
  })
  .strict();
export type TransferCommand = z.infer<typeof TransferCommandSchema>;

/** A staff note on the case's timeline. */
export const NoteCommandSchema = z.object({ text: z.string().trim().min(1).max(5000) }).strict();
/** The citizen withdraws the request (relayed by an operator). */
export const WithdrawCommandSchema = z.object({ note: z.string().trim().max(2000).optional() }).strict();
/** A call to the citizen at an instant of the service's callback window. */
export const ScheduleCallbackCommandSchema = z
  .object({
    at: z.iso.datetime({ offset: true }),
    note: z.string().trim().max(2000).optional(),
  })
  .strict();

/** Case ids read like the city's protocol numbers: C-<year>-<6-digit counter>. */
const issuedCaseId = String.raw`C-\d{4}-\d{6,}`;
/** The traffic simulator's cases (scripts/traffic/model.ts): SIM-<municipality>-<first day>s<seed>-<base-36 counter>. */
const simulatedCaseId = String.raw`SIM-[a-z0-9-]{2,40}-\d{8}s\d+-[0-9a-z]+`;
/** Every case id a list can return, so that each can be opened. */
export const caseIdPattern = new RegExp(`^(?:${issuedCaseId}|${simulatedCaseId})$`);
/** A task is its case's n-th: `<case id>:<n>`. */
export const taskIdPattern = new RegExp(`^(?:${issuedCaseId}|${simulatedCaseId}):\\d+$`);
export function formatCaseId(year: number, n: number): string {
  return `C-${year}-${String(n).padStart(6, '0')}`;
}
