import { type RawBuilder, sql } from 'kysely';
import type { HourCount } from '../domain/kpi/forecast.ts';
import { romeTimeZone } from '../domain/calendar.ts';
import type { Channel } from '../domain/case.ts';
import { inList, type Scope } from './cases.repository.ts';
import type { Executor } from './database.ts';
import type { Grain } from './kpi-rollups.repository.ts';

/**
 * The case KPIs as SQL over the read model (cases, tasks, case_events), one query per family.
 * Buckets are `date_trunc(bucket, instant, 'Europe/Rome')`: local days, weeks from Monday and
 * months; every count is limited to [from, to). The README's KPI section gives each formula.
 */

export interface KpiRange {
  from: Date;
  to: Date;
  bucket: 'hour' | 'day' | 'week' | 'month';
}
/** Which cases a KPI counts, besides the caller's municipalities. */
export interface KpiScopeFilter {
  municipalityId?: string;
  serviceCode?: string;
  officeId?: string;
  channel?: Channel;
}
type OfficeColumn = 'c.office_id' | 't.office_id' | "e.data->>'from'";

/**
 * The cases a query counts: the caller's municipalities and the filters. The office filter applies
 * to the column that says which office a fact belongs to (the case's, the task's, the breach's).
 */
function caseFilter(scope: Scope, f: KpiScopeFilter, office: OfficeColumn = 'c.office_id'): RawBuilder<boolean> {
  const conditions = [sql`c.municipality_id in (${sql.join(inList(scope))})`];
  if (f.municipalityId) conditions.push(sql`c.municipality_id = ${f.municipalityId}`);
  if (f.serviceCode) conditions.push(sql`c.service_code = ${f.serviceCode}`);
  if (f.channel) conditions.push(sql`c.channel = ${f.channel}`);
  if (f.officeId) conditions.push(sql`${sql.raw(office)} = ${f.officeId}`);
  return sql<boolean>`${sql.join(conditions, sql` and `)}`;
}

/**
 * A bucket and a range over `column`: an instant, or with the daily rollups (`days`) a local date,
 * truncated and compared as one — a time-zone conversion per row would be most of a year's cost.
 */
export const localDay = (at: Date | RawBuilder<unknown>) => sql`(${at}::timestamptz at time zone ${romeTimeZone})::date`;
const bucketOf = (r: KpiRange, column: string, grain?: Grain) =>
  grain === 'days'
    ? sql`(date_trunc(${r.bucket}, ${sql.raw(column)}::timestamp) at time zone ${romeTimeZone})`
    : sql`date_trunc(${r.bucket}, ${sql.raw(column)}, ${romeTimeZone})`;
const within = (r: KpiRange, column: string, grain?: Grain) =>
  grain === 'days'
    ? sql`${sql.raw(column)} >= ${localDay(r.from)} and ${sql.raw(column)} < ${localDay(r.to)}`
    : sql`${sql.raw(column)} >= ${r.from} and ${sql.raw(column)} < ${r.to}`;

/**
 * Every bucket touching [from, to), with the instant its counts stop at (its end, or `to`). Hours
 * step in UTC (unambiguous across the autumn's repeated hour), longer buckets in local time from
 * the local days touched.
 */
const bucketsCte = (r: KpiRange) => sql`buckets as (
  select bucket, least(case when ${r.bucket} = 'hour' then bucket + interval '1 hour'
                            else (bucket at time zone ${romeTimeZone} + ('1 ' || ${r.bucket})::interval) at time zone ${romeTimeZone} end,
                       ${r.to}::timestamptz) as ends
  from (${
    r.bucket === 'hour'
      ? sql`select distinct ${bucketOf(r, 't')} as bucket
          from generate_series(date_trunc('hour', ${r.from}::timestamptz), ${r.to}::timestamptz - interval '1 microsecond', interval '1 hour') t`
      : sql`select distinct ${bucketOf(r, 'd', 'days')} as bucket
          from generate_series(${localDay(r.from)}::timestamp, ${localDay(sql`(${r.to}::timestamptz - interval '1 microsecond')`)}::timestamp, interval '1 day') d`
  }) s
)`;

interface BucketRow {
  bucket: Date;
  ends: Date;
}
export const listBuckets = (db: Executor, r: KpiRange) =>
  sql<BucketRow>`with ${bucketsCte(r)} select bucket, ends from buckets order by bucket`.execute(db).then((q) => q.rows);

