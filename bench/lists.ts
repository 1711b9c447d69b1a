import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from '../db/database.ts';
import { type CaseListFilter, caseListQueries, listCaseRows } from '../db/cases.repository.ts';
import { listTaskRows, type TaskListFilter, taskListQueries } from '../db/tasks.repository.ts';
import { migrateToLatest } from '../migrations/migrate.ts';
import * as listIndexes from '../migrations/2026_12_02_1420_list_indexes.ts';
import '../db/connection.ts'; // the API's BIGINT and DATE parsers
import { startEmbeddedPostgres, tempDirForServer } from '../platform/embedded-postgres.ts';
import { seedDemoReferenceData } from '../scripts/seed.ts';

/**
 * `npm run bench:lists [millions] [runs]`: `millions` of cases (default 10; 70 % Milan's, the
 * caller's scope, the rest Florence's) and their tasks written with generate_series into a
 * throwaway embedded PostgreSQL, then the first page of each list filter the console offers timed
 * as the API runs it (rows and capped count together, `runs` times after a warm-up, default 30):
 * p50, p95 and the main node of each query's plan. The list indexes (migration 2026_12_02_1420) are
 * built after the load, as on a city's existing database, and their build time printed. With
 * BENCH_LISTS_DIR the cluster is kept there: a later run finds the cases and only times the lists.
 */
const millions = Number(process.argv[2] ?? 10);
const runs = Number(process.argv[3] ?? 30);
const total = Math.round(millions * 1_000_000);

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const seconds = (t0: number) => `${((performance.now() - t0) / 1000).toFixed(0)} s`;
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });

const kept = process.env.BENCH_LISTS_DIR;
const tmp = kept ? undefined : tempDirForServer('sportello-bench-lists-');
const server = await startEmbeddedPostgres({
  dir: kept ? path.resolve(kept) : path.join(tmp!, 'pg'),
  port: await freePort(),
  database: 'sportello',
  log: () => {},
});
// The superuser: the load sets server settings and skips triggers (session_replication_role).
const pool = new pg.Pool({ connectionString: server.adminUrl, max: 4 });
// Ending the pool does not wait for its connections' sockets: the server stopping may still reach one.
pool.on('error', (err: Error & { code?: string }) => {
  if (err.code !== '57P01') throw err;
});
const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });

/**
 * The cases, a million per statement: Milan's (70 %) and Florence's, over five years, newest last;
 * 8 % open (in the office, a few waiting on the citizen), each open one with an open task (5 %
 * breached, 15 % in warning, 2 % escalated) and one in five closed ones with its done task. One in
 * 200 descriptions mentions a "sollecito", what the matching free-text search looks for.
 */
