import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoReferenceData } from '../../scripts/seed.ts';
import { type AcceleratedRun, driveAccelerated, readKpis, SimulatedPhones } from '../../scripts/traffic/accelerated.ts';
import { milanProfile } from '../../scripts/traffic/model.ts';
import { kpiComparison } from '../../scripts/traffic/tally.ts';
import { startTimeSkippingPlatform, type TimeSkippingPlatform } from '../../scripts/traffic/time-skipping-platform.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

/**
 * A small accelerated run: a working week (Monday to Friday) of a small Milan, played through the
 * API and the telephony ingestion on the time-skipping server. The KPI endpoints agree with the
 * simulator's tally, and the workflows' own timers did their part (seed 11 has transfers, callbacks,
 * survey answers and office tasks opened early in the week and done late).
 */
const profile = { ...milanProfile('2030-03-04', '2030-03-09'), callsPerYear: 3_000, writtenPerMonth: { web: 15, email: 20, social: 5 } };
let t: TestDatabase;
let platform: TimeSkippingPlatform;
let run: AcceleratedRun;
let seconds: number;

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemoReferenceData(t.db);
  const phones = new SimulatedPhones(profile.callbackAnsweredShare);
  platform = await startTimeSkippingPlatform({ db: t.db, dialer: phones });
  const baseUrl = await platform.app.listen({ host: '127.0.0.1', port: 0 });
  const t0 = Date.now();
  run = await driveAccelerated({ platform, baseUrl, phones, profile, seed: 11, log: () => {} });
  seconds = (Date.now() - t0) / 1000;
});
afterAll(async () => {
  await platform?.stop();
  await t?.drop();
});

describe('an accelerated run of the simulator', () => {
  it('gives KPIs equal to its tally of what went through', async () => {
    const { calls, cases } = await readKpis(run);
    const rows = kpiComparison(run.tally, calls, cases);
    console.log(
      `accelerated run: ${run.stats.steps} steps in ${seconds.toFixed(1)} s\n${rows.map((r) => `${r.figure}: ${r.simulated} / ${r.kpi}`).join('\n')}`,
    );
    expect(run.tally.callsOffered).toBeGreaterThan(20);
    expect(run.tally.callsTransferred * run.tally.callbacksAttempted * run.tally.surveyAnswers * run.tally.slaBreaches).toBeGreaterThan(0);
    for (const r of rows) expect(r.kpi, r.figure).toBe(r.simulated);
  });

  it("opened the calls' cases through the ingestion", async () => {
    expect(run.stats.casesFromCalls).toBeGreaterThan(5);
    const attached = await t.db
      .selectFrom('case_events')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('type', '=', 'call.attached')
      .executeTakeFirstOrThrow();
    expect(Number(attached.n)).toBe(run.stats.casesFromCalls);
    const fromCalls = await t.db
      .selectFrom('cases')
      .select('id')
      .where('channel', '=', 'phone')
      .where('description', 'like', 'Telefonata sim-%')
      .execute();
    expect(fromCalls).toHaveLength(run.stats.casesFromCalls);
  });

  it("had SLA breaches fired by the workflows' timers at the tasks' due instants", async () => {
    const breaches = await t.db
      .selectFrom('case_events')
      .innerJoin('tasks', 'tasks.case_id', 'case_events.case_id')
      .select(['case_events.at', 'case_events.actor', 'tasks.due_at'])
      .where('case_events.type', '=', 'sla.breached')
      .execute();
    expect(breaches.length).toBeGreaterThan(0);
    for (const b of breaches) {
      expect(b.actor).toBeNull();
      expect(Math.abs(b.at.getTime() - b.due_at.getTime())).toBeLessThan(5_000);
    }
  });
});
