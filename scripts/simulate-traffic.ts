import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, runMain } from '../platform/config.ts';
import { createDb } from '../platform/db.ts';
import { writeTraffic } from './traffic/bulk.ts';
import { driveLive } from './traffic/live.ts';
import { generateTraffic, milan2018, milanProfile, scaledProfile } from './traffic/model.ts';
import { addToTally, calibrationRows, emptyTally, type Tally } from './traffic/tally.ts';

/**
 * `npm run simulate -- <mode>`: a city's contact traffic (scripts/traffic/model.ts), Milan's
 * profile calibrated on its 2018 figures.
 *   calibrate                 the year 2018 in memory, compared with Milan's figures
 *   bulk [--from --to --scale --seed]   rows into DATABASE_URL (a demo or benchmark database), then the comparison
 *   live --api URL --key KEY [--contacts 10 --speedup 1]   cases through a running platform's API at real pace
 */
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    from: { type: 'string', default: '2018-01-01' }, to: { type: 'string', default: '2019-01-01' },
    scale: { type: 'string', default: '1' }, seed: { type: 'string', default: '2018' },
    api: { type: 'string', default: 'http://127.0.0.1:3000' }, key: { type: 'string' },
    contacts: { type: 'string', default: '10' }, speedup: { type: 'string', default: '1' },
  },
});

/** Milan's profile over the range asked, its yearly volumes times `scale`. */
const profile = () => scaledProfile(milanProfile(values.from, values.to), Number(values.scale));

/** The comparison with Milan 2018, the city's counts prorated to the days and scale simulated. */
function printCalibration(t: Tally, days: number, scale: number) {
  const f = (days / 365) * scale;
  const target = { ...milan2018, offered: milan2018.offered * f, answered: milan2018.answered * f, abandoned: milan2018.abandoned * f, transferred: milan2018.transferred * f };
  console.log(`\n| figure | Milan 2018${f === 1 ? '' : ` × ${f.toFixed(4)}`} | simulated | deviation |\n| --- | ---: | ---: | ---: |`);
  for (const r of calibrationRows(t, target)) {
    console.log(`| ${r.figure} | ${Math.round(r.city).toLocaleString('en')} | ${Math.round(r.simulated).toLocaleString('en')} | ${(r.deviation * 100).toFixed(2)}% |`);
  }
  console.log(`\ncases opened ${t.casesOpened.toLocaleString('en')}, office tasks done ${t.tasksDone.toLocaleString('en')} (on time ${t.tasksOnTime.toLocaleString('en')}), `
    + `solicitations ${t.solicitations}, complaints ${t.complaints}, survey answers ${t.surveyAnswers}`);
}

const days = (Date.parse(values.to) - Date.parse(values.from)) / 86_400_000;
await runMain(async () => {
  const mode = positionals[0];
  if (mode === 'calibrate') {
    const tally = emptyTally();
    for (const b of generateTraffic(profile(), Number(values.seed))) addToTally(tally, b);
    printCalibration(tally, days, Number(values.scale));
  } else if (mode === 'bulk') {
    const config = loadConfig();
    if (!config.DATABASE_URL) throw new ConfigError([{ variable: 'DATABASE_URL', message: 'the database the simulated rows go into' }]);
    const db = createDb(config, config.DATABASE_URL);
    try {
      const t0 = Date.now();
      const tally = await writeTraffic(db, generateTraffic(profile(), Number(values.seed)), { rollups: 'rebuild', rowsPerInsert: 20_000 });
      console.log(`SIMULATION written in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${tally.callsOffered.toLocaleString('en')} calls, ${tally.casesOpened.toLocaleString('en')} cases (ids sim-…/SIM-…)`);
      printCalibration(tally, days, Number(values.scale));
    } finally {
      await db.destroy();
    }
  } else if (mode === 'live') {
    if (!values.key) throw new ConfigError([{ variable: '--key', message: 'an API key of a role that may open cases (operator, supervisor)' }]);
    await driveLive({
      baseUrl: values.api, apiKey: values.key, contacts: Number(values.contacts), speedup: Number(values.speedup),
      profile: milanProfile(), seed: Number(values.seed), log: console.log,
    });
  } else {
    throw new ConfigError([{ variable: 'mode', message: 'one of calibrate, bulk, live' }]);
  }
});
