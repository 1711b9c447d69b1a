import { z } from 'zod';
import { ChannelSchema } from '../domain/case.ts';
import { romeTimeZone } from '../domain/calendar.ts';

const buckets = ['hour', 'day', 'week', 'month'] as const;
const bucketHours = { hour: 1, day: 24, week: 168, month: 720 } as const;
/** Enough for a year by day or three months by hour; bigger answers are the rollups' job. */
const maxBuckets = 2_300;

const instant = z.iso.datetime({ offset: true });
const id = (max: number) =>
  z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .max(max);

/** What every KPI query is about: whose cases, which ones. */
const KpiScopeSchema = z.object({
  municipalityId: id(40).optional(),
  serviceCode: id(60).optional(),
  officeId: id(60).optional(),
  channel: ChannelSchema.optional(),
});
export type KpiScopeFilter = z.infer<typeof KpiScopeSchema>;

const rangeFields = { bucket: z.enum(buckets).default('day'), from: instant, to: instant };
type RangeFields = { bucket: (typeof buckets)[number]; from: string; to: string };
function checkRange(q: RangeFields, ctx: z.RefinementCtx) {
  const hours = (Date.parse(q.to) - Date.parse(q.from)) / 3_600_000;
  if (!(hours > 0)) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must come after from' });
  else if (hours / bucketHours[q.bucket] > maxBuckets) {
    ctx.addIssue({
      code: 'custom',
      path: ['to'],
      message: `at most ${maxBuckets} buckets of a ${q.bucket}: a shorter range or a longer bucket`,
    });
  }
}

export const CaseKpiQuerySchema = KpiScopeSchema.extend(rangeFields).strict().superRefine(checkRange);
export type CaseKpiQuery = z.infer<typeof CaseKpiQuerySchema>;

const count = z.number().int();
/** A share from 0 to 1; null when there was nothing to divide by. */
const ratio = z.number().nullable();

export const CaseKpiValuesSchema = z.object({
  casesOpened: count,
  casesClosed: count,
  resolvedFirstLevel: count,
  firstContactResolution: ratio,
  /** Open cases at the end of the bucket (of the range, in the totals). */
  backlog: count,
  tasksDone: count,
  tasksOnTime: count,
  slaCompliance: ratio,
  slaBreaches: count,
  solicitations: count,
  complaints: count,
  callbacksAttempted: count,
  callbacksAnswered: count,
  callbackSuccess: ratio,
  surveyAnswers: count,
  satisfied: count,
  csat: ratio,
});
export type CaseKpiValues = z.infer<typeof CaseKpiValuesSchema>;

/** Where the figures were read: the daily or hourly rollups (ranges over a day of whole days or hours), or the raw rows. */
const source = z.enum(['days', 'hours', 'raw']);

const breakdown = z.array(z.object({ key: z.string().nullable(), casesOpened: count }));
export const ageRanges = ['0-2', '3-7', '8-30', '>30'] as const;

export const CaseKpisSchema = z.object({
  bucket: z.enum(buckets),
  timeZone: z.literal(romeTimeZone),
  from: z.string(),
  to: z.string(),
  source,
  /** One point per bucket, its counts clipped to [from, to). */
  series: z.array(CaseKpiValuesSchema.extend({ start: z.string(), end: z.string() })),
  totals: CaseKpiValuesSchema,
  /** Cases opened in the range; `office` null = still at the first level. */
  breakdowns: z.object({ channel: breakdown, service: breakdown, office: breakdown, municipality: breakdown }),
  /** Cases open at the end of the range (or now, if sooner), by age in days. */
  ageing: z.array(z.object({ range: z.enum(ageRanges), cases: count })),
  offices: z.array(z.object({ officeId: z.string(), tasksDone: count, tasksOnTime: count, slaCompliance: ratio, slaBreaches: count })),
});
z.globalRegistry.add(CaseKpisSchema, { id: 'CaseKpis' });
export type CaseKpis = z.infer<typeof CaseKpisSchema>;

const int = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

/** Calls of the lines of the municipalities served: which line, which queue. */
const CallScopeSchema = z.object({ municipalityId: id(40).optional(), queue: z.string().min(1).max(60).optional() });
export type CallScopeFilter = z.infer<typeof CallScopeSchema>;

/** The call KPIs' thresholds; the calls list behind a figure takes the same ones. */
export const callThresholdFields = {
  /** Answered within this many seconds of arrival counts as answered on time (the rollups keep 1–120). */
  serviceLevelSeconds: int(1, 120, 20),
  /** A caller hanging up before this many seconds is a short abandon, counted apart (the rollups keep 0–60). */
  shortAbandonSeconds: int(0, 60, 5),
};

export const CallKpiQuerySchema = CallScopeSchema.extend({ ...rangeFields, ...callThresholdFields })
  .strict()
  .superRefine(checkRange);
export type CallKpiQuery = z.infer<typeof CallKpiQuerySchema>;

