import { romeOffsetMinutes } from '../calendar.ts';

/**
 * Contacts per hour for the weeks ahead, by a seasonal mean with a weekly trend:
 *
 * 1. Each hour of the history is a slot: its weekday and hour in Europe/Rome (a Monday 10:00–11:00
 *    is one slot whatever the date), 168 slots a week.
 * 2. The history is the last K = `historyWeeks` whole weeks before the forecast starts, weeks
 *    i = 0 … K−1 (hours without contacts count as 0).
 * 3. The trend is the geometric weekly growth from the first to the last week of the history,
 *    g = (total of week K−1 ÷ total of week 0)^(1 ÷ (K − 1)), held within [0.8, 1.25] so one odd
 *    week cannot run away; g = 1 when either total is 0 or K = 1.
 * 4. A slot's level is the mean of its K values with the trend taken out, as of week 0:
 *    level = (1 ÷ K) · Σᵢ countᵢ ÷ gⁱ.
 * 5. An hour of the j-th week ahead (j = 0 for the first) is forecast as level · g^(K + j).
 *    So a history that repeats every week is forecast unchanged, and one growing by g a week
 *    goes on growing by g.
 *
 * Daylight saving: the autumn's repeated hour is one more hour of its slot, the spring's skipped
 * hour is simply absent, as they are in the history.
 */

const hourMs = 3_600_000;
const weekMs = 7 * 24 * hourMs;
export const trendLimits = { min: 0.8, max: 1.25 } as const;

/** Weekday (0 = Monday) × 24 + hour, in Europe/Rome. */
export function slotOf(instant: number): number {
  const local = new Date(instant + romeOffsetMinutes(instant) * 60_000);
  return ((local.getUTCDay() + 6) % 7) * 24 + local.getUTCHours();
}

export interface HourCount {
  /** The hour's first instant (ms since the epoch, on an hour boundary). */
  at: number;
  count: number;
}

export interface ForecastInput {
  history: readonly HourCount[];
  /** The first hour forecast (on an hour boundary); the history used is the weeks just before it. */
  from: number;
  weeks: number;
  historyWeeks: number;
}

export interface Forecast {
  /** Weekly growth factor applied. */
  trendPerWeek: number;
  hours: HourCount[];
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

export function forecastHourly({ history, from, weeks, historyWeeks }: ForecastInput): Forecast {
  const start = from - historyWeeks * weekMs;
  const used = history.filter(({ at }) => at >= start && at < from);
  const weekOf = (at: number) => Math.floor((at - start) / weekMs);
  const weekTotals = new Array<number>(historyWeeks).fill(0);
  for (const { at, count } of used) weekTotals[weekOf(at)]! += count;
  const first = weekTotals[0]!;
  const last = weekTotals[historyWeeks - 1]!;
  const trendPerWeek =
    historyWeeks > 1 && first > 0 && last > 0 ? clamp((last / first) ** (1 / (historyWeeks - 1)), trendLimits.min, trendLimits.max) : 1;
  const levels = new Array<number>(168).fill(0);
  for (const { at, count } of used) levels[slotOf(at)]! += count / trendPerWeek ** weekOf(at) / historyWeeks;
  const hours: HourCount[] = [];
  for (let at = from; at < from + weeks * weekMs; at += hourMs) {
    hours.push({ at, count: levels[slotOf(at)]! * trendPerWeek ** (historyWeeks + Math.floor((at - from) / weekMs)) });
  }
  return { trendPerWeek, hours };
}
