import { parseArgs } from 'node:util';
import { demoLines } from '../catalog/lines.ts';
import { localDayOf } from '../domain/calendar.ts';
import { ConfigError, loadConfig, runMain } from '../platform/config.ts';
import { createDb } from '../db/connection.ts';
import { startThrowawayDatabase } from './throwaway-platform.ts';
import { driveAccelerated, readKpis, SimulatedPhones } from './traffic/accelerated.ts';
import { writeTraffic } from './traffic/bulk.ts';
import { driveLive, playLiveCalls } from './traffic/live.ts';
import { generateTraffic, milan2018, milanProfile, scaledProfile } from './traffic/model.ts';
import { addToTally, calibrationRows, emptyTally, kpiComparison, type Tally } from './traffic/tally.ts';
import { startTimeSkippingPlatform } from './traffic/time-skipping-platform.ts';

/**
 * `npm run simulate -- <mode>`: a city's contact traffic (scripts/traffic/model.ts), Milan's
 * profile calibrated on its 2018 figures.
 *   calibrate                 the year 2018 in memory, compared with Milan's figures
 *   bulk [--from --to --scale --seed]   rows into DATABASE_URL (a demo or benchmark database), then the comparison
 *   live --api URL --key KEY [--contacts 10 --calls 10 --speedup 1 --line mi-020202 --cti-token T --line-number N --agent giulia.operatrice]
 *                             at real pace on a running platform: written contacts through its API, calls on a line's CTI webhook
 *   accelerated [--from tomorrow --days 2 --scale 0.002 --seed --pg-port 54345]   the range through a platform of its own
 *     on the time-skipping server (calls through the telephony ingestion, the rest through the API), then its KPIs beside the tally
 */
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    from: { type: 'string' },
    to: { type: 'string' },
    days: { type: 'string', default: '2' },
    scale: { type: 'string' },
    seed: { type: 'string', default: '2018' },
    api: { type: 'string', default: 'http://127.0.0.1:3000' },
    key: { type: 'string' },
    contacts: { type: 'string', default: '10' },
    calls: { type: 'string', default: '10' },
    line: { type: 'string', default: 'mi-020202' },
    'cti-token': { type: 'string' },
    'line-number': { type: 'string' },
    agent: { type: 'string', default: 'giulia.operatrice' },
    speedup: { type: 'string', default: '1' },
    'pg-port': { type: 'string', default: '54345' },
  },
});
const mode = positionals[0];
// The accelerated mode's clock starts at today's: its range is ahead (tomorrow on), and small.
const accelerated = mode === 'accelerated';
const isoDay = (at: number) => new Date(at).toISOString().slice(0, 10);
const from = values.from ?? (accelerated ? localDayOf(Date.now() + 86_400_000) : '2018-01-01');
const to = values.to ?? (accelerated ? isoDay(Date.parse(from) + Number(values.days) * 86_400_000) : '2019-01-01');
const scale = Number(values.scale ?? (accelerated ? '0.002' : '1'));

/** Milan's profile over the range asked, its yearly volumes times `scale`. */
const profile = () => scaledProfile(milanProfile(from, to), scale);

/** The comparison with Milan 2018, the city's counts prorated to the days and scale simulated. */
function printCalibration(t: Tally, days: number, scale: number) {
  const f = (days / 365) * scale;
  const target = {
    ...milan2018,
    offered: milan2018.offered * f,
    answered: milan2018.answered * f,
    abandoned: milan2018.abandoned * f,
    transferred: milan2018.transferred * f,
  };
  console.log(`\n| figure | Milan 2018${f === 1 ? '' : ` × ${f.toFixed(4)}`} | simulated | deviation |\n| --- | ---: | ---: | ---: |`);
  for (const r of calibrationRows(t, target)) {
    console.log(
      `| ${r.figure} | ${Math.round(r.city).toLocaleString('en')} | ${Math.round(r.simulated).toLocaleString('en')} | ${(r.deviation * 100).toFixed(2)}% |`,
    );
  }
  console.log(
    `\ncases opened ${t.casesOpened.toLocaleString('en')}, office tasks done ${t.tasksDone.toLocaleString('en')} (on time ${t.tasksOnTime.toLocaleString('en')}), ` +
      `solicitations ${t.solicitations}, complaints ${t.complaints}, survey answers ${t.surveyAnswers}`,
  );
}

