import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forecastHourly, type HourCount, slotOf, trendLimits } from '../../domain/kpi/forecast.ts';

const hour = 3_600_000;
const week = 168 * hour;
// Monday 2 March 2026, 00:00 in Rome (CET, UTC+1): the forecast starts here.
const from = Date.parse('2026-03-01T23:00:00Z');

/** `weeks` weeks of hourly history before `from`, each hour's count given by a function of (week index, slot). */
function history(weeks: number, count: (weekIndex: number, slot: number) => number): HourCount[] {
  const rows: HourCount[] = [];
  for (let at = from - weeks * week; at < from; at += hour)
    rows.push({ at, count: count(Math.floor((at - (from - weeks * week)) / week), slotOf(at)) });
  return rows;
}
// A weekday profile: busy mornings on working days, quiet nights and weekends.
const profile = (slot: number) => (slot < 120 && slot % 24 >= 8 && slot % 24 < 18 ? 40 + (slot % 24) : 3);

describe('hour slots in Europe/Rome', () => {
  it('are weekday × hour of local time, across the switch to summer time', () => {
    expect(slotOf(from)).toBe(0); // Monday 00:00
    expect(slotOf(Date.parse('2026-03-02T09:00:00Z'))).toBe(10); // Monday 10:00 CET
    expect(slotOf(Date.parse('2026-03-30T08:00:00Z'))).toBe(10); // Monday 10:00 CEST
    expect(slotOf(Date.parse('2026-03-29T21:59:59Z'))).toBe(6 * 24 + 23); // Sunday 23:59 CEST, the switch's day
    expect(slotOf(Date.parse('2026-03-29T22:00:00Z'))).toBe(0); // Monday 00:00 CEST
  });
});

describe('forecast of contacts per hour', () => {
  it('repeats a history that is the same every week', () => {
    const f = forecastHourly({ history: history(4, (_, s) => profile(s)), from, weeks: 2, historyWeeks: 4 });
    expect(f.trendPerWeek).toBe(1);
    expect(f.hours).toHaveLength(2 * 168);
    expect(f.hours.slice(0, 24 * 7).map((h) => h.count)).toEqual(Array.from({ length: 168 }, (_, s) => profile(s)));
    expect(f.hours[0]).toEqual({ at: from, count: 3 });
  });

  it("goes on growing by the history's weekly growth", () => {
    // Hand-computed: 10% a week; week 0 has the profile, week 3 profile × 1.331, so g = 1.331^(1/3) = 1.1,
    // and the first week ahead (week 4) is profile × 1.1⁴ = × 1.4641, the second × 1.61051.
    const f = forecastHourly({ history: history(4, (w, s) => profile(s) * 1.1 ** w), from, weeks: 2, historyWeeks: 4 });
    expect(f.trendPerWeek).toBeCloseTo(1.1, 12);
    expect(f.hours[10]!.count).toBeCloseTo(profile(10) * 1.4641, 9); // Monday 10:00 → 50 × 1.4641 = 73.205
    expect(f.hours[168 + 10]!.count).toBeCloseTo(73.205 * 1.1, 9);
  });

  it('averages the weeks of a slot: de-trended values of 10, 20, 30 and 40, the trend held at its cap', () => {
    // Weekly totals grow 4× in 3 weeks (g = 4^(1/3) = 1.587), capped at 1.25. De-trended level
    // (10 + 20/1.25 + 30/1.5625 + 40/1.953125) ÷ 4 = (10 + 16 + 19.2 + 20.48) ÷ 4 = 16.42; × 1.25⁴ = 40.0879.
    const f = forecastHourly({ history: history(4, (w) => 10 * (w + 1)), from, weeks: 1, historyWeeks: 4 });
    expect(f.trendPerWeek).toBe(trendLimits.max);
    expect(f.hours[0]!.count).toBeCloseTo(16.42 * 1.25 ** 4, 9);
  });

  it('counts hours without contacts as zero and ignores rows outside the history window', () => {
    const rows = [
      { at: from - week + 10 * hour, count: 8 }, // last week's Monday 10:00
      { at: from - 5 * week, count: 1_000 }, // before the window
      { at: from + hour, count: 1_000 }, // after it
    ];
    const f = forecastHourly({ history: rows, from, weeks: 1, historyWeeks: 2 });
    // Week 0 has no contacts: no trend. Monday 10:00's level is (0 + 8) ÷ 2 = 4.
    expect(f.trendPerWeek).toBe(1);
    expect(f.hours[10]!.count).toBe(4);
    expect(f.hours.filter((h) => h.count > 0)).toHaveLength(1);
  });

  const counts = fc.array(fc.nat({ max: 200 }), { minLength: 168 * 3, maxLength: 168 * 3 });
  const asHistory = (c: number[]) => c.map((count, i) => ({ at: from - 3 * week + i * hour, count }));

  it('property: never negative, one value per hour ahead, trend within its limits', () => {
    fc.assert(
      fc.property(counts, fc.integer({ min: 1, max: 4 }), (c, weeks) => {
        const f = forecastHourly({ history: asHistory(c), from, weeks, historyWeeks: 3 });
        expect(f.hours).toHaveLength(weeks * 168);
        expect(f.hours.every((h) => h.count >= 0 && Number.isFinite(h.count))).toBe(true);
        expect(f.trendPerWeek).toBeGreaterThanOrEqual(trendLimits.min);
        expect(f.trendPerWeek).toBeLessThanOrEqual(trendLimits.max);
      }),
      { numRuns: 50 },
    );
  });

  it('property: scaling the history scales the forecast', () => {
    fc.assert(
      fc.property(counts, fc.integer({ min: 2, max: 10 }), (c, k) => {
        const a = forecastHourly({ history: asHistory(c), from, weeks: 1, historyWeeks: 3 });
        const b = forecastHourly({ history: asHistory(c.map((n) => n * k)), from, weeks: 1, historyWeeks: 3 });
        b.hours.forEach((h, i) => expect(h.count).toBeCloseTo(a.hours[i]!.count * k, 6));
      }),
      { numRuns: 50 },
    );
  });
});
