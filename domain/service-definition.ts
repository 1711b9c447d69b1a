import { z } from 'zod';
import { fiscalCodePattern, outcomes } from './case.ts';
import { weekdays } from './calendar.ts';

/**
 * A service definition: how one kind of citizen request is handled, written by a process designer
 * as data and interpreted by the case workflow. Versioned: a case runs to its end on the version it
 * started with. Every rule that spans fields reports the exact path it is about.
 */

const slug = (what: string) => z.string().regex(/^[a-z0-9][a-z0-9-]{1,59}$/, `${what}: lower-case letters, digits and dashes`);
const businessHours = z
  .number()
  .positive()
  .max(24 * 365);
const hhmm = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$/, 'a time such as "09:00"');

export const fieldTypes = ['text', 'textarea', 'number', 'date', 'email', 'phone', 'fiscal-code', 'select', 'boolean'] as const;

export const IntakeFieldSchema = z
  .object({
    key: z.string().regex(/^[a-z][a-zA-Z0-9]{0,39}$/, 'a field key in camelCase, such as "taxYear"'),
    label: z.string().trim().min(1).max(120),
    type: z.enum(fieldTypes),
    required: z.boolean().default(false),
    /** For text fields: a regular expression the whole value must match. */
    pattern: z.string().max(300).optional(),
    maxLength: z.number().int().positive().max(5000).optional(),
    options: z
      .array(z.object({ value: z.string().min(1).max(60), label: z.string().min(1).max(120) }))
      .min(1)
      .optional(),
    help: z.string().max(500).optional(),
  })
  .strict()
  .superRefine((f, ctx) => {
    if (f.type === 'select' && !f.options) ctx.addIssue({ code: 'custom', path: ['options'], message: 'a select field needs its options' });
    if (f.type !== 'select' && f.options) ctx.addIssue({ code: 'custom', path: ['options'], message: 'only a select field has options' });
    if (f.pattern !== undefined) {
      if (!['text', 'textarea'].includes(f.type))
        ctx.addIssue({ code: 'custom', path: ['pattern'], message: 'only text fields take a pattern' });
      try {
        new RegExp(f.pattern);
      } catch {
        ctx.addIssue({ code: 'custom', path: ['pattern'], message: 'not a valid regular expression' });
      }
    }
  });
export type IntakeField = z.infer<typeof IntakeFieldSchema>;

const BreachActionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('escalate-to-supervisors') }).strict(),
  z.object({ type: z.literal('transfer-to-third-level'), office: slug('office') }).strict(),
]);

const StageSlaSchema = z
  .object({
    /** Business hours of the office's calendar until the stage is due. */
    targetHours: businessHours,
    /** When the office is warned, in business hours from the stage's start; before the target. */
    warningHours: businessHours,
    onBreach: BreachActionSchema,
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.warningHours >= s.targetHours)
      ctx.addIssue({ code: 'custom', path: ['warningHours'], message: `must come before the target (${s.targetHours} business hours)` });
  });

