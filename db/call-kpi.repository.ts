import { type RawBuilder, sql } from 'kysely';
import type { CountedCallKpi } from '../domain/kpi/definitions.ts';
import type { HourCount } from '../domain/kpi/forecast.ts';
import { romeTimeZone } from '../domain/calendar.ts';
import { inList, type Scope } from './cases.repository.ts';
import type { Executor } from './database.ts';
import type { Grain } from './kpi-rollups.repository.ts';
import { type KpiRange, localDay } from './kpi.repository.ts';

/**
 * The call KPIs as SQL, from the calls table (one row per contact, at its latest state) or from
 * its rollups kpi_call_hours and kpi_call_days; each produces the same facts per hour (per local
 * day from the daily rollup), which are then put in buckets (Europe/Rome). The README's KPI
 * section gives each formula.
 */

/** Which calls a KPI counts, besides the lines of the caller's municipalities. */
export interface CallScopeFilter {
  municipalityId?: string;
  queue?: string;
}
export interface CallThresholds {
  serviceLevelSeconds: number;
  shortAbandonSeconds: number;
}
export interface CallFacts {
  offered: number;
  answered: number;
  abandoned: number;
  short_abandoned: number;
  transferred: number;
  within: number;
  answer_wait_sum: number;
  talked: number;
  talk_sum: number;
}

function callFilter(scope: Scope, f: CallScopeFilter, queue: string): RawBuilder<boolean> {
  const conditions = [sql`c.municipality_id in (${sql.join(inList(scope))})`];
  if (f.municipalityId) conditions.push(sql`c.municipality_id = ${f.municipalityId}`);
  if (f.queue) conditions.push(sql`${sql.raw(queue)} = ${f.queue}`);
  return sql<boolean>`${sql.join(conditions, sql` and `)}`;
}

/** The calls the KPIs count (`calls c`): inbound, on a line of the scope, not a transfer's leg. */
export const countedCalls = (scope: Scope, f: CallScopeFilter) =>
  sql<boolean>`c.direction = 'inbound' and c.linked_call_id is null and ${callFilter(scope, f, 'c.queue')}`;
const startedIn = (r: { from: Date; to: Date }) => sql<boolean>`c.started_at >= ${r.from} and c.started_at < ${r.to}`;

const abandonedCall = sql<boolean>`c.connected_at is null and c.end_cause = 'abandoned'`;
const waitedUnder = (seconds: number) => sql<boolean>`coalesce(c.wait_seconds, extract(epoch from c.ended_at - c.started_at)) < ${seconds}`;

/**
 * Which of the counted calls each countable KPI counts: the one definition both its figure (from
 * the raw rows) and the list of calls behind it use. An abandon whose wait is unknown is not short.
 */
export function countedBy(kpi: CountedCallKpi, t: CallThresholds): RawBuilder<boolean> {
  switch (kpi) {
    case 'callsOffered':
      return sql<boolean>`true`;
    case 'callsAnswered':
      return sql<boolean>`c.connected_at is not null`;
    case 'callsAbandoned':
      return sql<boolean>`${abandonedCall} and (${waitedUnder(t.shortAbandonSeconds)}) is not true`;
    case 'shortAbandoned':
      return sql<boolean>`${abandonedCall} and ${waitedUnder(t.shortAbandonSeconds)}`;
    case 'callsTransferred':
      return sql<boolean>`c.end_cause = 'transferred'`;
    case 'answeredWithinThreshold':
      return sql<boolean>`extract(epoch from c.connected_at - c.started_at) <= ${t.serviceLevelSeconds}`;
  }
}

/** A local (Europe/Rome) part of an instant: `isodow` (1 = Monday) or `hour`, as the heat map cuts them. */
export const localPart = (part: 'isodow' | 'hour', at: string) =>
  sql<number>`extract(${sql.raw(part)} from ${sql.raw(at)} at time zone ${romeTimeZone})::int`;

/** Per UTC hour, from the raw rows. */
function rawHours(scope: Scope, f: CallScopeFilter, r: KpiRange, t: CallThresholds) {
  const n = (kpi: CountedCallKpi) => sql`count(*) filter (where ${countedBy(kpi, t)})::int`;
  return sql`
    select date_trunc('hour', c.started_at, 'UTC') as hour, ${n('callsOffered')} as offered, ${n('callsAnswered')} as answered,
           count(*) filter (where ${abandonedCall})::int as abandoned, ${n('shortAbandoned')} as short_abandoned,
           ${n('callsTransferred')} as transferred, ${n('answeredWithinThreshold')} as within,
           coalesce(sum(extract(epoch from c.connected_at - c.started_at)), 0) as answer_wait_sum,
           count(c.ended_at - c.connected_at)::int as talked,
           coalesce(sum(extract(epoch from c.ended_at - c.connected_at)), 0) as talk_sum
    from calls c
    where ${countedCalls(scope, f)} and ${startedIn(r)}
    group by 1`;
}

/**
 * Per UTC hour (per local day: `hour` is then its local midnight), from a rollup; a threshold is
 * one subscript of the cumulative counts.
 */
