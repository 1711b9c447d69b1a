import { type Kysely, sql } from 'kysely';

/**
 * Hourly rollups the KPI queries read for long ranges, kept equal to the raw rows by triggers:
 * every insert, update or delete takes the old row's contribution out of its hour and puts the new
 * row's in, so the rollup is Σ contribution(row) at every commit (db/kpi-rollups.repository.ts
 * rebuilds them from scratch after a bulk load with the triggers off, and the tests compare both).
 */
const count = (name: string) => ({ name, type: 'int' });
/** The hourly rollups and their columns: keys, then counts (int, exact numeric sums, int arrays). */
const dayRollups = [
  {
    table: 'kpi_call',
    keys: ['municipality_id', 'queue'],
    counts: [
      ...['offered', 'answered', 'abandoned', 'transferred'].map(count),
      { name: 'answer_wait_sum', type: 'numeric' },
      count('talked'),
      { name: 'talk_sum', type: 'numeric' },
      { name: 'answered_within', type: 'int[]' },
      { name: 'abandoned_under', type: 'int[]' },
    ],
  },
  {
    table: 'kpi_case',
    keys: ['municipality_id', 'service_code', 'channel', 'office_id'],
    counts: ['opened', 'resolved', 'closed', 'closed_first_level'].map(count),
  },
  {
    table: 'kpi_case_event',
    keys: ['municipality_id', 'service_code', 'channel', 'office_id'],
    counts: [
      'tasks_done',
      'tasks_on_time',
      'breaches',
      'solicitations',
      'complaints',
      'callbacks_attempted',
      'callbacks_answered',
      'survey_answers',
      'satisfied',
    ].map(count),
  },
];