export const ServiceDefinitionSchema = z
  .object({
    schemaVersion: z.literal(1),
    service: z
      .object({
        code: slug('service code'),
        name: z.string().trim().min(3).max(120),
        description: z.string().max(2000).default(''),
      })
      .strict(),
    intake: z
      .object({
        fields: z
          .array(IntakeFieldSchema)
          .max(40)
          .superRefine((fields, ctx) => {
            const seen = new Map<string, number>();
            fields.forEach((f, i) => {
              if (seen.has(f.key))
                ctx.addIssue({ code: 'custom', path: [i, 'key'], message: `"${f.key}" is already field ${seen.get(f.key)}` });
              else seen.set(f.key, i);
            });
          }),
      })
      .strict(),
    firstLevel: z
      .object({
        /** Knowledge-base articles the operator answers from. */
        knowledgeArticles: z.array(slug('article')).default([]),
        /** Whether the operator may resolve the case at the first level, without a transfer. */
        operatorMayClose: z.boolean(),
      })
      .strict(),
    transfer: z
      .object({
        /** The competent office in each municipality offering the service. */
        offices: z.record(slug('municipality'), slug('office')).refine((o) => Object.keys(o).length > 0, 'at least one municipality'),
        /** Live transfer of the call while the office is open, or always a task for the office. */
        mode: z.enum(['live-when-open', 'task-only']),
      })
      .strict(),
    /** Service levels, in business hours of the competent office's calendar. */
    sla: z.object({ office: StageSlaSchema }).strict(),
    reminders: z
      .object({
        /** Reminders to the office, in business hours after the task was opened. */
        officeAfterHours: z.array(businessHours).max(10).default([]),
        /** "We are working on it" messages to the citizen, in business hours after the transfer. */
        citizenAfterHours: z.array(businessHours).max(10).default([]),
      })
      .strict(),
    callback: z
      .object({
        attempts: z.number().int().min(1).max(10),
        spacingMinutes: z
          .number()
          .int()
          .min(1)
          .max(24 * 60),
        /** When the citizen may be called, local time. */
        window: z
          .object({ days: z.array(z.enum(weekdays)).min(1), from: hhmm, to: hhmm })
          .strict()
          .refine((w) => w.to > w.from, { path: ['to'], message: 'the window must end after it starts' }),
        fallback: z.enum(['sms', 'email', 'letter']),
      })
      .strict(),
    resolution: z
      .object({
        outcomes: z.array(z.enum(outcomes)).min(1),
      })
      .strict(),
    survey: z
      .object({
        enabled: z.boolean(),
        channel: z.enum(['sms', 'email']),
        questions: z
          .array(
            z
              .object({
                key: z.string().regex(/^[a-z][a-zA-Z0-9]{0,39}$/),
                text: z.string().trim().min(3).max(300),
                scale: z.enum(['1-5', 'yes-no', 'free-text']),
              })
              .strict(),
          )
          .max(10),
        /** Wall-clock hours the answer is awaited before the survey is closed unanswered. */
        waitHours: z
          .number()
          .positive()
          .max(24 * 60),
      })
      .strict()
      .superRefine((s, ctx) => {
        if (s.enabled && s.questions.length === 0)
          ctx.addIssue({ code: 'custom', path: ['questions'], message: 'an enabled survey needs a question' });
      }),
    /** What anyone may see of this service's cases without an API key (Open311): nothing unless a designer says so. */
    publication: z
      .object({
        /** Cases listed for anyone (a pothole, a broken street lamp) by a summary: service, status, place; never what anyone wrote. */
        open311: z.boolean().default(false),
        /** `rounded`: the street without its house number and coordinates to about 100 m; `exact`: as reported. */
        location: z.enum(['rounded', 'exact']).default('rounded'),
        /** The photos apps send, shown to anyone (they may show people, number plates or homes). */
        photos: z.boolean().default(false),
      })
      .strict()
      .default({ open311: false, location: 'rounded', photos: false })
      .refine((p) => p.open311 || !p.photos, { path: ['photos'], message: 'photos are shown only for a service published on Open311' }),
    /**
     * Months after a case closes until the citizen's data is removed from it (the nightly retention,
     * services/erasure.service.ts); absent or null: kept. The latest published version's applies.
     */
    retentionMonths: z.number().int().min(1).max(1200).nullable().optional(),
  })
  .strict()
  .superRefine((d, ctx) => {
    const latest = Math.max(0, ...d.reminders.officeAfterHours);
    if (latest >= d.sla.office.targetHours) {
      const i = d.reminders.officeAfterHours.indexOf(latest);
      ctx.addIssue({
        code: 'custom',
        path: ['reminders', 'officeAfterHours', i],
        message: 'a reminder must come before the target, which the breach handles',
      });
    }
  });
export type ServiceDefinition = z.infer<typeof ServiceDefinitionSchema>;
export type ServiceDefinitionInput = z.input<typeof ServiceDefinitionSchema>;

/** Validation problems as the API reports them: a dotted path with indexes, and the reason. */
export function definitionIssues(document: unknown): { path: string; message: string }[] {
  const result = ServiceDefinitionSchema.safeParse(document);
  return result.success ? [] : result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

/**
 * Validates a case's intake details against the definition's fields: missing required fields,
 * unknown fields, wrong types and patterns, each at `details.<key>`.
 */
export function detailsIssues(fields: IntakeField[], details: Record<string, unknown>): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  const byKey = new Map(fields.map((f) => [f.key, f]));
  for (const key of Object.keys(details))
    if (!byKey.has(key)) issues.push({ path: `details.${key}`, message: 'not a field of this service' });
  for (const f of fields) {
    const value = details[f.key];
    const path = `details.${f.key}`;
    if (value === undefined || value === null || value === '') {
      if (f.required) issues.push({ path, message: `${f.label} is required` });
      continue;
    }
    const problem = fieldProblem(f, value);
    if (problem) issues.push({ path, message: problem });
  }
  return issues;
}

function fieldProblem(f: IntakeField, value: unknown): string | undefined {
  switch (f.type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'a number';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'true or false';
    case 'select':
      return f.options!.some((o) => o.value === value) ? undefined : `one of ${f.options!.map((o) => o.value).join(', ')}`;
    default:
      break;
  }
  if (typeof value !== 'string') return 'text';
  if (f.maxLength !== undefined && value.length > f.maxLength) return `at most ${f.maxLength} characters`;
  switch (f.type) {
    case 'date':
      return z.iso.date().safeParse(value).success ? undefined : 'a date as YYYY-MM-DD';
    case 'email':
      return z.email().safeParse(value).success ? undefined : 'an e-mail address';
    case 'phone':
      return /^\+?[0-9]{6,15}$/.test(value) ? undefined : 'a phone number';
    case 'fiscal-code':
      return fiscalCodePattern.test(value.toUpperCase()) ? undefined : 'an Italian fiscal code';
    default:
      return f.pattern && !new RegExp(`^(?:${f.pattern})$`).test(value) ? `does not match the expected format` : undefined;
  }
}
