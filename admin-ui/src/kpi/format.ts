import { timeZone } from '../common/time.ts';
import type { Bucket } from './query.ts';

const tag = (locale: string) => (locale === 'en' ? 'en-GB' : 'it-IT');

/** A figure as read aloud: counts whole, ratios as percentages, seconds as minutes and seconds; "—" when there was nothing to divide by. */
export function formatValue(value: number | null | undefined, unit: string | undefined, locale: string): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  if (unit === 'ratio') return new Intl.NumberFormat(tag(locale), { style: 'percent', maximumFractionDigits: 1 }).format(value);
  if (unit === 'seconds') {
    const s = Math.round(value);
    return s >= 60 ? `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s` : `${s}s`;
  }
  return new Intl.NumberFormat(tag(locale), { maximumFractionDigits: 1 }).format(value);
}

const bucketFormat: Record<Bucket, Intl.DateTimeFormatOptions> = {
  hour: { day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit' },
  day: { day: '2-digit', month: '2-digit', year: '2-digit' },
  week: { day: '2-digit', month: '2-digit', year: '2-digit' },
  month: { month: 'short', year: 'numeric' },
};

/** A bucket's start in Rome, as precise as the bucket. */
export const formatBucket = (iso: string, bucket: Bucket, locale: string) =>
  new Intl.DateTimeFormat(tag(locale), { timeZone, ...bucketFormat[bucket] }).format(new Date(iso));

export const formatDay = (date: string, locale: string) =>
  new Intl.DateTimeFormat(tag(locale), { timeZone: 'UTC', weekday: 'short', day: '2-digit', month: '2-digit', year: 'numeric' }).format(
    new Date(`${date}T12:00:00Z`),
  );
