/** Staff read times in the cities' own zone, whatever the browser's; in the console's language. */
export const timeZone = 'Europe/Rome';

const tag = (locale: string) => (locale === 'en' ? 'en-GB' : 'it-IT');

export function formatDateTime(iso: string | null | undefined, locale: string): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(tag(locale), { timeZone, dateStyle: 'short', timeStyle: 'short' }).format(new Date(iso));
}

/** "in 3 hours" / "2 days ago": the largest whole unit between now and `iso`. */
export function formatRelative(iso: string, locale: string, now = Date.now()): string {
  const minutes = Math.round((new Date(iso).getTime() - now) / 60_000);
  const rtf = new Intl.RelativeTimeFormat(tag(locale), { numeric: 'auto' });
  if (Math.abs(minutes) < 60) return rtf.format(minutes, 'minute');
  if (Math.abs(minutes) < 48 * 60) return rtf.format(Math.round(minutes / 60), 'hour');
  return rtf.format(Math.round(minutes / (24 * 60)), 'day');
}

/** Midnight today in Rome, as an instant: where "today's cases" start. */
export function startOfTodayInRome(now = new Date()): string {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  }).formatToParts(now).map((p) => [p.type, p.value]));
  const wallClockAsUtc = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!, +parts.second!);
  const offset = wallClockAsUtc - Math.floor(now.getTime() / 1000) * 1000;
  return new Date(Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!) - offset).toISOString();
}
