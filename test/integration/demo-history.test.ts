import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rollupDifferences } from '../../db/kpi-rollups.repository.ts';
import { demoHistoryRange, seedDemoHistory } from '../../scripts/demo-history.ts';
import { seedDemoReferenceData } from '../../scripts/seed.ts';
import type { Tally } from '../../scripts/traffic/tally.ts';
import { staffClient, type StaffClient, startTestApi, type TestApi } from '../helpers/app.ts';

/** The demo's simulated history, as `npm start` writes it: 13 months, settled, once. */
let api: TestApi;
let supervisor: StaffClient;
let tally: Tally | null;
// 10:00 in Milan on 25 November 2026.
const now = Date.parse('2026-11-25T09:00:00Z');

beforeAll(async () => {
  api = await startTestApi({ workers: false });
  await seedDemoReferenceData(api.t.db);
  supervisor = await staffClient(api.app, api.t.db, { role: 'supervisor', municipalities: ['milano'] });
  tally = await seedDemoHistory(api.t.db, { months: 13, scale: 0.002, now });
});
afterAll(() => api?.stop());

describe('the demo history', () => {
  it('covers this month and the same month last year, up to yesterday', () => {
    expect(demoHistoryRange(13, now)).toEqual({ from: '2025-11-01', to: '2026-11-25' });
    expect(demoHistoryRange(1, now)).toEqual({ from: '2026-11-01', to: '2026-11-25' });
    // Just after midnight on New Year's Day in Milan (still 31 December in UTC).
    expect(demoHistoryRange(2, Date.parse('2026-12-31T23:30:00Z'))).toEqual({ from: '2026-12-01', to: '2027-01-01' });
  });

  it('is settled: no simulated case or task is left open, none is dated today or later', async () => {
    expect(tally!.casesOpened).toBeGreaterThan(1_000);
    const open = await api.t.db
      .selectFrom('cases')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('id', 'like', 'SIM-%')
      .where('status', '=', 'open')
      .executeTakeFirstOrThrow();
    const openTasks = await api.t.db
      .selectFrom('tasks')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('case_id', 'like', 'SIM-%')
      .where('status', '!=', 'done')
      .executeTakeFirstOrThrow();
    expect([Number(open.n), Number(openTasks.n)]).toEqual([0, 0]);
    const latest = await api.t.db
      .selectFrom('case_events')
      .select((eb) => eb.fn.max('at').as('at'))
      .where('case_id', 'like', 'SIM-%')
      .executeTakeFirstOrThrow();
    expect(new Date(latest.at!).getTime()).toBeLessThan(Date.parse('2026-11-24T23:00:00Z'));
  });

  it('feeds the monthly report with this month and the same month last year', async () => {
    const res = await supervisor.inject({ url: '/api/kpi/report?month=2026-11&municipalityId=milano' });
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json();
    const offered = report.kpis.find((k: { id: string }) => k.id === 'callsOffered');
    expect(offered.value).toBeGreaterThan(0);
    expect(offered.lastYear).toBeGreaterThan(0);
    expect(await rollupDifferences(api.t.db)).toEqual([]);
  });

  it('is written once: a second start adds nothing', async () => {
    const count = async () =>
      Number(
        (
          await api.t.db
            .selectFrom('calls')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    expect(await seedDemoHistory(api.t.db, { months: 13, scale: 0.002, now: now + 40 * 86_400_000 })).toBeNull();
    expect(await count()).toBe(before);
  });
});