async function load() {
  await seedDemoReferenceData(db);
  // A throwaway server: durability traded for load speed.
  await sql`alter system set synchronous_commit = off`.execute(db);
  await sql`alter system set max_wal_size = '16GB'`.execute(db);
  await sql`alter system set maintenance_work_mem = '1GB'`.execute(db);
  await sql`select pg_reload_conf()`.execute(db);
  // The list indexes are built after the load (below); the ones before them are kept up as rows come.
  await listIndexes.down(db);
  const t0 = performance.now();
  const subjects = ['Rimborso TARI', 'Cambio di residenza', 'Multa Area C', 'Buca in via Padova', 'Orari anagrafe', 'Reclamo sportello'];
  const step = 1_000_000;
  for (let from = 1; from <= total; from += step) {
    const to = Math.min(total, from + step - 1);
    await db.connection().execute(async (c) => {
      // The KPI rollup triggers cost milliseconds a row and no list reads them.
      await sql`set session_replication_role = replica`.execute(c);
      await sql`
        with s as (select municipality_id, array_agg(code order by code) as codes, array_agg(distinct office_id) as offices
                   from services group by municipality_id),
        written as (
          insert into cases (id, municipality_id, service_code, channel, subject, description, citizen, status, stage, outcome,
                             created_at, updated_at, resolved_at, last_seq, definition_version, office_id)
          select 'C-' || extract(year from g.created) || '-' || lpad(i::text, 8, '0'),
                 g.m, (s.codes)[1 + i % array_length(s.codes, 1)], (array['phone','web','email','social','open311','counter'])[1 + (i / 7) % 6],
                 (${subjects}::text[])[1 + i % 6] || ' n. ' || i,
                 case when i % 200 = 0 then 'Sollecito del cittadino, pratica ' || i else 'Richiesta registrata allo sportello, pratica ' || i end,
                 jsonb_build_object('phone', '+3934' || lpad((i % 10000000)::text, 8, '0')),
                 case when i % 100 < 8 then 'open' else 'resolved' end,
                 case when i % 100 < 8 then (case when i % 10 = 0 then 'waiting-citizen' else 'office' end) else 'closed' end,
                 case when i % 100 < 8 then null else 'resolved' end,
                 g.created, g.created + interval '1 day', case when i % 100 < 8 then null else g.created + interval '3 days' end,
                 5, 1, (s.offices)[1 + i % array_length(s.offices, 1)]
          from generate_series(${from}::bigint, ${to}::bigint) i
          cross join lateral (select case when i % 10 < 7 then 'milano' else 'firenze' end as m,
                                     timestamptz '2021-01-01' + (i::float8 / ${total}) * interval '5 years 11 months' as created) g
          join s on s.municipality_id = g.m
          returning id, status, office_id, created_at, updated_at)
        insert into tasks (id, case_id, office_id, assignee, status, warning_at, due_at, sla_state, escalated, created_at, updated_at, last_seq)
        select w.id || ':1', w.id, w.office_id, null, case when w.status = 'open' then 'open' else 'done' end,
               w.created_at + interval '4 days', w.created_at + interval '5 days',
               case when w.status <> 'open' then 'on-track' when x.n % 20 = 0 then 'breached' when x.n % 20 < 4 then 'warning' else 'on-track' end,
               w.status = 'open' and x.n % 50 = 1, w.created_at, w.updated_at, 1
        from written w cross join lateral (select substring(w.id from 8)::bigint as n) x
        where w.status = 'open' or x.n % 5 = 0`.execute(c);
    });
    console.log(`  ${seconds(t0)}: ${to.toLocaleString('en')} cases`);
  }
  const t1 = performance.now();
  await listIndexes.up(db);
  console.log(`  list indexes (migration 2026_12_02_1420) built in ${seconds(t1)}; vacuum analyze`);
  await sql`vacuum analyze`.execute(db);
  await sql`checkpoint`.execute(db);
  console.log(`loaded in ${seconds(t0)}`);
}

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}
/** A plan's main node: its first scan (depth first), with the index or table it reads. */
function mainNode(plan: PlanNode): string {
  const scans: string[] = [];
  const walk = (n: PlanNode) => {
    if (n['Node Type'].includes('Scan') && n['Relation Name'] !== 'municipalities' && n['Relation Name'] !== 'services')
      scans.push(`${n['Node Type']} ${n['Index Name'] ?? n['Relation Name'] ?? ''}`.trim());
    for (const p of n.Plans ?? []) walk(p);
  };
  walk(plan);
  return scans.slice(0, 2).join(' + ') || plan['Node Type'];
}
/** The plan the list runs with: free text's count without sequential scans, as `listCaseRows` runs it. */
async function explain(q: { sql: string; parameters: readonly unknown[] }, withoutSeqScan = false): Promise<string> {
  const client = await pool.connect();
  try {
    await client.query(withoutSeqScan ? 'set enable_seqscan = off' : 'reset enable_seqscan');
    const { rows } = await client.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(`explain (format json) ${q.sql}`, [...q.parameters]);
    return mainNode(rows[0]!['QUERY PLAN'][0]!.Plan);
  } finally {
    await client.query('reset enable_seqscan');
    client.release();
  }
}

