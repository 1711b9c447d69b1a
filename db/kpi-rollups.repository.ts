import { sql } from 'kysely';
import { romeOffsetMinutes } from '../domain/calendar.ts';
import type { Executor } from './database.ts';

const hourMs = 3_600_000;
const isLocalMidnight = (t: number) => (t + romeOffsetMinutes(t) * 60_000) % (24 * hourMs) === 0;

/** Where a KPI query reads: the daily rollups, the hourly ones, or the raw rows. */
export type Grain = 'days' | 'hours' | 'raw';

/**
 * A range longer than a day reads the rollups: the daily ones when it runs from local midnight to
 * local midnight in buckets of days, weeks or months (a dashboard's month or year), the hourly ones
 * when it is whole hours. Shorter or ragged ranges read the raw rows, which their indexes make
 * cheap at that size. Each gives the same figures (the KPI tests compare them).
 */
export function rollupGrain(r: { from: Date; to: Date; bucket: string }): Grain {
  const [from, to] = [r.from.getTime(), r.to.getTime()];
  if (to - from <= 24 * hourMs) return 'raw';
  if (r.bucket !== 'hour' && isLocalMidnight(from) && isLocalMidnight(to)) return 'days';
  return from % hourMs === 0 && to % hourMs === 0 ? 'hours' : 'raw';
}

const callKey = sql.raw('hour, municipality_id, queue');

/**
 * A group's cumulative counts as an array, from its counts per first second they apply to
 * (`bins`: hour, municipality_id, queue, s, n): element k is Σ n for s ≤ k, k = 1..length.
 */
const cumulative = (bins: string, length: number) => sql`
  select ${callKey}, array_agg(c order by s) as counts from (
    select g.hour, g.municipality_id, g.queue, s.s, sum(coalesce(b.n, 0)) over (partition by g.hour, g.municipality_id, g.queue order by s.s)::int as c
    from groups g cross join generate_series(1, ${sql.lit(length)}) s(s)
    left join ${sql.raw(bins)} b on (b.hour, b.municipality_id, b.queue, b.s) = (g.hour, g.municipality_id, g.queue, s.s)
  ) k group by ${callKey}`;

/** The call rollup of the calls table: what kpi_call_apply adds up row by row, in one aggregation. */
const callRollupSelect = sql`
  with facts as (
    select date_trunc('hour', c.started_at, 'UTC') as hour, c.municipality_id, coalesce(c.queue, '') as queue,
           c.connected_at is not null as answered,
           c.connected_at is null and c.end_cause = 'abandoned' as abandoned,
           c.end_cause = 'transferred' as transferred,
           extract(epoch from c.connected_at - c.started_at) as answer_wait,
           coalesce(c.wait_seconds, extract(epoch from c.ended_at - c.started_at)) as abandon_wait,
           extract(epoch from c.ended_at - c.connected_at) as talk
    from calls c
    where c.direction = 'inbound' and c.linked_call_id is null and c.municipality_id is not null
  ),
  groups as (
    select ${callKey}, count(*)::int as offered, count(*) filter (where answered)::int as answered,
           count(*) filter (where abandoned)::int as abandoned, count(*) filter (where transferred)::int as transferred,
           coalesce(sum(answer_wait) filter (where answered), 0) as answer_wait_sum,
           count(talk) filter (where answered)::int as talked, coalesce(sum(talk) filter (where answered), 0) as talk_sum
    from facts group by ${callKey}
  ),
  -- Answered within s seconds from s = ⌈wait⌉ on; abandoned before s seconds from s = ⌊wait⌋ + 1 on.
  answer_bins as (select ${callKey}, greatest(ceil(answer_wait), 1)::int as s, count(*) as n from facts where answered and answer_wait <= 120 group by 1, 2, 3, 4),
  abandon_bins as (select ${callKey}, greatest(floor(abandon_wait) + 1, 1)::int as s, count(*) as n from facts where abandoned and abandon_wait < 60 group by 1, 2, 3, 4),
  answer_counts as (${cumulative('answer_bins', 120)}),
  abandon_counts as (${cumulative('abandon_bins', 60)})
  select g.*, a.counts as answered_within, b.counts as abandoned_under
  from groups g join answer_counts a using (hour, municipality_id, queue) join abandon_counts b using (hour, municipality_id, queue)`;

