import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addBusinessTime,
  businessTimeBetween,
  CalendarSchema,
  easterSunday,
  isOpen,
  nationalHolidays,
  nextOpen,
  romeOffsetMinutes,
} from '../../domain/calendar.ts';

const hour = 3_600_000;
const minute = 60_000;
const at = (iso: string) => Date.parse(iso);
const iso = (t: number) => new Date(t).toISOString();

// A Milan back office: mornings and afternoons on weekdays, Sant'Ambrogio off.
const milanOffice = CalendarSchema.parse({
  weekly: {
    mon: ['08:30-12:30', '13:30-16:30'],
    tue: ['08:30-12:30', '13:30-16:30'],
    wed: ['08:30-12:30', '13:30-16:30'],
    thu: ['08:30-12:30', '13:30-16:30'],
    fri: ['08:30-12:30'],
  },
  localHolidays: ['12-07'],
});
// Florence's office, 9 to 17 on weekdays, San Giovanni off.
const florenceOffice = CalendarSchema.parse({
  weekly: { mon: ['09:00-17:00'], tue: ['09:00-17:00'], wed: ['09:00-17:00'], thu: ['09:00-17:00'], fri: ['09:00-17:00'] },
  localHolidays: ['06-24'],
});
// A phone line open round the clock, holidays included — only the DST switches change a day's length.
const allDay = ['00:00-24:00'];
const alwaysOpen = CalendarSchema.parse({
  weekly: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay },
  observeHolidays: false,
});

describe('Europe/Rome time', () => {
  it('agrees with the time-zone database on the UTC offset, 2000-2037', () => {
    const format = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Rome', timeZoneName: 'longOffset' });
    fc.assert(
      fc.property(fc.integer({ min: at('2000-01-01T00:00:00Z'), max: at('2037-12-31T00:00:00Z') }), (t) => {
        const tz = format.format(new Date(t)).match(/GMT([+-]\d{2}):(\d{2})/)!;
        expect(romeOffsetMinutes(t)).toBe(Number(tz[1]) * 60 + Math.sign(Number(tz[1])) * Number(tz[2]));
      }),
      { numRuns: 2000 },
    );
  });

  it('switches at 01:00 UTC on the last Sundays of March and October', () => {
    expect(romeOffsetMinutes(at('2026-03-29T00:59:59Z'))).toBe(60);
    expect(romeOffsetMinutes(at('2026-03-29T01:00:00Z'))).toBe(120);
    expect(romeOffsetMinutes(at('2026-10-25T00:59:59Z'))).toBe(120);
    expect(romeOffsetMinutes(at('2026-10-25T01:00:00Z'))).toBe(60);
  });
});

describe('holidays', () => {
  it.each([
    [2024, 3, 31],
    [2025, 4, 20],
    [2026, 4, 5],
    [2027, 3, 28],
    [2038, 4, 25],
    [2285, 3, 22],
  ])('Easter %i is %i/%i', (year, month, day) => {
    expect(easterSunday(year)).toEqual({ year, month, day });
  });

  it('lists the national holidays, Easter Monday and (from 2026) San Francesco included', () => {
    expect(nationalHolidays(2026)).toEqual([
      '2026-01-01',
      '2026-01-06',
      '2026-04-05',
      '2026-04-06',
      '2026-04-25',
      '2026-05-01',
      '2026-06-02',
      '2026-08-15',
      '2026-10-04',
      '2026-11-01',
      '2026-12-08',
      '2026-12-25',
      '2026-12-26',
    ]);
    expect(nationalHolidays(2025)).not.toContain('2025-10-04');
  });
});