const scope = ['milano'];
const page = { offset: 0, limit: 25 };
type Case = { kind: 'cases'; filter: CaseListFilter };
type Task = { kind: 'tasks'; filter: TaskListFilter };
const lists: [string, Case | Task][] = [
  ['cases: no filter', { kind: 'cases', filter: {} }],
  ['cases: status open', { kind: 'cases', filter: { status: 'open' } }],
  ['cases: service tari-refund', { kind: 'cases', filter: { serviceCode: 'tari-refund' } }],
  ['cases: office mi-strade', { kind: 'cases', filter: { officeId: 'mi-strade' } }],
  ['cases: channel counter', { kind: 'cases', filter: { channel: 'counter' } }],
  ['cases: stage waiting-citizen', { kind: 'cases', filter: { stage: 'waiting-citizen' } }],
  ['cases: SLA breached', { kind: 'cases', filter: { slaState: 'breached' } }],
  ['cases: q matching ("sollecito")', { kind: 'cases', filter: { q: 'sollecito' } }],
  ['cases: q matching nothing', { kind: 'cases', filter: { q: 'zqxjkw' } }],
  ['tasks: open queue', { kind: 'tasks', filter: {} }],
  ['tasks: office mi-tributi', { kind: 'tasks', filter: { officeId: 'mi-tributi' } }],
  ['tasks: SLA breached', { kind: 'tasks', filter: { slaState: 'breached' } }],
  ['tasks: escalated', { kind: 'tasks', filter: { escalated: true } }],
];

try {
  await migrateToLatest(db);
  const loaded = (await sql<{ any: boolean }>`select exists (select from cases) as any`.execute(db)).rows[0]!.any;
  if (loaded) console.log(`reusing the cases already in ${kept}`);
  else await load();
  const counts = (
    await sql<{ cases: string; scoped: string; tasks: string; open: string }>`
      select (select count(*) from cases) as cases, (select count(*) from cases where municipality_id = 'milano') as scoped,
             (select count(*) from tasks) as tasks, (select count(*) from tasks where status <> 'done') as open`.execute(db)
  ).rows[0]!;
  const load1 = os.loadavg()[0]!.toFixed(2);
  console.log(
    `\n${Number(counts.cases).toLocaleString('en')} cases (${Number(counts.scoped).toLocaleString('en')} in the caller's scope), ` +
      `${Number(counts.tasks).toLocaleString('en')} tasks (${Number(counts.open).toLocaleString('en')} open); load average ${load1}\n`,
  );
  console.log(
    `| first page (${runs} runs) | p50 ms | p95 ms | total | rows: main node | count: main node |\n| --- | ---: | ---: | --- | --- | --- |`,
  );
  for (const [name, l] of lists) {
    const run = () =>
      l.kind === 'cases' ? listCaseRows(db, scope, l.filter, ['createdAt', 'DESC'], page) : listTaskRows(db, scope, l.filter, 'ASC', page);
    const first = await run(); // warm the plan and the cache, as a list in use would be
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const s = performance.now();
      await run();
      times.push(performance.now() - s);
    }
    const q =
      l.kind === 'cases'
        ? caseListQueries(db, scope, l.filter, ['createdAt', 'DESC'], page)
        : taskListQueries(db, scope, l.filter, 'ASC', page);
    const countPlan = await explain(q.count.compile(db), 'countWithoutSeqScan' in q && q.countWithoutSeqScan);
    const rowsPlan = await explain(q.rows.compile());
    const shown = typeof first.total === 'number' ? String(first.total) : `> ${first.total.moreThan}`;
    console.log(
      `| ${name} | ${quantile(times, 0.5).toFixed(1)} | ${quantile(times, 0.95).toFixed(1)} | ${shown} | ${rowsPlan} | ${countPlan} |`,
    );
  }
  console.log(`\nload average at the end ${os.loadavg()[0]!.toFixed(2)} (${os.cpus().length} cores)`);
} finally {
  await db.destroy();
  await server.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}
