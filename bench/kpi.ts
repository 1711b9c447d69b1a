import { rmSync } from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from '../db/database.ts';
import { CallKpiQuerySchema, CaseKpiQuerySchema, StaffingQuerySchema } from '../contracts/kpi.ts';
import { monthlyReport } from '../services/kpi-report.service.ts';
import { callKpis, caseKpis, staffing } from '../services/kpi.service.ts';
import { migrateToLatest } from '../migrations/migrate.ts';
import '../db/connection.ts'; // the API's BIGINT and DATE parsers
import { startEmbeddedPostgres, tempDirForServer } from '../platform/embedded-postgres.ts';
import { seedDemoReferenceData } from '../scripts/seed.ts';
import { writeTraffic } from '../scripts/traffic/bulk.ts';
import { generateTraffic, milanProfile, scaledProfile } from '../scripts/traffic/model.ts';

/**
 * `npm run bench:kpi [scale] [runs]`: a year (2025) of a large city — Milan's profile × scale
 * (default 1.65: about 2.1 million calls and 1.6 million cases) and a small second municipality —
 * written by the simulator's bulk mode into a throwaway embedded PostgreSQL, then each dashboard
 * query timed over `runs` repetitions (default 40) with varied ranges and filters: p50 and p95.
 * With BENCH_KPI_DIR the server's cluster is kept in that folder: a later run finds the year there
 * (migrated to the latest schema) and only times the queries.
 */
const scale = Number(process.argv[2] ?? 1.65);
const runs = Number(process.argv[3] ?? 40);

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const iso = (d: string) => new Date(d).toISOString();

const kept = process.env.BENCH_KPI_DIR;
const tmp = kept ? undefined : tempDirForServer('sportello-bench-kpi-');
const server = await startEmbeddedPostgres({
  dir: kept ? path.resolve(kept) : path.join(tmp!, 'pg'),
  port: 54342,
  database: 'sportello',
  log: () => {},
});
const pool = new pg.Pool({ connectionString: server.url, max: 4 });
// Ending the pool does not wait for its connections' sockets: the server stopping may still reach one.
pool.on('error', (err: Error & { code?: string }) => {
  if (err.code !== '57P01') throw err;
});
const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });

