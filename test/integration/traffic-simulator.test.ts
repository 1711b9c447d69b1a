import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildRollups, rollupDifferences } from '../../db/kpi-rollups.repository.ts';
import { countedCallKpis } from '../../domain/kpi/definitions.ts';
import { writeTraffic } from '../../scripts/traffic/bulk.ts';
import { generateTraffic, milanProfile } from '../../scripts/traffic/model.ts';
import type { Tally } from '../../scripts/traffic/tally.ts';
import { staffClient, type StaffClient, startTestApi, type TestApi } from '../helpers/app.ts';

/**
 * A small bulk run of the simulator (two June days of a quarter of Milan) through the KPI endpoints:
 * every figure equals the simulator's own tally of what it wrote.
 */
let api: TestApi;
let supervisor: StaffClient;
let tally: Tally;
const range = { from: '2025-06-09T00:00:00+02:00', to: '2025-06-11T00:00:00+02:00' };
const get = async (path: string, params: Record<string, string>) => {
  const res = await supervisor.inject({ url: `/api/kpi/${path}?${new URLSearchParams(params)}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

beforeAll(async () => {
  api = await startTestApi({ workers: false });
  supervisor = await staffClient(api.app, api.t.db, { role: 'supervisor', municipalities: ['milano'] });
  const profile = {
    ...milanProfile('2025-06-09', '2025-06-11'),
    callsPerYear: 300_000,
    writtenPerMonth: { web: 1_500, email: 2_500, social: 750 },
  };
  tally = await writeTraffic(api.t.db, generateTraffic(profile, 42), { rollups: 'triggers' });
});
afterAll(() => api?.stop());

describe('a bulk run of the simulator', () => {
  it('gives call KPIs equal to its own tally', async () => {
    expect(tally.callsOffered).toBeGreaterThan(1_000);
    const k = await get('calls', range);
    expect(k.source).toBe('days');
    const abandoned = tally.abandonedAll - tally.shortAbandoned;
    expect(k.totals).toMatchObject({
      callsOffered: tally.callsOffered,
      callsAnswered: tally.callsAnswered,
      callsAbandoned: abandoned,
      shortAbandoned: tally.shortAbandoned,
      callsTransferred: tally.callsTransferred,
      answeredWithinThreshold: tally.answeredWithinThreshold,
      serviceLevel: tally.answeredWithinThreshold / (tally.callsAnswered + abandoned),
      abandonmentRate: abandoned / (tally.callsOffered - tally.shortAbandoned),
    });
    expect(k.totals.averageSpeedOfAnswerSeconds).toBeCloseTo(tally.waitSum / tally.callsAnswered, 2);
    expect(k.totals.averageTalkSeconds).toBeCloseTo(tally.talkSum / tally.talked, 2);
    expect(k.heatMap.reduce((n: number, c: { callsOffered: number }) => n + c.callsOffered, 0)).toBe(tally.callsOffered);
  });

  it('lists behind every call count and heat-map cell as many calls as the figure', async () => {
    const total = async (filter: Record<string, unknown>) => {
      const res = await supervisor.inject({ url: `/api/calls?${new URLSearchParams({ filter: JSON.stringify(filter), range: '[0,0]' })}` });
      expect(res.statusCode, res.body).toBe(200);
      return Number(String(res.headers['content-range']).split('/')[1]);
    };
    for (const thresholds of [{}, { serviceLevelSeconds: '45', shortAbandonSeconds: '12' }] as Record<string, string>[]) {
      const k = await get('calls', { ...range, ...thresholds });
      for (const kpi of countedCallKpis) {
        expect(await total({ kpi, ...range, ...k.thresholds }), kpi).toBe(k.totals[kpi]);
      }
      for (const { weekday, hour, callsOffered } of k.heatMap as { weekday: number; hour: number; callsOffered: number }[]) {
        expect(await total({ kpi: 'callsOffered', ...range, weekday, hour }), `${weekday} ${hour}`).toBe(callsOffered);
      }
    }
  });

  it('gives case KPIs equal to its own tally', async () => {
    const k = await get('cases', range);
    expect(k.totals).toMatchObject({
      casesOpened: tally.casesOpened,
      casesClosed: tally.casesClosed,
      resolvedFirstLevel: tally.resolvedFirstLevel,
      backlog: tally.casesOpened - tally.casesResolved,
      tasksDone: tally.tasksDone,
      tasksOnTime: tally.tasksOnTime,
      slaBreaches: tally.slaBreaches,
      solicitations: tally.solicitations,
      complaints: tally.complaints,
      callbacksAttempted: tally.callbacksAttempted,
      callbacksAnswered: tally.callbacksAnswered,
      surveyAnswers: tally.surveyAnswers,
      satisfied: tally.satisfied,
    });
  });

  it('leaves rollups equal to the raw rows, by triggers and by a rebuild', async () => {
    expect(await rollupDifferences(api.t.db)).toEqual([]);
    const before = await get('calls', { ...range, bucket: 'hour' });
    await api.t.db.transaction().execute(rebuildRollups);
    expect(await rollupDifferences(api.t.db)).toEqual([]);
    expect(await get('calls', { ...range, bucket: 'hour' })).toEqual(before);
  });
});
