import { sql } from 'kysely';
import type { Executor } from './database.ts';

const hourMs = 3_600_000;

/**
 * Whether a KPI query reads the hourly rollups: a range of whole hours longer than a day (a
 * dashboard's week, month or year). Shorter or ragged ranges read the raw rows, which their
 * indexes make cheap at that size. Both give the same figures (test/integration/kpi-rollups.test.ts).
 */
export const readsRollups = (r: { from: Date; to: Date }) =>
  r.from.getTime() % hourMs === 0 && r.to.getTime() % hourMs === 0 && r.to.getTime() - r.from.getTime() > 24 * hourMs;

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
           (c.outcome is distinct from 'withdrawn')::int,
           (c.outcome is distinct from 'withdrawn' and not exists (select from tasks t where t.case_id = c.id))::int
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
  await sql`delete from kpi_call_hours`.execute(trx);
  await sql`insert into kpi_call_hours ${callRollupSelect}`.execute(trx);
  await sql`delete from kpi_case_hours`.execute(trx);
  await sql`insert into kpi_case_hours ${caseRollupSelect}`.execute(trx);
  await sql`delete from kpi_case_event_hours`.execute(trx);
  await sql`insert into kpi_case_event_hours ${caseEventRollupSelect}`.execute(trx);
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
                                                      union all (select * from events_actual except all select * from events_expected)) d)`.execute(db);
  return rows;
}
