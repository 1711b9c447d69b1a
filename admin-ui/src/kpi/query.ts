import { timeZone } from '../common/time.ts';

/** The dashboard's state, all of it in the URL so a view can be bookmarked and shared. */
export const buckets = ['hour', 'day', 'week', 'month'] as const;
export type Bucket = (typeof buckets)[number];
export const scopeKeys = ['municipalityId', 'serviceCode', 'officeId', 'channel'] as const;
export type ScopeKey = (typeof scopeKeys)[number];

export interface KpiFilters {
  /** First and last day shown, both included, as Rome calendar dates (YYYY-MM-DD). */
  from: string;
  to: string;
  bucket: Bucket;
  scope: Partial<Record<ScopeKey, string>>;
}

const day = /^\d{4}-\d{2}-\d{2}$/;

/** Today's date in Rome, moved by `days`. */
export function romeDate(days = 0, now = new Date()): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  return addDays(today, days);
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Rome's UTC offset at a wall-clock moment, as "+01:00" or "+02:00". */
function romeOffset(date: string, hour = 0): string {
  const probe = new Date(`${date}T${String(hour).padStart(2, '0')}:00:00Z`);
  const name =
    new Intl.DateTimeFormat('en-GB', { timeZone, timeZoneName: 'longOffset' }).formatToParts(probe).find((p) => p.type === 'timeZoneName')
      ?.value ?? 'GMT+01:00';
  return name === 'GMT' ? '+00:00' : name.slice(3);
}

/** Midnight at the start of a Rome calendar day, as an instant with its offset (what the API takes). */
export const romeMidnight = (date: string) => `${date}T00:00:00${romeOffset(date)}`;

export function readFilters(params: URLSearchParams): KpiFilters {
  const to = params.get('to') ?? '';
  const from = params.get('from') ?? '';
  const bucket = params.get('bucket') as Bucket;
  const validTo = day.test(to) ? to : romeDate();
  return {
    from: day.test(from) && from <= validTo ? from : addDays(validTo, -29),
    to: validTo,
    bucket: buckets.includes(bucket) ? bucket : 'day',
    scope: Object.fromEntries(scopeKeys.flatMap((k) => (params.get(k) ? [[k, params.get(k)!]] : []))),
  };
}

/** The URL's search parameters with one filter changed (an empty value removes it). */
export function withParam(params: URLSearchParams, key: string, value: string): URLSearchParams {
  const next = new URLSearchParams(params);
  if (value) next.set(key, value);
  else next.delete(key);
  return next;
}

/** The range as the API takes it: `to` is the midnight after the last day. */
export const rangeOf = (f: KpiFilters) => ({ from: romeMidnight(f.from), to: romeMidnight(addDays(f.to, 1)) });

export function apiQuery(values: Record<string, string | number | undefined>): string {
  return new URLSearchParams(Object.entries(values).flatMap(([k, v]) => (v === undefined || v === '' ? [] : [[k, String(v)]]))).toString();
}

export const caseKpiQuery = (f: KpiFilters) => apiQuery({ bucket: f.bucket, ...rangeOf(f), ...f.scope });

/** A list filtered to the records behind a figure (react-admin's `?filter=` of the list); 0 is a value, '' none. */
const listLink = (resource: 'cases' | 'calls') => (filter: Record<string, string | number | undefined>) =>
  `/${resource}?filter=${encodeURIComponent(JSON.stringify(Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined && v !== ''))))}`;
export const casesLink = listLink('cases');
/** The calls list behind a call figure: `GET /api/calls` counts them with the KPI's own predicates. */
export const callsLink = listLink('calls');

/** Cases opened in a range, within the dashboard's scope. */
export const openedIn = (f: KpiFilters, from: string, to: string) => casesLink({ ...f.scope, createdFrom: from, createdTo: to });
