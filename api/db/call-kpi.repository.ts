import { type RawBuilder, sql } from 'kysely';
import type { HourCount } from '../../domain/kpi/forecast.ts';
import { type CallScopeFilter, kpiTimeZone } from '../schemas/kpi.ts';
import { inList, type Scope } from './cases.repository.ts';
import type { Executor } from './database.ts';
import type { KpiRange } from './kpi.repository.ts';

/**
 * The call KPIs as SQL, from the calls table (one row per contact, at its latest state) or from
 * its hourly rollup kpi_call_hours; both produce the same per-hour facts, which are then put in
 * buckets (Europe/Rome) and in the weekday × hour heat map. The README's KPI section gives each formula.
 */

export interface CallThresholds { serviceLevelSeconds: number; shortAbandonSeconds: number }
export interface CallFacts {
  offered: number; answered: number; abandoned: number; short_abandoned: number; transferred: number;
  within: number; answer_wait_sum: number; talked: number; talk_sum: number;
}

function callFilter(scope: Scope, f: CallScopeFilter, queue: string): RawBuilder<boolean> {
  const conditions = [sql`c.municipality_id in (${sql.join(inList(scope))})`];
  if (f.municipalityId) conditions.push(sql`c.municipality_id = ${f.municipalityId}`);
  if (f.queue) conditions.push(sql`${sql.raw(queue)} = ${f.queue}`);
  return sql<boolean>`${sql.join(conditions, sql` and `)}`;
}

/** Per UTC hour, from the raw rows: the calls counted are inbound, on a line, not a transfer's leg. */
function rawHours(scope: Scope, f: CallScopeFilter, r: KpiRange, t: CallThresholds) {
  return sql`
    select date_trunc('hour', c.started_at, 'UTC') as hour, count(*)::int as offered,
           count(c.connected_at)::int as answered,
           count(*) filter (where c.connected_at is null and c.end_cause = 'abandoned')::int as abandoned,
           count(*) filter (where c.connected_at is null and c.end_cause = 'abandoned'
                              and coalesce(c.wait_seconds, extract(epoch from c.ended_at - c.started_at)) < ${t.shortAbandonSeconds})::int as short_abandoned,
           count(*) filter (where c.end_cause = 'transferred')::int as transferred,
           count(*) filter (where extract(epoch from c.connected_at - c.started_at) <= ${t.serviceLevelSeconds})::int as within,
           coalesce(sum(extract(epoch from c.connected_at - c.started_at)), 0) as answer_wait_sum,
           count(c.ended_at - c.connected_at)::int as talked,
           coalesce(sum(extract(epoch from c.ended_at - c.connected_at)), 0) as talk_sum
    from calls c
    where c.direction = 'inbound' and c.linked_call_id is null and ${callFilter(scope, f, 'c.queue')}
      and c.started_at >= ${r.from} and c.started_at < ${r.to}
    group by 1`;
}

/** Per UTC hour, from the rollup (whole hours only); a threshold is one subscript of the cumulative counts. */
function rollupHours(scope: Scope, f: CallScopeFilter, r: KpiRange, t: CallThresholds) {
  return sql`
    select c.hour, sum(c.offered)::int as offered, sum(c.answered)::int as answered, sum(c.abandoned)::int as abandoned,
           coalesce(sum(c.abandoned_under[${t.shortAbandonSeconds}]), 0)::int as short_abandoned,
           sum(c.transferred)::int as transferred, sum(c.answered_within[${t.serviceLevelSeconds}])::int as within,
           sum(c.answer_wait_sum) as answer_wait_sum, sum(c.talked)::int as talked, sum(c.talk_sum) as talk_sum
    from kpi_call_hours c
    where ${callFilter(scope, f, 'c.queue')} and c.hour >= ${r.from} and c.hour < ${r.to}
    group by 1`;
}

const factColumns = sql`sum(offered)::int as offered, sum(answered)::int as answered, sum(abandoned)::int as abandoned,
  sum(short_abandoned)::int as short_abandoned, sum(transferred)::int as transferred, sum(within)::int as within,
  sum(answer_wait_sum)::float8 as answer_wait_sum, sum(talked)::int as talked, sum(talk_sum)::float8 as talk_sum`;

/** The call facts per bucket and per local weekday × hour of arrival. */
export async function callFacts(db: Executor, scope: Scope, f: CallScopeFilter, r: KpiRange, t: CallThresholds, fromRollup: boolean) {
  const { rows } = await sql<CallFacts & { bucket: Date | null; weekday: number | null; hour: number | null; dimension: number }>`
    with hours as (${fromRollup ? rollupHours(scope, f, r, t) : rawHours(scope, f, r, t)}),
    local as (
      select date_trunc(${r.bucket}, hour, ${kpiTimeZone}) as bucket,
             extract(isodow from hour at time zone ${kpiTimeZone})::int as weekday, extract(hour from hour at time zone ${kpiTimeZone})::int as hour,
             offered, answered, abandoned, short_abandoned, transferred, within, answer_wait_sum, talked, talk_sum
      from hours
    )
    select bucket, weekday, hour, grouping(bucket, weekday, hour) as dimension, ${factColumns}
    from local group by grouping sets ((bucket), (weekday, hour))`.execute(db);
  return {
    perBucket: new Map(rows.filter((row) => row.dimension === 0b011).map((row) => [row.bucket!.getTime(), row])),
    heatMap: rows.filter((row) => row.dimension === 0b100 && row.offered > 0)
      .map((row) => ({ weekday: row.weekday!, hour: row.hour!, callsOffered: row.offered }))
      .sort((a, b) => a.weekday - b.weekday || a.hour - b.hour),
  };
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
export async function offeredPerInterval(db: Executor, scope: Scope, f: CallScopeFilter, from: Date, to: Date, minutes: number): Promise<HourCount[]> {
  const { rows } = await sql<{ at: Date; n: number }>`
    select date_bin(${`${minutes} minutes`}::interval, c.started_at, ${from}) as at, count(*)::int as n
    from calls c
    where c.direction = 'inbound' and c.linked_call_id is null and ${callFilter(scope, f, 'c.queue')}
      and c.started_at >= ${from} and c.started_at < ${to}
    group by 1`.execute(db);
  return rows.map((row) => ({ at: row.at.getTime(), count: row.n }));
}