/** A rollup's rows with their time as `at`: its UTC hour, or its local day (a date: see bucketOf). */
const rollupRows = (table: 'kpi_case' | 'kpi_case_event', grain: 'hours' | 'days') =>
  sql`select c.${sql.raw(grain === 'hours' ? 'hour' : 'day')} as at, c.* from ${sql.table(`${table}_${grain}`)} c`;

/**
 * Cases as counted facts at an instant (`at`), with the columns the filters read (as `c`): from the
 * cases table one row per case (`raw`: which instant, what each case counts for), or from a
 * rollup one row per hour or day and kind (`rollup`: its counts of the same).
 */
function caseFacts(grain: Grain, raw: { at: string; columns: RawBuilder<unknown> }, rollup: RawBuilder<unknown>) {
  return grain === 'raw'
    ? sql`select ${sql.raw(raw.at)} as at, c.municipality_id, c.service_code, c.channel, c.office_id, ${raw.columns} from cases c`
    : sql`select c.at, c.municipality_id, c.service_code, c.channel, nullif(c.office_id, '') as office_id, ${rollup} from (${rollupRows('kpi_case', grain)}) c`;
}

/** Cases opened: per bucket, and over the range per channel, service, office and municipality. */
export async function casesOpened(db: Executor, scope: Scope, f: KpiScopeFilter, r: KpiRange, grain: Grain) {
  const source = caseFacts(grain, { at: 'c.created_at', columns: sql`1 as n` }, sql`c.opened as n`);
  const { rows } = await sql<{
    bucket: Date | null;
    channel: string | null;
    service_code: string | null;
    office_id: string | null;
    municipality_id: string | null;
    dimension: number;
    n: number;
  }>`
    with opened as (
      select ${bucketOf(r, 'c.at', grain)} as bucket, c.channel, c.service_code, c.office_id, c.municipality_id, c.n
      from (${source}) c
      where ${caseFilter(scope, f)} and ${within(r, 'c.at', grain)} and c.n <> 0
    )
    select bucket, channel, service_code, office_id, municipality_id,
           grouping(bucket, channel, service_code, office_id, municipality_id) as dimension, sum(n)::int as n
    from opened
    group by grouping sets ((bucket), (channel), (service_code), (office_id), (municipality_id))`.execute(db);
  // grouping() sets a bit for each column rolled up: the one left clear names the row's dimension.
  const of = (bit: number) => rows.filter((row) => row.dimension === 0b11111 - bit);
  const keyed = (bit: number, key: (row: (typeof rows)[number]) => string | null) =>
    of(bit)
      .map((row) => ({ key: key(row), casesOpened: row.n }))
      .sort((a, b) => b.casesOpened - a.casesOpened || (a.key ?? '').localeCompare(b.key ?? ''));
  return {
    perBucket: new Map(of(0b10000).map((row) => [row.bucket!.getTime(), row.n])),
    channel: keyed(0b01000, (row) => row.channel),
    service: keyed(0b00100, (row) => row.service_code),
    office: keyed(0b00010, (row) => row.office_id),
    municipality: keyed(0b00001, (row) => row.municipality_id),
  };
}

/** Cases closed (withdrawals apart) and those of them closed without ever reaching an office. */
export async function casesClosed(db: Executor, scope: Scope, f: KpiScopeFilter, r: KpiRange, grain: Grain) {
  const source = caseFacts(
    grain,
    {
      at: 'c.resolved_at',
      columns: sql`(c.outcome <> 'withdrawn')::int as closed, (c.outcome <> 'withdrawn' and not exists (select from tasks t where t.case_id = c.id))::int as first_level`,
    },
    sql`c.closed, c.closed_first_level as first_level`,
  );
  const { rows } = await sql<{ bucket: Date; closed: number; first_level: number }>`
    select ${bucketOf(r, 'c.at', grain)} as bucket, sum(c.closed)::int as closed, sum(c.first_level)::int as first_level
    from (${source}) c
    where ${caseFilter(scope, f)} and ${within(r, 'c.at', grain)}
    group by 1`.execute(db);
  return new Map(rows.map((row) => [row.bucket.getTime(), row]));
}

/** Cases opened minus cases resolved (any outcome), per instant: the backlog's moves. */
const caseMoves = (grain: Grain) =>
  grain === 'raw'
    ? sql`select c.created_at as at, c.municipality_id, c.service_code, c.channel, c.office_id, 1 as delta from cases c
        union all
        select c.resolved_at, c.municipality_id, c.service_code, c.channel, c.office_id, -1 from cases c where c.resolved_at is not null`
    : sql`select c.at, c.municipality_id, c.service_code, c.channel, nullif(c.office_id, '') as office_id, c.opened - c.resolved as delta
        from (${rollupRows('kpi_case', grain)}) c`;