const caseRollupSelect = sql`
  with facts as (
    select c.created_at as at, c.municipality_id, c.service_code, c.channel, coalesce(c.office_id, '') as office_id,
           1 as opened, 0 as resolved, 0 as closed, 0 as first_level
    from cases c
    union all
    select c.resolved_at, c.municipality_id, c.service_code, c.channel, coalesce(c.office_id, ''), 0, 1,
           coalesce(c.outcome <> 'withdrawn', false)::int,
           coalesce(c.outcome <> 'withdrawn' and not exists (select from tasks t where t.case_id = c.id), false)::int
    from cases c where c.resolved_at is not null
  )
  select date_trunc('hour', at, 'UTC') as hour, municipality_id, service_code, channel, office_id,
         sum(opened)::int, sum(resolved)::int, sum(closed)::int, sum(first_level)::int
  from facts group by 1, 2, 3, 4, 5`;

/** Case events as kpi_case_event_apply counts them (the office: the task's, the breached one's, the case's). */
const caseEventRollupSelect = sql`
  with facts as (
    select e.at, c.municipality_id, c.service_code, c.channel,
           case e.type when 'task.completed' then t.office_id when 'sla.breached' then coalesce(e.data->>'from', '') else coalesce(c.office_id, '') end as office_id,
           (e.type = 'task.completed')::int as tasks_done, (e.type = 'task.completed' and e.at <= t.due_at)::int as tasks_on_time,
           (e.type = 'sla.breached')::int as breaches, (e.type = 'citizen.solicited')::int as solicitations,
           (e.type = 'complaint.opened')::int as complaints,
           (e.type = 'callback.answered' or (e.type = 'callback.failed' and coalesce((e.data->>'attempts')::int, 0) > 0))::int as callbacks_attempted,
           (e.type = 'callback.answered')::int as callbacks_answered,
           (e.type = 'survey.answered' and e.data->'answers'->>'satisfaction' ~ '^[1-5]$')::int as survey_answers,
           (e.type = 'survey.answered' and e.data->'answers'->>'satisfaction' ~ '^[4-5]$')::int as satisfied
    from case_events e
    join cases c on c.id = e.case_id
    left join tasks t on t.case_id = e.case_id
    where e.type in ('sla.breached', 'citizen.solicited', 'complaint.opened', 'callback.answered', 'callback.failed', 'survey.answered')
       or (e.type = 'task.completed' and t.id is not null)
  )
  select date_trunc('hour', at, 'UTC') as hour, municipality_id, service_code, channel, office_id,
         sum(tasks_done)::int, sum(tasks_on_time)::int, sum(breaches)::int, sum(solicitations)::int, sum(complaints)::int,
         sum(callbacks_attempted)::int, sum(callbacks_answered)::int, sum(survey_answers)::int, sum(satisfied)::int
  from facts where (tasks_done, breaches, solicitations, complaints, callbacks_attempted, survey_answers) <> (0, 0, 0, 0, 0, 0)
  group by 1, 2, 3, 4, 5`;

/**
 * Recomputes the rollups from the raw rows: after a bulk load written with the triggers off
 * (the simulator's), or to check the triggers' work. Run it in a transaction.
 */
export async function rebuildRollups(trx: Executor): Promise<void> {
  // The daily rollups' triggers (on the hourly rows) are off meanwhile: rather than a day row
  // updated per hour row, the days are summed from the hours in one statement.
  for (const t of dayRollups) {
    await sql`alter table ${sql.table(`${t.table}_hours`)} disable trigger ${sql.ref(`${t.table}_days_rollup`)}`.execute(trx);
    await sql`delete from ${sql.table(`${t.table}_hours`)}`.execute(trx);
    await sql`delete from ${sql.table(`${t.table}_days`)}`.execute(trx);
  }
  await sql`insert into kpi_call_hours ${callRollupSelect}`.execute(trx);
  await sql`insert into kpi_case_hours ${caseRollupSelect}`.execute(trx);
  await sql`insert into kpi_case_event_hours ${caseEventRollupSelect}`.execute(trx);
  for (const t of dayRollups) {
    await sql`insert into ${sql.table(`${t.table}_days`)} ${daysFromHours(t)}`.execute(trx);
    await sql`alter table ${sql.table(`${t.table}_hours`)} enable trigger ${sql.ref(`${t.table}_days_rollup`)}`.execute(trx);
  }
}

