import { z } from 'zod';

/**
 * Business calendars: when an office (or a phone line) is open, in Europe/Rome local time, with
 * Italy's national holidays and the city's own. Pure and deterministic — no Intl, no clock — so the
 * case workflow can compute SLA deadlines during replay exactly as it did the first time.
 * Instants are epoch milliseconds.
 */

const hhmm = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const minutesOf = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));

/** An opening interval of one day, local wall-clock time: "08:30-12:30"; "24:00" closes at midnight. */
export const OpeningIntervalSchema = z
  .string()
  .regex(/^\d{2}:\d{2}-\d{2}:\d{2}$/, { message: 'an interval such as "08:30-12:30"', abort: true })
  .refine((s) => s.split('-').every((t) => hhmm.test(t)), { message: 'times go from 00:00 to 24:00', abort: true })
  .refine((s) => {
    const [a, b] = s.split('-') as [string, string];
    return minutesOf(b) > minutesOf(a);
  }, 'the interval must end after it starts');

const DaySchema = z
  .array(OpeningIntervalSchema)
  .default([])
  .superRefine((intervals, ctx) => {
    for (let i = 1; i < intervals.length; i++) {
      const previousEnd = minutesOf(intervals[i - 1]!.split('-')[1]!);
      if (minutesOf(intervals[i]!.split('-')[0]!) < previousEnd) {
        ctx.addIssue({ code: 'custom', path: [i], message: 'intervals must be in order and not overlap the one before' });
      }
    }
  });

export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof weekdays)[number];

export const CalendarSchema = z
  .object({
    timeZone: z.literal('Europe/Rome').default('Europe/Rome'),
    weekly: z.object(Object.fromEntries(weekdays.map((d) => [d, DaySchema])) as Record<Weekday, typeof DaySchema>).strict(),
    /** The city's own holidays, every year: "12-07" (Milan, Sant'Ambrogio), "06-24" (Florence, San Giovanni). */
    localHolidays: z.array(z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'a day as "MM-DD"')).default([]),
    /** One-off closures: "2026-12-24". */
    closures: z.array(z.iso.date()).default([]),
    /** False for lines open on holidays too (a 24/7 contact centre): national and local holidays then do not close it. */
    observeHolidays: z.boolean().default(true),
  })
  .strict();
export type Calendar = z.infer<typeof CalendarSchema>;
export type CalendarInput = z.input<typeof CalendarSchema>;

const minute = 60_000;
const hour = 60 * minute;

// --- Europe/Rome time -------------------------------------------------------------------------

/** The one time zone of calendars, KPIs and every local date the platform shows. */
export const romeTimeZone = 'Europe/Rome';

/** Day of month of the last Sunday of a month (0-based month), by the proleptic Gregorian calendar. */
function lastSunday(year: number, month: number): number {
  const last = new Date(Date.UTC(year, month + 1, 0));
  return last.getUTCDate() - last.getUTCDay();
}

/**
 * UTC offset of Europe/Rome in minutes: CET (+60), or CEST (+120) from the last Sunday of March to
 * the last Sunday of October, switching at 01:00 UTC (the EU rule, in force since 1996).
 */
export function romeOffsetMinutes(instant: number): number {
  const year = new Date(instant).getUTCFullYear();
  const summerStarts = Date.UTC(year, 2, lastSunday(year, 2), 1);
  const summerEnds = Date.UTC(year, 9, lastSunday(year, 9), 1);
  return instant >= summerStarts && instant < summerEnds ? 120 : 60;
}

/** A local date; months are 1-based. */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

export function localDateOf(instant: number): LocalDate {
  const local = new Date(instant + romeOffsetMinutes(instant) * minute);
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate() };
}

/**
 * The instant of a local wall-clock time. A time skipped by the spring switch maps an hour later;
 * one repeated in autumn maps to its second occurrence.
 */
export function instantOf(date: LocalDate, minutesOfDay: number): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day) + minutesOfDay * minute;
  const first = wall - romeOffsetMinutes(wall - hour) * minute;
  const offset = romeOffsetMinutes(first);
  return wall - offset * minute;
}

const addDays = (d: LocalDate, n: number): LocalDate => {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + n));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
};
const pad = (n: number) => String(n).padStart(2, '0');
export const isoDate = (d: LocalDate) => `${d.year}-${pad(d.month)}-${pad(d.day)}`;