/**
 * Cases open at `at` (created before it, not resolved before it): the daily rollup up to its local
 * day, the hourly one up to its hour, the raw rows after.
 */
function openAt(scope: Scope, f: KpiScopeFilter, at: RawBuilder<unknown>) {
  const day = localDay(at);
  const midnight = sql`(${day}::timestamp at time zone ${romeTimeZone})`;
  const hour = sql`date_trunc('hour', ${at}, 'UTC')`;
  const moves = sql`c.municipality_id, c.service_code, c.channel, c.office_id, c.delta`;
  return sql`(
    select coalesce(sum(c.delta), 0)::int from (
      select ${moves} from (${caseMoves('days')}) c where c.at < ${day}
      union all
      select ${moves} from (${caseMoves('hours')}) c where c.at >= ${midnight} and c.at < ${hour}
      union all
      select ${moves} from (${caseMoves('raw')}) c where c.at >= ${hour} and c.at < ${at}
    ) c where ${caseFilter(scope, f)}
  )`;
}

/**
 * Open cases at the end of each bucket: those open at `from`, plus the running sum of cases
 * opened minus cases resolved since (a case is open from created_at until resolved_at).
 */
export async function backlog(db: Executor, scope: Scope, f: KpiScopeFilter, r: KpiRange, grain: Grain) {
  const { rows } = await sql<{ bucket: Date; backlog: number }>`
    with ${bucketsCte(r)},
    per_bucket as (
      select ${bucketOf(r, 'c.at', grain)} as bucket, sum(c.delta) as delta
      from (${caseMoves(grain)}) c where ${caseFilter(scope, f)} and ${within(r, 'c.at', grain)} group by 1
    )
    select b.bucket, (${openAt(scope, f, sql`${r.from}::timestamptz`)} + sum(coalesce(p.delta, 0)) over (order by b.bucket))::int as backlog
    from buckets b left join per_bucket p using (bucket)`.execute(db);
  return new Map(rows.map((row) => [row.bucket.getTime(), row.backlog]));
}

/**
 * Cases open at the end of the range (or now, if that is sooner) by elapsed age in days: those of
 * the last 31 days one by one, the older ones as all open cases less those.
 */
export async function ageing(db: Executor, scope: Scope, f: KpiScopeFilter, r: KpiRange) {
  const end = sql`least(${r.to}::timestamptz, now())`;
  const { rows } = await sql<{ range: '0-2' | '3-7' | '8-30' | '>30'; cases: number }>`
    with recent as (
      select floor(extract(epoch from (${end} - c.created_at)) / 86400) as days
      from cases c
      where ${caseFilter(scope, f)} and c.created_at < ${end} and c.created_at > ${end} - interval '31 days'
        and (c.resolved_at is null or c.resolved_at >= ${end})
    ),
    ranges as (
      select case when days <= 2 then '0-2' when days <= 7 then '3-7' else '8-30' end as range, count(*)::int as cases
      from recent group by 1
    )
    select range, cases from ranges
    union all
    select '>30', ${openAt(scope, f, end)} - coalesce((select sum(cases) from ranges), 0)::int`.execute(db);
  return new Map(rows.map((row) => [row.range, row.cases]));
}

/** Case events as counted facts per hour or day (the rollup's columns), with the filter columns as `c`. */
const eventRollup = (scope: Scope, f: KpiScopeFilter, r: KpiRange, grain: 'hours' | 'days') => sql`
  select ${bucketOf(r, 'c.at', grain)} as bucket, c.*, nullif(c.office_id, '') as fact_office from (${rollupRows('kpi_case_event', grain)}) c
  where ${caseFilter(scope, f)} and ${within(r, 'c.at', grain)}`;

/**
 * Office tasks done (at their `task.completed` event; one task per case) and whether on time, and
 * SLA breaches (at their `sla.breached` event, for the office that held the task): per bucket, and
 * per office over the range.
 */