/** The daily rollups as the sums of the hourly ones by local day: keys, then what is summed. */
const dayRollups = [
  {
    table: 'kpi_call',
    keys: 'municipality_id, queue',
    sums: `sum(offered)::int as offered, sum(answered)::int as answered, sum(abandoned)::int as abandoned, sum(transferred)::int as transferred,
           sum(answer_wait_sum) as answer_wait_sum, sum(talked)::int as talked, sum(talk_sum) as talk_sum,
           kpi_sum_counts(answered_within) as answered_within, kpi_sum_counts(abandoned_under) as abandoned_under,
           kpi_sum_counts(array(select case when s = extract(hour from hour at time zone 'Europe/Rome') then offered else 0 end from generate_series(0, 23) s)) as offered_by_hour`,
    nonZero: 'offered <> 0',
  },
  {
    table: 'kpi_case',
    keys: 'municipality_id, service_code, channel, office_id',
    sums: 'sum(opened)::int as opened, sum(resolved)::int as resolved, sum(closed)::int as closed, sum(closed_first_level)::int as closed_first_level',
    nonZero: '(opened, resolved, closed, closed_first_level) <> (0, 0, 0, 0)',
  },
  {
    table: 'kpi_case_event',
    keys: 'municipality_id, service_code, channel, office_id',
    sums: [
      'tasks_done',
      'tasks_on_time',
      'breaches',
      'solicitations',
      'complaints',
      'callbacks_attempted',
      'callbacks_answered',
      'survey_answers',
      'satisfied',
    ]
      .map((c) => `sum(${c})::int as ${c}`)
      .join(', '),
    nonZero:
      '(tasks_done, tasks_on_time, breaches, solicitations, complaints, callbacks_attempted, callbacks_answered, survey_answers, satisfied) <> (0, 0, 0, 0, 0, 0, 0, 0, 0)',
  },
];

/** A daily rollup's rows as the sums of its hourly rows. */
const daysFromHours = (t: (typeof dayRollups)[number]) => sql`
  select * from (select (hour at time zone 'Europe/Rome')::date as day, ${sql.raw(t.keys)}, ${sql.raw(t.sums)}
                 from ${sql.table(`${t.table}_hours`)} group by 1, ${sql.raw(t.keys)}) e
  where ${sql.raw(t.nonZero)}`;

/** Day rows that the hourly rows would not give, each way. */
async function dayDifferences(db: Executor) {
  const diffs = await Promise.all(
    dayRollups.map(async (t) => {
      const { rows } = await sql<{ table: string; row: string }>`
      with expected as (${daysFromHours(t)}),
      actual as (select * from ${sql.table(`${t.table}_days`)} where ${sql.raw(t.nonZero)})
      select ${sql.lit(`${t.table}_days`)} as table, row_to_json(d)::text as row
      from ((select * from expected except all select * from actual) union all (select * from actual except all select * from expected)) d`.execute(
        db,
      );
      return rows;
    }),
  );
  return diffs.flat();
}

/** Rows of the rollups that the raw rows would not give, each way: empty when they agree. */
export async function rollupDifferences(db: Executor) {
  // Rows the triggers left at zero (a call that moved hour or queue) are no difference.
  const { rows } = await sql<{ table: string; row: string }>`
    with calls_expected as (${callRollupSelect}),
    calls_actual as (select * from kpi_call_hours where offered <> 0),
    cases_expected as (${caseRollupSelect}),
    cases_actual as (select * from kpi_case_hours where (opened, resolved, closed, closed_first_level) <> (0, 0, 0, 0)),
    events_expected as (${caseEventRollupSelect}),
    events_actual as (select * from kpi_case_event_hours
                      where (tasks_done, tasks_on_time, breaches, solicitations, complaints, callbacks_attempted, callbacks_answered, survey_answers, satisfied)
                            <> (0, 0, 0, 0, 0, 0, 0, 0, 0))
    (select 'kpi_call_hours' as table, row_to_json(d)::text as row from ((select * from calls_expected except all select * from calls_actual)
                                                      union all (select * from calls_actual except all select * from calls_expected)) d)
    union all
    (select 'kpi_case_hours', row_to_json(d)::text from ((select * from cases_expected except all select * from cases_actual)
                                                union all (select * from cases_actual except all select * from cases_expected)) d)
    union all
    (select 'kpi_case_event_hours', row_to_json(d)::text from ((select * from events_expected except all select * from events_actual)
                                                      union all (select * from events_actual except all select * from events_expected)) d)`.execute(
    db,
  );
  return [...rows, ...(await dayDifferences(db))];
}