describe('business time, by example', () => {
  it.each([
    // [why, calendar, start (UTC), business duration, expected deadline (UTC)]
    ['Friday 16:00 + 2h → Monday 10:00 (CET)', florenceOffice, '2026-11-20T15:00:00Z', 2 * hour, '2026-11-23T09:00:00Z'],
    ['a deadline can fall on closing time', florenceOffice, '2026-11-20T15:00:00Z', 1 * hour, '2026-11-20T16:00:00Z'],
    ['from a Saturday, the clock starts on Monday', florenceOffice, '2026-11-21T10:00:00Z', 30 * minute, '2026-11-23T08:30:00Z'],
    ['across the spring switch: Monday 10:00 is 08:00 UTC', florenceOffice, '2026-03-27T15:00:00Z', 2 * hour, '2026-03-30T08:00:00Z'],
    [
      'across the autumn switch: Friday 16:00 CEST → Monday 10:00 CET',
      florenceOffice,
      '2026-10-23T14:00:00Z',
      2 * hour,
      '2026-10-26T09:00:00Z',
    ],
    ['Easter Monday is closed', florenceOffice, '2026-04-03T14:00:00Z', 2 * hour, '2026-04-07T08:00:00Z'],
    ['San Giovanni (24 June) is closed in Florence', florenceOffice, '2026-06-23T14:00:00Z', 2 * hour, '2026-06-25T08:00:00Z'],
    [
      "Friday 11:00 + 2h: 1h30 on Friday; Sant'Ambrogio and the Immacolata closed; Wednesday 09:00",
      milanOffice,
      '2026-12-04T10:00:00Z',
      2 * hour,
      '2026-12-09T08:00:00Z',
    ],
    ['Monday 12:00 + 1h: the lunch break does not count, 14:00', milanOffice, '2026-11-23T11:00:00Z', 1 * hour, '2026-11-23T13:00:00Z'],
  ] as const)('%s', (_why, cal, start, duration, expected) => {
    const deadline = addBusinessTime(cal, at(start), duration);
    expect(iso(deadline)).toBe(new Date(expected).toISOString());
    expect(businessTimeBetween(cal, at(start), deadline)).toBe(duration);
  });

  it('counts 23 and 25 hours on the days the clocks change', () => {
    expect(businessTimeBetween(alwaysOpen, at('2026-03-28T11:00:00Z'), at('2026-03-29T10:00:00Z'))).toBe(23 * hour);
    expect(businessTimeBetween(alwaysOpen, at('2026-10-24T10:00:00Z'), at('2026-10-25T11:00:00Z'))).toBe(25 * hour);
  });

  it('keeps a 24/7 line open on holidays, and an office closed', () => {
    const christmasNoon = at('2026-12-25T11:00:00Z');
    expect(isOpen(alwaysOpen, christmasNoon)).toBe(true);
    expect(isOpen(florenceOffice, christmasNoon)).toBe(false);
  });

  it('finds the next opening', () => {
    expect(iso(nextOpen(milanOffice, at('2026-11-27T12:00:00Z')))).toBe('2026-11-30T07:30:00.000Z'); // Friday 13:00 → Monday 08:30
    expect(iso(nextOpen(milanOffice, at('2026-11-30T09:00:00Z')))).toBe('2026-11-30T09:00:00.000Z'); // already open
    expect(isOpen(milanOffice, at('2026-11-30T11:45:00Z'))).toBe(false); // 12:45, lunch
  });

  it('refuses a calendar that never opens', () => {
    const closed = CalendarSchema.parse({ weekly: {} });
    expect(() => nextOpen(closed, at('2026-01-01T00:00:00Z'))).toThrow(/no opening hours within a year/);
    expect(businessTimeBetween(closed, at('2026-01-01T00:00:00Z'), at('2026-02-01T00:00:00Z'))).toBe(0);
  });
});

describe('business time, by property', () => {
  const calendars = fc.constantFrom(milanOffice, florenceOffice, alwaysOpen);
  const instant = fc.integer({ min: at('2025-01-01T00:00:00Z'), max: at('2028-12-31T00:00:00Z') });
  const duration = fc.integer({ min: 0, max: 400 * hour });
  const options = { numRuns: 300 };

  it('never lands in a closed period: a deadline is open time or a closing time', () => {
    fc.assert(
      fc.property(calendars, instant, fc.integer({ min: 1, max: 400 * hour }), (cal, t, d) => {
        const r = addBusinessTime(cal, t, d);
        expect(isOpen(cal, r) || isOpen(cal, r - 1)).toBe(true);
      }),
      options,
    );
  });

  it('is monotonic in the duration and in the start', () => {
    fc.assert(
      fc.property(calendars, instant, duration, duration, (cal, t, a, b) => {
        const [short, long] = a <= b ? [a, b] : [b, a];
        expect(addBusinessTime(cal, t, short)).toBeLessThanOrEqual(addBusinessTime(cal, t, long));
        expect(addBusinessTime(cal, t, a)).toBeLessThanOrEqual(addBusinessTime(cal, t + long - short, a));
      }),
      options,
    );
  });

  it('is additive: adding a then b is adding a + b, and time between splits at any point', () => {
    fc.assert(
      fc.property(calendars, instant, duration, duration, (cal, t, a, b) => {
        expect(addBusinessTime(cal, addBusinessTime(cal, t, a), b)).toBe(addBusinessTime(cal, t, a + b));
        const [m, e] = [t + a, t + a + b];
        expect(businessTimeBetween(cal, t, e)).toBe(businessTimeBetween(cal, t, m) + businessTimeBetween(cal, m, e));
      }),
      options,
    );
  });

  it('measures back what it adds, and the next opening is open', () => {
    fc.assert(
      fc.property(calendars, instant, duration, (cal, t, d) => {
        expect(businessTimeBetween(cal, t, addBusinessTime(cal, t, d))).toBe(d);
        const open = nextOpen(cal, t);
        expect(open).toBeGreaterThanOrEqual(t);
        expect(isOpen(cal, open)).toBe(true);
        expect(businessTimeBetween(cal, t, open)).toBe(0);
      }),
      options,
    );
  });
});

describe('calendar validation', () => {
  it('names the exact path and reason', () => {
    const result = CalendarSchema.safeParse({
      weekly: { mon: ['08:30-12:30', '12:00-16:00'], tue: ['9-17'], wed: ['17:00-09:00'], fri: ['08:00-25:00'] },
      localHolidays: ['12-32'],
    });
    expect(result.success).toBe(false);
    const issues = result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).sort();
    expect(issues).toEqual([
      'localHolidays.0: a day as "MM-DD"',
      'weekly.fri.0: times go from 00:00 to 24:00',
      'weekly.mon.1: intervals must be in order and not overlap the one before',
      'weekly.tue.0: an interval such as "08:30-12:30"',
      'weekly.wed.0: the interval must end after it starts',
    ]);
  });
});