export async function serviceLevels(db: Executor, scope: Scope, f: KpiScopeFilter, r: KpiRange, grain: Grain) {
  const facts =
    grain !== 'raw'
      ? sql`select bucket, fact_office as office_id, tasks_done as done, tasks_on_time as on_time, breaches as breached
          from (${eventRollup(scope, f, r, grain)}) c where (c.tasks_done, c.breaches) <> (0, 0)`
      : sql`select ${bucketOf(r, 'e.at')} as bucket, t.office_id, 1 as done, (e.at <= t.due_at)::int as on_time, 0 as breached
          from tasks t
          join cases c on c.id = t.case_id
          join case_events e on e.case_id = t.case_id and e.type = 'task.completed'
          where ${caseFilter(scope, f, 't.office_id')} and ${within(r, 'e.at')}
          union all
          select ${bucketOf(r, 'e.at')} as bucket, e.data->>'from' as office_id, 0 as done, 0 as on_time, 1 as breached
          from case_events e
          join cases c on c.id = e.case_id
          where e.type = 'sla.breached' and ${caseFilter(scope, f, "e.data->>'from'")} and ${within(r, 'e.at')}`;
  const { rows } = await sql<{
    bucket: Date | null;
    office_id: string | null;
    dimension: number;
    done: number;
    on_time: number;
    breaches: number;
  }>`
    with facts as (${facts})
    select bucket, office_id, grouping(bucket, office_id) as dimension,
           sum(done)::int as done, sum(on_time)::int as on_time, sum(breached)::int as breaches
    from facts
    group by grouping sets ((bucket), (office_id))`.execute(db);
  return {
    perBucket: new Map(rows.filter((row) => row.dimension === 0b01).map((row) => [row.bucket!.getTime(), row])),
    perOffice: rows.filter((row) => row.dimension === 0b10).sort((a, b) => a.office_id!.localeCompare(b.office_id!)),
  };
}

/**
 * What citizens did and were done for, from case events: solicitations, complaints, callbacks that
 * ended after at least one call, and survey answers with a 1–5 satisfaction score.
 */
export async function citizenEvents(db: Executor, scope: Scope, f: KpiScopeFilter, r: KpiRange, grain: Grain) {
  type Row = {
    bucket: Date;
    solicitations: number;
    complaints: number;
    callbacks_attempted: number;
    callbacks_answered: number;
    survey_answers: number;
    satisfied: number;
  };
  const { rows } =
    grain !== 'raw'
      ? await sql<Row>`
        select bucket, sum(solicitations)::int as solicitations, sum(complaints)::int as complaints,
               sum(callbacks_attempted)::int as callbacks_attempted, sum(callbacks_answered)::int as callbacks_answered,
               sum(survey_answers)::int as survey_answers, sum(satisfied)::int as satisfied
        from (${eventRollup(scope, f, r, grain)}) c group by bucket`.execute(db)
      : await sql<Row>`
        with events as (
          select ${bucketOf(r, 'e.at')} as bucket, e.type, e.data,
                 case when e.type = 'survey.answered' and e.data->'answers'->>'satisfaction' ~ '^[1-5]$'
                      then (e.data->'answers'->>'satisfaction')::int end as satisfaction
          from case_events e
          join cases c on c.id = e.case_id
          where e.type in ('citizen.solicited', 'complaint.opened', 'callback.answered', 'callback.failed', 'survey.answered')
            and ${caseFilter(scope, f)} and ${within(r, 'e.at')}
        )
        select bucket,
               count(*) filter (where type = 'citizen.solicited')::int as solicitations,
               count(*) filter (where type = 'complaint.opened')::int as complaints,
               count(*) filter (where type = 'callback.answered'
                                  or (type = 'callback.failed' and coalesce((data->>'attempts')::int, 0) > 0))::int as callbacks_attempted,
               count(*) filter (where type = 'callback.answered')::int as callbacks_answered,
               count(satisfaction)::int as survey_answers,
               count(*) filter (where satisfaction >= 4)::int as satisfied
        from events group by bucket`.execute(db);
  return new Map(rows.map((row) => [row.bucket.getTime(), row]));
}

/** Cases opened per interval of `minutes` from `from` to `to`: the staffing forecast's history and actual without call records. */
export async function openedPerInterval(
  db: Executor,
  scope: Scope,
  f: KpiScopeFilter,
  from: Date,
  to: Date,
  minutes: number,
): Promise<HourCount[]> {
  const { rows } = await sql<{ at: Date; n: number }>`
    select date_bin(${`${minutes} minutes`}::interval, c.created_at, ${from}) as at, count(*)::int as n
    from cases c
    where ${caseFilter(scope, f)} and c.created_at >= ${from} and c.created_at < ${to}
    group by 1`.execute(db);
  return rows.map((row) => ({ at: row.at.getTime(), count: row.n }));
}
