/** Staff read times in the cities' own zone, whatever the browser's; in the console's language. */
export const timeZone = 'Europe/Rome';

const tag = (locale: string) => (locale === 'en' ? 'en-GB' : 'it-IT');

export function formatDateTime(iso: string | null | undefined, locale: string): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(tag(locale), { timeZone, dateStyle: 'short', timeStyle: 'short' }).format(new Date(iso));
}

/** An ISO weekday's name (1 = Monday) in the console's language: 1 January 2024 was a Monday, so day d of that month is weekday d. */
export const weekdayName = (isoWeekday: number, locale: string, weekday: 'short' | 'long' = 'long') =>
  new Intl.DateTimeFormat(tag(locale), { weekday, timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, isoWeekday)));

/** An hour of the day as a clock shows it ("09:00"). */
export const hourOfDay = (hour: number) => `${String(hour).padStart(2, '0')}:00`;

/** "in 3 hours" / "2 days ago": the largest whole unit between now and `iso`. */
export function formatRelative(iso: string, locale: string, now = Date.now()): string {
  const minutes = Math.round((new Date(iso).getTime() - now) / 60_000);
  const rtf = new Intl.RelativeTimeFormat(tag(locale), { numeric: 'auto' });
  if (Math.abs(minutes) < 60) return rtf.format(minutes, 'minute');
  if (Math.abs(minutes) < 48 * 60) return rtf.format(Math.round(minutes / 60), 'hour');
  return rtf.format(Math.round(minutes / (24 * 60)), 'day');
}

/** The wall clock in Rome at an instant, as its parts. */
function romeParts(at: Date) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return { year: +parts.year!, month: +parts.month!, day: +parts.day!, hour: +parts.hour!, minute: +parts.minute!, second: +parts.second! };
}

/** How far Rome's clock is ahead of UTC at an instant (one or two hours), in milliseconds. */
function romeOffset(at: Date): number {
  const p = romeParts(at);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(at.getTime() / 1000) * 1000;
}

/** A wall-clock time in Rome as an instant; the offset is the one in force at that time (summer or winter). */
function instantOfRome(year: number, month: number, day: number, hour = 0, minute = 0): Date {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  return new Date(asUtc - romeOffset(new Date(asUtc - romeOffset(new Date(asUtc)))));
}

/** Midnight today in Rome, as an instant: where "today's cases" start. */
export function startOfTodayInRome(now = new Date()): string {
  const p = romeParts(now);
  return instantOfRome(p.year, p.month, p.day).toISOString();
}

/** What a date-time input holds ("2026-11-26T10:30"), read as Rome's time, as an ISO instant; undefined when incomplete. */
export function instantOfRomeInput(value: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
  return m ? instantOfRome(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!).toISOString() : undefined;
}

/** An instant as a date-time input shows it, in Rome ("2026-11-26T10:30"). */
export function romeInputOf(iso: string): string {
  const p = romeParts(new Date(iso));
  const two = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${two(p.month)}-${two(p.day)}T${two(p.hour)}:${two(p.minute)}`;
}