function rollupHours(scope: Scope, f: CallScopeFilter, r: KpiRange, t: CallThresholds, grain: 'hours' | 'days') {
  // Days are compared as dates and made instants once summed: a time-zone conversion per row would be most of the cost.
  const [table, at, within] =
    grain === 'hours'
      ? ['kpi_call_hours', sql`c.hour`, sql`c.hour >= ${r.from} and c.hour < ${r.to}`]
      : [
          'kpi_call_days',
          sql`(c.day::timestamp at time zone ${romeTimeZone})`,
          sql`c.day >= ${localDay(r.from)} and c.day < ${localDay(r.to)}`,
        ];
  return sql`
    select ${at} as hour, sum(c.offered)::int as offered, sum(c.answered)::int as answered, sum(c.abandoned)::int as abandoned,
           coalesce(sum(c.abandoned_under[${t.shortAbandonSeconds}]), 0)::int as short_abandoned,
           sum(c.transferred)::int as transferred, sum(c.answered_within[${t.serviceLevelSeconds}])::int as within,
           sum(c.answer_wait_sum) as answer_wait_sum, sum(c.talked)::int as talked, sum(c.talk_sum) as talk_sum
    from ${sql.table(table)} c
    where ${callFilter(scope, f, 'c.queue')} and ${within}
    group by c.${sql.raw(grain === 'hours' ? 'hour' : 'day')}`;
}

/** The call facts per bucket. */
export async function callFacts(db: Executor, scope: Scope, f: CallScopeFilter, r: KpiRange, t: CallThresholds, grain: Grain) {
  const { rows } = await sql<CallFacts & { bucket: Date }>`
    with hours as (${grain === 'raw' ? rawHours(scope, f, r, t) : rollupHours(scope, f, r, t, grain)})
    select date_trunc(${r.bucket}, hour, ${romeTimeZone}) as bucket,
           sum(offered)::int as offered, sum(answered)::int as answered, sum(abandoned)::int as abandoned,
           sum(short_abandoned)::int as short_abandoned, sum(transferred)::int as transferred, sum(within)::int as within,
           sum(answer_wait_sum)::float8 as answer_wait_sum, sum(talked)::int as talked, sum(talk_sum)::float8 as talk_sum
    from hours group by 1`.execute(db);
  return new Map(rows.map((row) => [row.bucket.getTime(), row]));
}

/** Calls offered by local weekday (1 = Monday) × hour of arrival; the daily rollup keeps them by hour of the day. */
export async function callHeatMap(db: Executor, scope: Scope, f: CallScopeFilter, r: KpiRange, grain: Grain) {
  const local = (at: string) => sql`${localPart('isodow', at)} as weekday, ${localPart('hour', at)} as hour`;
  const source = {
    raw: sql`select ${local('c.started_at')}, 1 as n from calls c where ${countedCalls(scope, f)} and ${startedIn(r)}`,
    hours: sql`select ${local('c.hour')}, c.offered as n from kpi_call_hours c
               where ${callFilter(scope, f, 'c.queue')} and c.hour >= ${r.from} and c.hour < ${r.to}`,
    days: sql`select extract(isodow from c.day)::int as weekday, h.hour - 1 as hour, h.n from kpi_call_days c,
                     unnest(c.offered_by_hour) with ordinality as h(n, hour)
              where ${callFilter(scope, f, 'c.queue')} and c.day >= ${localDay(r.from)} and c.day < ${localDay(r.to)}`,
  }[grain];
  const { rows } = await sql<{ weekday: number; hour: number; callsOffered: number }>`
    select weekday, hour, sum(n)::int as "callsOffered" from (${source}) s
    group by 1, 2 having sum(n) > 0 order by 1, 2`.execute(db);
  return rows;
}

/** Calls offered per UTC hour in [from, to) (whole hours), from the rollup: the staffing forecast's history. */
export async function hourlyCalls(db: Executor, scope: Scope, f: CallScopeFilter, from: Date, to: Date): Promise<HourCount[]> {
  const { rows } = await sql<{ at: Date; n: number }>`
    select c.hour as at, sum(c.offered)::int as n from kpi_call_hours c
    where ${callFilter(scope, f, 'c.queue')} and c.hour >= ${from} and c.hour < ${to}
    group by 1 having sum(c.offered) > 0`.execute(db);
  return rows.map((row) => ({ at: row.at.getTime(), count: row.n }));
}

/** Calls offered per interval of `minutes` from `from`: the actual beside the forecast. */
export async function offeredPerInterval(
  db: Executor,
  scope: Scope,
  f: CallScopeFilter,
  from: Date,
  to: Date,
  minutes: number,
): Promise<HourCount[]> {
  const { rows } = await sql<{ at: Date; n: number }>`
    select date_bin(${`${minutes} minutes`}::interval, c.started_at, ${from}) as at, count(*)::int as n
    from calls c
    where ${countedCalls(scope, f)} and ${startedIn({ from, to })}
    group by 1`.execute(db);
  return rows.map((row) => ({ at: row.at.getTime(), count: row.n }));
}