/** Writes the year (reference data, both lines' traffic, the rollups rebuilt) and readies it for timing. */
async function generate() {
  await seedDemoReferenceData(db);
  // A throwaway server: durability traded for load speed (the queries are timed after a checkpoint).
  await sql`alter system set synchronous_commit = off`.execute(db);
  await sql`alter system set max_wal_size = '8GB'`.execute(db);
  await sql`select pg_reload_conf()`.execute(db);

  const t0 = performance.now();
  const large = scaledProfile(milanProfile('2025-01-01', '2026-01-01'), scale);
  let last = 0;
  await writeTraffic(db, generateTraffic(large, 2025), {
    rollups: 'rebuild',
    rowsPerInsert: 20_000,
    onProgress: (t) => {
      if (t.callsOffered - last < 250_000) return;
      last = t.callsOffered;
      console.log(
        `  ${((performance.now() - t0) / 1000).toFixed(0)} s: ${t.callsOffered.toLocaleString('en')} calls, ${t.casesOpened.toLocaleString('en')} cases`,
      );
    },
  });
  // Florence: a small line beside, so that the municipality filter has something to leave out.
  const florence = {
    ...milanProfile('2025-01-01', '2026-01-01'),
    municipalityId: 'firenze',
    callsPerYear: 150_000,
    writtenPerMonth: { web: 1_000 },
    services: { 'general-information': 0.8, 'tari-refund': 0.1, 'nursery-enrolment': 0.1 },
    offices: { 'tari-refund': 'fi-tributi', 'nursery-enrolment': 'fi-istruzione', complaint: 'fi-urp' },
  };
  await writeTraffic(db, generateTraffic(florence, 55), { rollups: 'rebuild', rowsPerInsert: 20_000 });
  console.log(`  ${((performance.now() - t0) / 1000).toFixed(0)} s: written, rollups rebuilt; vacuum analyze`);
  await sql`vacuum analyze`.execute(db);
  await sql`checkpoint`.execute(db);
  console.log(`\nGenerated in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

try {
  await migrateToLatest(db);
  const written = (await sql<{ any: boolean }>`select exists (select from calls) as any`.execute(db)).rows[0]!.any;
  if (written) console.log(`reusing the year already in ${kept}`);
  else await generate();
  const counts = await sql<{ calls: string; offered: string; cases: string; events: string; call_hours: string; case_hours: string }>`
    select (select count(*) from calls) as calls, (select sum(offered) from kpi_call_hours) as offered, (select count(*) from cases) as cases, (select count(*) from case_events) as events,
           (select count(*) from kpi_call_hours) as call_hours, (select count(*) from kpi_case_hours) as case_hours`.execute(db);
  const c = counts.rows[0]!;
  console.log(
    `\n${Number(c.calls).toLocaleString('en')} call rows (${Number(c.offered).toLocaleString('en')} offered), ` +
      `${Number(c.cases).toLocaleString('en')} cases, ${Number(c.events).toLocaleString('en')} case events; rollups ${Number(c.call_hours).toLocaleString('en')} + ${Number(c.case_hours).toLocaleString('en')} rows\n`,
  );

  const both = ['milano', 'firenze'];
  const months = Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, '0')}`);
  const monthRange = (i: number) => ({
    from: iso(`${months[i % 12]}-01T00:00:00+01:00`),
    to: iso(i % 12 === 11 ? '2026-01-01T00:00:00+01:00' : `${months[(i % 12) + 1]}-01T00:00:00+01:00`),
  });
  const year = { from: iso('2025-01-01T00:00:00+01:00'), to: iso('2026-01-01T00:00:00+01:00') };
  const week = (i: number) => {
    const from = Date.parse('2025-01-06T00:00:00+01:00') + (i % 50) * 7 * 86_400_000;
    return { from: iso(new Date(from).toISOString()), to: iso(new Date(from + 7 * 86_400_000).toISOString()) };
  };
  const queues = [undefined, 'mi-informazioni', 'mi-tributi'];
  const services = [undefined, 'tari-refund', 'general-information'];
  const channels = [undefined, 'phone', 'email'] as const;
  const queries: [string, (i: number) => Promise<unknown>][] = [
    [
      'calls: a month by day',
      (i) =>
        callKpis(
          db,
          both,
          CallKpiQuerySchema.parse({ ...monthRange(i), bucket: 'day', municipalityId: i % 2 ? 'milano' : undefined, queue: queues[i % 3] }),
        ),
    ],
    [
      'calls: the year by month',
      (i) =>
        callKpis(
          db,
          both,
          CallKpiQuerySchema.parse({ ...year, bucket: 'month', queue: queues[i % 3], serviceLevelSeconds: 20 + (i % 4) * 10 }),
        ),
    ],
    [
      'calls: the year by day',
      (i) => callKpis(db, both, CallKpiQuerySchema.parse({ ...year, bucket: 'day', municipalityId: i % 2 ? 'milano' : undefined })),
    ],
    ['calls: a week by hour', (i) => callKpis(db, both, CallKpiQuerySchema.parse({ ...week(i), bucket: 'hour', queue: queues[i % 3] }))],
    [
      'calls: a ragged day (raw rows)',
      (i) =>
        callKpis(
          db,
          both,
          CallKpiQuerySchema.parse({
            from: iso(`2025-06-${String(1 + (i % 28)).padStart(2, '0')}T08:30:00+02:00`),
            to: iso(`2025-06-${String(1 + (i % 28)).padStart(2, '0')}T20:15:00+02:00`),
            bucket: 'hour',
          }),
        ),
    ],
    [
      'cases: a month by day',
      (i) =>
        caseKpis(
          db,
          both,
          CaseKpiQuerySchema.parse({ ...monthRange(i), bucket: 'day', serviceCode: services[i % 3], channel: channels[(i >> 1) % 3] }),
        ),
    ],
    [
      'cases: the year by month',
      (i) =>
        caseKpis(
          db,
          both,
          CaseKpiQuerySchema.parse({
            ...year,
            bucket: 'month',
            municipalityId: i % 2 ? 'milano' : undefined,
            serviceCode: services[i % 3],
          }),
        ),
    ],
    [
      'cases: a week by hour',
      (i) => caseKpis(db, both, CaseKpiQuerySchema.parse({ ...week(i), bucket: 'hour', officeId: i % 2 ? 'mi-tributi' : undefined })),
    ],
    [
      'staffing: 2 weeks from 4 of history',
      (i) =>
        staffing(
          db,
          both,
          StaffingQuerySchema.parse({ from: week(i + 10).from, municipalityId: 'milano' }),
          Date.parse('2026-01-01T00:00:00Z'),
        ),
    ],
    [
      'monthly report (3 periods)',
      (i) => monthlyReport(db, both, { month: months[i % 12]!, municipalityId: i % 2 ? 'milano' : undefined }),
    ],
  ];
  const rows: { query: string; p50: number; p95: number; max: number }[] = [];
  for (const [name, run] of queries) {
    await run(0); // warm the plan and the cache as a dashboard in use would be
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const s = performance.now();
      await run(i);
      times.push(performance.now() - s);
    }
    rows.push({ query: name, p50: quantile(times, 0.5), p95: quantile(times, 0.95), max: Math.max(...times) });
  }
  console.log(`| dashboard query (${runs} runs, varied filters) | p50 ms | p95 ms | max ms |\n| --- | ---: | ---: | ---: |`);
  for (const r of rows) console.log(`| ${r.query} | ${r.p50.toFixed(0)} | ${r.p95.toFixed(0)} | ${r.max.toFixed(0)} |`);
  const over = rows.filter((r) => r.p95 >= 200);
  console.log(over.length === 0 ? '\nevery p95 under 200 ms' : `\np95 at or over 200 ms: ${over.map((r) => r.query).join(', ')}`);
} finally {
  await db.destroy();
  await server.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}