const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
await runMain(async () => {
  if (mode === 'calibrate') {
    const tally = emptyTally();
    for (const b of generateTraffic(profile(), Number(values.seed))) addToTally(tally, b);
    printCalibration(tally, days, scale);
  } else if (mode === 'bulk') {
    const config = loadConfig();
    if (!config.DATABASE_URL) throw new ConfigError([{ variable: 'DATABASE_URL', message: 'the database the simulated rows go into' }]);
    const db = createDb(config, config.DATABASE_URL);
    try {
      const t0 = Date.now();
      const tally = await writeTraffic(db, generateTraffic(profile(), Number(values.seed)), { rollups: 'rebuild', rowsPerInsert: 20_000 });
      console.log(
        `SIMULATION written in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${tally.callsOffered.toLocaleString('en')} calls, ${tally.casesOpened.toLocaleString('en')} cases (ids sim-…/SIM-…)`,
      );
      printCalibration(tally, days, scale);
    } finally {
      await db.destroy();
    }
  } else if (mode === 'live') {
    const contacts = Number(values.contacts);
    const calls = Number(values.calls);
    if (contacts > 0 && !values.key)
      throw new ConfigError([
        { variable: '--key', message: 'an API key of a role that may open cases (operator, supervisor), or --contacts 0' },
      ]);
    // The demo line's token and number unless given (a real line's token is its administrator's).
    const demo = demoLines.find((l) => l.id === values.line);
    const line = { id: values.line, token: values['cti-token'] ?? demo?.ctiToken, number: values['line-number'] ?? demo?.numbers[0] };
    if (calls > 0 && (!line.token || !line.number)) {
      throw new ConfigError([
        { variable: '--cti-token, --line-number', message: `the CTI token and a number of line ${line.id}, or --calls 0` },
      ]);
    }
    const common = {
      baseUrl: values.api,
      speedup: Number(values.speedup),
      profile: scaledProfile(milanProfile(), scale),
      seed: Number(values.seed),
      log: console.log,
    };
    const [cases, played] = await Promise.all([
      contacts > 0 ? driveLive({ ...common, apiKey: values.key!, contacts }) : [],
      calls > 0
        ? playLiveCalls({ ...common, line: { id: line.id, token: line.token!, number: line.number! }, agent: values.agent, calls })
        : [],
    ]);
    const count = (cause: string) => played.filter((c) => c.endCause === cause).length;
    console.log(
      `SIMULATION live: ${cases.length} written contacts opened; ${played.length} calls played on ${line.id}: ` +
        `${count('normal') + count('transferred')} answered (${count('transferred')} transferred), ${count('abandoned')} abandoned, ${count('no-answer')} not reached`,
    );
  } else if (accelerated) {
    const t0 = Date.now();
    const database = await startThrowawayDatabase(Number(values['pg-port']));
    try {
      const p = profile();
      const phones = new SimulatedPhones(p.callbackAnsweredShare);
      const platform = await startTimeSkippingPlatform({ db: database.db, dialer: phones });
      try {
        const baseUrl = await platform.app.listen({ host: '127.0.0.1', port: 0 });
        const t1 = Date.now();
        console.log(
          `platform up in ${((t1 - t0) / 1000).toFixed(1)} s (embedded PostgreSQL, time-skipping Temporal, workers, API at ${baseUrl}); playing ${from} to ${to}`,
        );
        const run = await driveAccelerated({ platform, baseUrl, phones, profile: p, seed: Number(values.seed), log: console.log });
        console.log(
          `SIMULATION played in ${((Date.now() - t1) / 1000).toFixed(1)} s: ${run.stats.steps} steps, ${run.stats.casesFromCalls} cases opened from calls, ` +
            `${run.stats.abandonedCallbackAttempts} call-back attempts to callers who hung up, ${run.stats.complaintsRefused} complaints refused (case closed)`,
        );
        const { calls, cases } = await readKpis(run);
        console.log('\n| figure | simulator | KPI endpoints |\n| --- | ---: | ---: |');
        for (const r of kpiComparison(run.tally, calls, cases)) console.log(`| ${r.figure} | ${r.simulated ?? '–'} | ${r.kpi ?? '–'} |`);
      } finally {
        await platform.stop();
      }
    } finally {
      await database.stop();
    }
  } else {
    throw new ConfigError([{ variable: 'mode', message: 'one of calibrate, bulk, live, accelerated' }]);
  }
});