const seconds = z.number().nullable();
export const CallKpiValuesSchema = z.object({
  callsOffered: count,
  callsAnswered: count,
  callsAbandoned: count,
  shortAbandoned: count,
  callsTransferred: count,
  answeredWithinThreshold: count,
  averageSpeedOfAnswerSeconds: seconds,
  averageTalkSeconds: seconds,
  serviceLevel: ratio,
  abandonmentRate: ratio,
});
export type CallKpiValues = z.infer<typeof CallKpiValuesSchema>;

export const CallKpisSchema = z.object({
  bucket: z.enum(buckets),
  timeZone: z.literal(romeTimeZone),
  from: z.string(),
  to: z.string(),
  source,
  thresholds: z.object({ serviceLevelSeconds: count, shortAbandonSeconds: count }),
  series: z.array(CallKpiValuesSchema.extend({ start: z.string(), end: z.string() })),
  totals: CallKpiValuesSchema,
  /** Calls offered in the range by local weekday (1 = Monday) and hour of arrival; cells without calls are left out. */
  heatMap: z.array(z.object({ weekday: z.number().int().min(1).max(7), hour: z.number().int().min(0).max(23), callsOffered: count })),
});
z.globalRegistry.add(CallKpisSchema, { id: 'CallKpis' });
export type CallKpis = z.infer<typeof CallKpisSchema>;

const num = (min: number, max: number, fallback: number) => z.coerce.number().min(min).max(max).default(fallback);
export const StaffingQuerySchema = KpiScopeSchema.extend({
  /** First hour forecast; default the next whole hour. */
  from: instant.optional(),
  weeks: int(1, 8, 2),
  historyWeeks: int(1, 12, 4),
  /** Average handle time; the default is Milan 020202's mean talk time in 2018 (5 min 58 s). */
  ahtSeconds: num(1, 7_200, 358),
  targetServiceLevel: num(0.01, 0.999, 0.8),
  thresholdSeconds: num(0, 3_600, 20),
  maxOccupancy: num(0.1, 1, 0.85),
  intervalMinutes: z.coerce
    .number()
    .refine((m) => [15, 30, 60].includes(m), 'one of 15, 30, 60')
    .default(60),
}).strict();
export type StaffingQuery = z.infer<typeof StaffingQuerySchema>;

export const StaffingSchema = z.object({
  method: z.string(),
  /** What the forecast learnt from: calls offered on the lines, or cases opened. */
  history: z.object({ from: z.string(), to: z.string(), source: z.enum(['calls', 'cases']), contacts: count }),
  trendPerWeek: z.number(),
  intervals: z.array(
    z.object({
      start: z.string(),
      forecastContacts: z.number(),
      /** What came, for the intervals already over (null for the others). */
      actualContacts: count.nullable(),
      erlangs: z.number(),
      agentsNeeded: count,
      serviceLevel: z.number(),
      asaSeconds: z.number(),
      occupancy: z.number(),
    }),
  ),
});
z.globalRegistry.add(StaffingSchema, { id: 'Staffing' });
export type Staffing = z.infer<typeof StaffingSchema>;

export const KpiDefinitionSchema = z.object({
  id: z.string(),
  family: z.string(),
  unit: z.string(),
  label: z.object({ it: z.string(), en: z.string() }),
  formula: z.string(),
});
z.globalRegistry.add(KpiDefinitionSchema, { id: 'KpiDefinition' });
export type KpiDefinition = z.infer<typeof KpiDefinitionSchema>;

export const reportFormats = ['json', 'csv', 'xlsx', 'pdf'] as const;
export const MonthlyReportQuerySchema = z
  .object({
    month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month such as 2026-11'),
    municipalityId: id(40).optional(),
    /** json (the default), or a file: csv and xlsx (the data), pdf (the report to read). */
    format: z.enum(reportFormats).default('json'),
  })
  .strict();
export type MonthlyReportQuery = z.infer<typeof MonthlyReportQuerySchema>;

const figure = z.number().nullable();
export const MonthlyReportSchema = z.object({
  month: z.string(),
  municipalityId: z.string().nullable(),
  /** The municipality's name, or the municipalities of the report. */
  title: z.string(),
  from: z.string(),
  to: z.string(),
  /** The month's KPIs, the same month a year before and the change (value ÷ last year − 1; null without a base). */
  kpis: z.array(z.object({ id: z.string(), label: z.string(), unit: z.string(), value: figure, lastYear: figure, change: figure })),
  /** Services by cases opened in the month, most first (at most 10). */
  topServices: z.array(z.object({ serviceCode: z.string(), name: z.string().nullable(), casesOpened: count, share: z.number() })),
  /** The twelve months up to this one. */
  trends: z.array(
    z.object({
      month: z.string(),
      callsOffered: count,
      callsAnswered: count,
      abandonmentRate: ratio,
      averageSpeedOfAnswerSeconds: seconds,
      casesOpened: count,
      casesClosed: count,
      csat: ratio,
    }),
  ),
});
z.globalRegistry.add(MonthlyReportSchema, { id: 'MonthlyReport' });
export type MonthlyReport = z.infer<typeof MonthlyReportSchema>;