/** The local (Europe/Rome) day of an instant, as "YYYY-MM-DD". */
export const localDayOf = (instant: number) => isoDate(localDateOf(instant));

// --- Holidays ---------------------------------------------------------------------------------

/** Easter Sunday of a Gregorian year (the anonymous Gregorian computus). */
export function easterSunday(year: number): LocalDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  return { year, month, day: ((h + l - 7 * m + 114) % 31) + 1 };
}

/** Italy's national holidays of a year, as "YYYY-MM-DD". */
export function nationalHolidays(year: number): string[] {
  const easter = easterSunday(year);
  const fixed = ['01-01', '01-06', '04-25', '05-01', '06-02', '08-15', '11-01', '12-08', '12-25', '12-26'];
  // San Francesco d'Assisi is a national holiday again from 2026 (L. 151/2025).
  if (year >= 2026) fixed.push('10-04');
  return [...fixed.map((md) => `${year}-${md}`), isoDate(easter), isoDate(addDays(easter, 1))].sort();
}

// --- Opening hours ----------------------------------------------------------------------------

const holidayCache = new Map<number, Set<string>>();
function isHoliday(cal: Calendar, date: LocalDate): boolean {
  if (!cal.observeHolidays) return cal.closures.includes(isoDate(date));
  let national = holidayCache.get(date.year);
  if (!national) holidayCache.set(date.year, (national = new Set(nationalHolidays(date.year))));
  const iso = isoDate(date);
  return national.has(iso) || cal.localHolidays.includes(iso.slice(5)) || cal.closures.includes(iso);
}

/** The open intervals of one local day as [start, end) instants. */
function openIntervals(cal: Calendar, date: LocalDate): [number, number][] {
  if (isHoliday(cal, date)) return [];
  const weekday = weekdays[(new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() + 6) % 7]!;
  return cal.weekly[weekday].map((interval) => {
    const [from, to] = interval.split('-') as [string, string];
    return [instantOf(date, minutesOf(from)), instantOf(date, minutesOf(to))];
  });
}

// A calendar with no opening in a whole year cannot place a deadline.
const searchLimitDays = 366;

/** The open intervals that end after `from`, day by day, until the day that starts at or after `until`. */
function* intervalsFrom(cal: Calendar, from: number, until = Infinity): Generator<[number, number]> {
  let date = localDateOf(from);
  let idle = 0;
  while (instantOf(date, 0) < until) {
    const intervals = openIntervals(cal, date).filter(([, end]) => end > from);
    idle = intervals.length > 0 ? 0 : idle + 1;
    if (until === Infinity && idle > searchLimitDays) throw new Error('the calendar has no opening hours within a year');
    yield* intervals;
    date = addDays(date, 1);
  }
}

export function isOpen(cal: Calendar, instant: number): boolean {
  return openIntervals(cal, localDateOf(instant)).some(([s, e]) => instant >= s && instant < e);
}

/** The earliest open instant at or after `instant`. */
export function nextOpen(cal: Calendar, instant: number): number {
  for (const [start] of intervalsFrom(cal, instant)) return Math.max(start, instant);
  throw new Error('unreachable');
}

/**
 * The earliest instant by which `durationMs` of opening time has passed since `instant`. A
 * deadline that uses up an interval exactly falls on its closing time (e.g. Friday 17:00).
 */
export function addBusinessTime(cal: Calendar, instant: number, durationMs: number): number {
  if (durationMs < 0) throw new RangeError('a business duration cannot be negative');
  if (durationMs === 0) return instant;
  let remaining = durationMs;
  for (const [start, end] of intervalsFrom(cal, instant)) {
    const from = Math.max(start, instant);
    if (end - from >= remaining) return from + remaining;
    remaining -= end - from;
  }
  throw new Error('unreachable');
}

/** Opening time in [from, to), in milliseconds; 0 when `to` is not after `from`. */
export function businessTimeBetween(cal: Calendar, from: number, to: number): number {
  if (to <= from) return 0;
  let total = 0;
  for (const [start, end] of intervalsFrom(cal, from, to)) {
    if (start >= to) break;
    total += Math.min(end, to) - Math.max(start, from);
  }
  return total;
}