// Frozen: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  // Sums of int arrays element by element (the per-second threshold counts below), and a multiple.
  await sql`
    create function kpi_add_counts(a int[], b int[]) returns int[] language sql immutable parallel safe as $$
      select array_agg(x + y order by i) from unnest(a, b) with ordinality as u(x, y, i)
    $$`.execute(db);
  await sql`
    create function kpi_scale_counts(a int[], s int) returns int[] language sql immutable parallel safe as $$
      select array_agg(x * s order by i) from unnest(a) with ordinality as u(x, i)
    $$`.execute(db);
  await sql`
    create function kpi_sum_counts_step(a int[], b int[]) returns int[] language sql immutable parallel safe as $$
      select case when a is null then b else kpi_add_counts(a, b) end
    $$`.execute(db);
  await sql`create aggregate kpi_sum_counts(int[]) (sfunc = kpi_sum_counts_step, stype = int[])`.execute(db);

  // Inbound contacts offered on a line, per UTC hour of started_at, line and queue ('' = none).
  // Seconds are summed as numeric (exact), so the rollup's sums are the raw rows' to the microsecond.
  // answered_within[k]: answered with connected_at − started_at ≤ k s (k = 1..120);
  // abandoned_under[k]: abandoned after waiting < k s (k = 1..60). Cumulative, so any threshold
  // in those ranges is one subscript per row.
  await db.schema
    .createTable('kpi_call_hours')
    .addColumn('hour', 'timestamptz', (c) => c.notNull())
    .addColumn('municipality_id', 'text', (c) => c.notNull())
    .addColumn('queue', 'text', (c) => c.notNull())
    .addColumn('offered', 'integer', (c) => c.notNull())
    .addColumn('answered', 'integer', (c) => c.notNull())
    .addColumn('abandoned', 'integer', (c) => c.notNull())
    .addColumn('transferred', 'integer', (c) => c.notNull())
    .addColumn('answer_wait_sum', 'numeric', (c) => c.notNull())
    .addColumn('talked', 'integer', (c) => c.notNull())
    .addColumn('talk_sum', 'numeric', (c) => c.notNull())
    .addColumn('answered_within', sql`int[]`, (c) => c.notNull())
    .addColumn('abandoned_under', sql`int[]`, (c) => c.notNull())
    .addPrimaryKeyConstraint('kpi_call_hours_pk', ['hour', 'municipality_id', 'queue'])
    .execute();
  await db.schema.createIndex('kpi_call_hours_municipality_idx').on('kpi_call_hours').columns(['municipality_id', 'hour']).execute();

  await sql`
    create function kpi_call_apply(c calls, sign int) returns void language plpgsql as $$
    declare
      answered boolean := c.connected_at is not null;
      abandoned boolean := c.connected_at is null and c.end_cause = 'abandoned';
      answer_wait numeric := extract(epoch from c.connected_at - c.started_at);
      abandon_wait double precision := coalesce(c.wait_seconds, extract(epoch from c.ended_at - c.started_at));
      talk numeric := extract(epoch from c.ended_at - c.connected_at);
    begin
      if c.direction <> 'inbound' or c.linked_call_id is not null or c.municipality_id is null then return; end if;
      insert into kpi_call_hours as k values (
        date_trunc('hour', c.started_at, 'UTC'), c.municipality_id, coalesce(c.queue, ''), sign,
        case when answered then sign else 0 end,
        case when abandoned then sign else 0 end,
        case when c.end_cause = 'transferred' then sign else 0 end,
        case when answered then sign * answer_wait else 0 end,
        case when answered and talk is not null then sign else 0 end,
        case when answered and talk is not null then sign * talk else 0 end,
        array(select case when answered and answer_wait <= s then sign else 0 end from generate_series(1, 120) s),
        array(select case when abandoned and abandon_wait < s then sign else 0 end from generate_series(1, 60) s))
      on conflict (hour, municipality_id, queue) do update set
        offered = k.offered + excluded.offered, answered = k.answered + excluded.answered,
        abandoned = k.abandoned + excluded.abandoned, transferred = k.transferred + excluded.transferred,
        answer_wait_sum = k.answer_wait_sum + excluded.answer_wait_sum,
        talked = k.talked + excluded.talked, talk_sum = k.talk_sum + excluded.talk_sum,
        answered_within = kpi_add_counts(k.answered_within, excluded.answered_within),
        abandoned_under = kpi_add_counts(k.abandoned_under, excluded.abandoned_under);
    end $$`.execute(db);
  await sql`
    create function kpi_calls_rollup() returns trigger language plpgsql as $$
    begin
      -- A call's row moves with each event; only the columns a KPI reads change its contribution.
      if tg_op = 'UPDATE' and (old.direction, old.linked_call_id, old.municipality_id, old.queue, old.end_cause, old.wait_seconds,
                               old.started_at, old.connected_at, old.ended_at)
          is not distinct from (new.direction, new.linked_call_id, new.municipality_id, new.queue, new.end_cause, new.wait_seconds,
                                new.started_at, new.connected_at, new.ended_at) then
        return null;
      end if;
      if tg_op in ('UPDATE', 'DELETE') then perform kpi_call_apply(old, -1); end if;
      if tg_op in ('INSERT', 'UPDATE') then perform kpi_call_apply(new, 1); end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger calls_kpi_rollup after insert or update or delete on calls for each row execute function kpi_calls_rollup()`.execute(
    db,
  );

  // Cases per UTC hour and what they are: opened (at created_at) and resolved (at resolved_at,
  // any outcome: the backlog's running sum), closed (withdrawals apart) and of those closed
  // without an office task. office_id '' = the first level.
  await db.schema
    .createTable('kpi_case_hours')
    .addColumn('hour', 'timestamptz', (c) => c.notNull())
    .addColumn('municipality_id', 'text', (c) => c.notNull())
    .addColumn('service_code', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('office_id', 'text', (c) => c.notNull())
    .addColumn('opened', 'integer', (c) => c.notNull())
    .addColumn('resolved', 'integer', (c) => c.notNull())
    .addColumn('closed', 'integer', (c) => c.notNull())
    .addColumn('closed_first_level', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('kpi_case_hours_pk', ['hour', 'municipality_id', 'service_code', 'channel', 'office_id'])
    .execute();
  await db.schema.createIndex('kpi_case_hours_municipality_idx').on('kpi_case_hours').columns(['municipality_id', 'hour']).execute();

  await sql`
    create function kpi_case_add(c cases, at timestamptz, opened int, resolved int, closed int, first_level int) returns void language sql as $$
      insert into kpi_case_hours as k
      values (date_trunc('hour', at, 'UTC'), c.municipality_id, c.service_code, c.channel, coalesce(c.office_id, ''), opened, resolved, closed, first_level)
      on conflict (hour, municipality_id, service_code, channel, office_id) do update set
        opened = k.opened + excluded.opened, resolved = k.resolved + excluded.resolved,
        closed = k.closed + excluded.closed, closed_first_level = k.closed_first_level + excluded.closed_first_level
    $$`.execute(db);
  await sql`
    create function kpi_case_apply(c cases, sign int) returns void language plpgsql as $$
    declare
      closed int := case when c.outcome <> 'withdrawn' then sign else 0 end;
    begin
      perform kpi_case_add(c, c.created_at, sign, 0, 0, 0);
      if c.resolved_at is not null then
        perform kpi_case_add(c, c.resolved_at, 0, sign, closed,
                             case when not exists (select from tasks t where t.case_id = c.id) then closed else 0 end);
      end if;
    end $$`.execute(db);
  await sql`
    create function kpi_cases_rollup() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and (old.municipality_id, old.service_code, old.channel, old.office_id, old.outcome, old.created_at, old.resolved_at)
          is not distinct from (new.municipality_id, new.service_code, new.channel, new.office_id, new.outcome, new.created_at, new.resolved_at) then
        return null;
      end if;
      if tg_op in ('UPDATE', 'DELETE') then perform kpi_case_apply(old, -1); end if;
      if tg_op in ('INSERT', 'UPDATE') then perform kpi_case_apply(new, 1); end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger cases_kpi_rollup after insert or update or delete on cases for each row execute function kpi_cases_rollup()`.execute(
    db,
  );

  // The triggers (and the raw first-level count) look up a case's task at every change.
  await db.schema.createIndex('tasks_case_idx').on('tasks').column('case_id').execute();
  // Ageing reads the cases of the last 31 days before an instant with what its filters need: from
  // the index alone.
  await sql`create index cases_ageing_idx on cases (created_at) include (resolved_at, municipality_id, service_code, channel, office_id)`.execute(
    db,
  );

  // A closed case's first task (or its last, removed) moves it out of (into) the first level.
  await sql`
    create function kpi_tasks_rollup() returns trigger language plpgsql as $$
    declare
      t tasks := case when tg_op = 'INSERT' then new else old end;
      c cases;
      sign int := case when tg_op = 'INSERT' then -1 else 1 end;
    begin
      select * into c from cases where id = t.case_id;
      if c.resolved_at is not null and c.outcome <> 'withdrawn'
         and (select count(*) from tasks where case_id = t.case_id) = (case when tg_op = 'INSERT' then 1 else 0 end) then
        perform kpi_case_add(c, c.resolved_at, 0, 0, 0, sign);
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger tasks_kpi_rollup after insert or delete on tasks for each row execute function kpi_tasks_rollup()`.execute(db);

  // Case events as the KPIs count them, per UTC hour of the event and the case's municipality,
  // service and channel; office_id is the office each fact belongs to ('' none): the task's for
  // tasks done, the breached office for breaches, the case's for the others. A case has one task.
  await db.schema
    .createTable('kpi_case_event_hours')
    .addColumn('hour', 'timestamptz', (c) => c.notNull())
    .addColumn('municipality_id', 'text', (c) => c.notNull())
    .addColumn('service_code', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('office_id', 'text', (c) => c.notNull())
    .addColumn('tasks_done', 'integer', (c) => c.notNull())
    .addColumn('tasks_on_time', 'integer', (c) => c.notNull())
    .addColumn('breaches', 'integer', (c) => c.notNull())
    .addColumn('solicitations', 'integer', (c) => c.notNull())
    .addColumn('complaints', 'integer', (c) => c.notNull())
    .addColumn('callbacks_attempted', 'integer', (c) => c.notNull())
    .addColumn('callbacks_answered', 'integer', (c) => c.notNull())
    .addColumn('survey_answers', 'integer', (c) => c.notNull())
    .addColumn('satisfied', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('kpi_case_event_hours_pk', ['hour', 'municipality_id', 'service_code', 'channel', 'office_id'])
    .execute();
  await db.schema
    .createIndex('kpi_case_event_hours_municipality_idx')
    .on('kpi_case_event_hours')
    .columns(['municipality_id', 'hour'])
    .execute();

  await sql`
    create function kpi_case_event_apply(e case_events, c cases, t tasks, sign int) returns void language plpgsql as $$
    declare
      office text := coalesce(c.office_id, '');
      score text := e.data->'answers'->>'satisfaction';
      k int[] := array[0, 0, 0, 0, 0, 0, 0, 0, 0];
    begin
      case e.type
        when 'task.completed' then
          if t.id is null then return; end if;
          office := t.office_id; k[1] := 1; k[2] := (e.at <= t.due_at)::int;
        when 'sla.breached' then office := coalesce(e.data->>'from', ''); k[3] := 1;
        when 'citizen.solicited' then k[4] := 1;
        when 'complaint.opened' then k[5] := 1;
        when 'callback.answered' then k[6] := 1; k[7] := 1;
        when 'callback.failed' then k[6] := (coalesce((e.data->>'attempts')::int, 0) > 0)::int;
        when 'survey.answered' then
          if score is null or score !~ '^[1-5]$' then return; end if;
          k[8] := 1; k[9] := (score::int >= 4)::int;
        else return;
      end case;
      insert into kpi_case_event_hours as h
      values (date_trunc('hour', e.at, 'UTC'), c.municipality_id, c.service_code, c.channel, office,
              sign * k[1], sign * k[2], sign * k[3], sign * k[4], sign * k[5], sign * k[6], sign * k[7], sign * k[8], sign * k[9])
      on conflict (hour, municipality_id, service_code, channel, office_id) do update set
        tasks_done = h.tasks_done + excluded.tasks_done, tasks_on_time = h.tasks_on_time + excluded.tasks_on_time,
        breaches = h.breaches + excluded.breaches, solicitations = h.solicitations + excluded.solicitations,
        complaints = h.complaints + excluded.complaints, callbacks_attempted = h.callbacks_attempted + excluded.callbacks_attempted,
        callbacks_answered = h.callbacks_answered + excluded.callbacks_answered, survey_answers = h.survey_answers + excluded.survey_answers,
        satisfied = h.satisfied + excluded.satisfied;
    end $$`.execute(db);
  // A case's events (of one type, or all), counted (sign 1) or taken back (−1) as of the case and task rows given.
  await sql`
    create function kpi_case_events_reapply(c cases, t tasks, sign int, only_type text) returns void language plpgsql as $$
    declare e case_events;
    begin
      for e in select * from case_events where case_id = c.id and (only_type is null or type = only_type) loop
        perform kpi_case_event_apply(e, c, t, sign);
      end loop;
    end $$`.execute(db);
  await sql`
    create function kpi_case_events_rollup() returns trigger language plpgsql as $$
    declare
      c cases;
      t tasks;
    begin
      select * into c from cases where id = new.case_id;
      select * into t from tasks where case_id = new.case_id limit 1;
      perform kpi_case_event_apply(new, c, t, 1);
      return null;
    end $$`.execute(db);
  await sql`create trigger case_events_kpi_rollup after insert on case_events for each row execute function kpi_case_events_rollup()`.execute(
    db,
  );
  // A case changing municipality, service, channel or office moves its events' counts; its task
  // appearing, going, or changing office or due time moves its task.completed counts. Rare, and a
  // case has few events.
  await sql`
    create function kpi_cases_events_rekey() returns trigger language plpgsql as $$
    declare t tasks;
    begin
      if tg_op = 'UPDATE' and (old.municipality_id, old.service_code, old.channel, old.office_id)
          is not distinct from (new.municipality_id, new.service_code, new.channel, new.office_id) then return null; end if;
      select * into t from tasks where case_id = old.id limit 1;
      perform kpi_case_events_reapply(old, t, -1, null);
      if tg_op = 'UPDATE' then perform kpi_case_events_reapply(new, t, 1, null); end if;
      return null;
    end $$`.execute(db);
  await sql`
    create function kpi_tasks_events_rekey() returns trigger language plpgsql as $$
    declare c cases;
    begin
      if tg_op = 'UPDATE' then
        if (old.office_id, old.due_at, old.case_id) is not distinct from (new.office_id, new.due_at, new.case_id) then return null; end if;
      end if;
      if tg_op in ('UPDATE', 'DELETE') then
        select * into c from cases where id = old.case_id;
        perform kpi_case_events_reapply(c, old, -1, 'task.completed');
      end if;
      if tg_op in ('INSERT', 'UPDATE') then
        select * into c from cases where id = new.case_id;
        perform kpi_case_events_reapply(c, new, 1, 'task.completed');
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger cases_kpi_events_rekey after update or delete on cases for each row execute function kpi_cases_events_rekey()`.execute(
    db,
  );
  await sql`create trigger tasks_kpi_events_rekey after insert or update or delete on tasks for each row execute function kpi_tasks_events_rekey()`.execute(
    db,
  );

  // The same counts per local day (Europe/Rome), for ranges of whole days: a year is 365 rows per
  // key instead of 8,760. Kept from the hourly rows by triggers, as they are from the raw rows.
  // kpi_call_days also keeps the calls offered per local hour of the day (0–23), for the heat map.
  for (const t of dayRollups) {
    const keys = t.keys.map((k) => `${k} text not null`).join(', ');
    const counts = t.counts.map((c) => `${c.name} ${c.type} not null`).join(', ');
    const extra = t.table === 'kpi_call' ? ', offered_by_hour int[] not null' : '';
    await sql
      .raw(`create table ${t.table}_days (day date not null, ${keys}, ${counts}${extra}, primary key (day, ${t.keys.join(', ')}))`)
      .execute(db);
    await sql.raw(`create index ${t.table}_days_municipality_idx on ${t.table}_days (municipality_id, day)`).execute(db);
    const scaled = (c: { name: string; type: string }) =>
      c.type === 'int[]' ? `kpi_scale_counts(r.${c.name}, sign)` : `sign * r.${c.name}`;
    const summed = (c: { name: string; type: string }) =>
      c.type === 'int[]' ? `kpi_add_counts(d.${c.name}, excluded.${c.name})` : `d.${c.name} + excluded.${c.name}`;
    const hourOfDay =
      t.table === 'kpi_call'
        ? `, array(select case when s = extract(hour from r.hour at time zone 'Europe/Rome') then sign * r.offered else 0 end from generate_series(0, 23) s)`
        : '';
    await sql
      .raw(
        `
      create function ${t.table}_days_add(r ${t.table}_hours, sign int) returns void language sql as $$
        insert into ${t.table}_days as d
        values ((r.hour at time zone 'Europe/Rome')::date, ${t.keys.map((k) => `r.${k}`).join(', ')}, ${t.counts.map(scaled).join(', ')}${hourOfDay})
        on conflict (day, ${t.keys.join(', ')}) do update set
          ${[...t.counts.map((c) => `${c.name} = ${summed(c)}`), ...(hourOfDay ? ['offered_by_hour = kpi_add_counts(d.offered_by_hour, excluded.offered_by_hour)'] : [])].join(', ')}
      $$`,
      )
      .execute(db);
    await sql
      .raw(
        `
      create function ${t.table}_days_rollup() returns trigger language plpgsql as $$
      begin
        if tg_op in ('UPDATE', 'DELETE') then perform ${t.table}_days_add(old, -1); end if;
        if tg_op in ('INSERT', 'UPDATE') then perform ${t.table}_days_add(new, 1); end if;
        return null;
      end $$`,
      )
      .execute(db);
    await sql
      .raw(
        `create trigger ${t.table}_days_rollup after insert or update or delete on ${t.table}_hours for each row execute function ${t.table}_days_rollup()`,
      )
      .execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of dayRollups) {
    await sql.raw(`drop table ${t.table}_days`).execute(db);
    await sql.raw(`drop trigger ${t.table}_days_rollup on ${t.table}_hours`).execute(db);
    await sql.raw(`drop function ${t.table}_days_rollup, ${t.table}_days_add`).execute(db);
  }
  await sql`drop trigger tasks_kpi_events_rekey on tasks`.execute(db);
  await sql`drop trigger cases_kpi_events_rekey on cases`.execute(db);
  await sql`drop trigger case_events_kpi_rollup on case_events`.execute(db);
  await sql`drop function kpi_tasks_events_rekey, kpi_cases_events_rekey, kpi_case_events_rollup, kpi_case_events_reapply, kpi_case_event_apply`.execute(
    db,
  );
  await db.schema.dropTable('kpi_case_event_hours').execute();
  await sql`drop trigger tasks_kpi_rollup on tasks`.execute(db);
  await sql`drop trigger cases_kpi_rollup on cases`.execute(db);
  await sql`drop trigger calls_kpi_rollup on calls`.execute(db);
  await sql`drop function kpi_tasks_rollup, kpi_cases_rollup, kpi_case_apply, kpi_case_add, kpi_calls_rollup, kpi_call_apply`.execute(db);
  await db.schema.dropTable('kpi_case_hours').execute();
  await db.schema.dropIndex('tasks_case_idx').execute();
  await db.schema.dropIndex('cases_ageing_idx').execute();
  await db.schema.dropTable('kpi_call_hours').execute();
  await sql`drop aggregate kpi_sum_counts(int[])`.execute(db);
  await sql`drop function kpi_sum_counts_step, kpi_add_counts, kpi_scale_counts`.execute(db);
}
