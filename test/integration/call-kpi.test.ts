import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordCallEvent } from '../../db/calls.repository.ts';
import { rebuildRollups, rollupDifferences } from '../../db/kpi-rollups.repository.ts';
import type { CallEvent, EndCause } from '../../domain/call-events.ts';
import { expectProblem, staffClient, type StaffClient, startTestApi, type TestApi } from '../helpers/app.ts';
import type { TestDatabase } from '../helpers/db.ts';

/**
 * The call KPIs against a small set of calls recorded event by event (so the rollup triggers see
 * each update), each figure computed by hand below. Rome local time, March 2025 (CET, UTC+1);
 * the range is Monday 3 to Wednesday 5 March. Milan's line unless said; queue "generale" unless said.
 *
 *   C1   Mon 09:00:00  answered 09:00:10 (10 s), ended 09:05:10 (talk 300 s)
 *   C2   Mon 09:30:00  queue "tributi", answered 09:30:30 (30 s), transferred at 09:34:30 (talk 240 s); its leg C2T is no new call
 *   C3   Mon 10:00:00  abandoned after 3 s (short)
 *   C4   Mon 10:15:00  abandoned after 45 s
 *   C11  Tue 00:30:00  (Monday 23:30 UTC) abandoned after 5 s: not short, short is under 5 s
 *   C5   Tue 14:00:00  answered 14:00:20 (20 s, within the 20 s), ended 14:10:20 (talk 600 s)
 *   C6   Tue 14:20:00  answered 14:21:00 (60 s), still talking
 *   C7   Wed 08:00:00  no answer (not answered, not abandoned)
 *   C8   Wed 08:30:00  outbound: not a call offered
 *   C9   Wed 09:00:00  Florence's line, answered after 15 s, talk 100 s
 *   C10  Thu 6 Mar 09:00:00, after the range; C12 Mon 10 Mar 09:10, the week the staffing forecasts
 */
const rome = (local: string) => new Date(`2025-${local}+01:00`);
const range = { from: '2025-03-03T00:00:00+01:00', to: '2025-03-06T00:00:00+01:00' };

let t: TestDatabase;
let api: TestApi;
let app: FastifyInstance;
let supervisor: StaffClient; // Milan only
let both: StaffClient; // an auditor of Milan and Florence

type Step = { at: string } & (
  | { type: 'connected' }
  | { type: 'ended'; cause: EndCause }
  | { type: 'abandoned'; waitSeconds: number }
  | { type: 'transferred'; leg: string }
);
async function call(
  id: string,
  started: string,
  steps: Step[],
  o: { line?: string; queue?: string; direction?: 'inbound' | 'outbound' } = {},
) {
  const at = (local: string) => rome(local).toISOString();
  let seq = 0;
  const events: CallEvent[] = [
    {
      type: 'initiated',
      callId: id,
      seq: ++seq,
      at: at(started),
      direction: o.direction ?? 'inbound',
      caller: '+393401112233',
      called: '020202',
      line: o.line ?? 'milano',
      linkedCallId: null,
    },
    { type: 'queued', callId: id, seq: ++seq, at: at(started), queue: o.queue ?? 'generale', position: 1 },
  ];
  for (const s of steps) {
    const base = { callId: id, seq: ++seq, at: at(s.at) };
    if (s.type === 'connected') events.push({ ...base, type: 'connected', agent: 'op1' });
    else if (s.type === 'ended') events.push({ ...base, type: 'ended', cause: s.cause });
    else if (s.type === 'abandoned') events.push({ ...base, type: 'abandoned', phase: 'queued', waitSeconds: s.waitSeconds });
    else {
      events.push({ ...base, type: 'transferred', mode: 'blind', target: '0288451', newCallId: s.leg });
      events.push({
        type: 'initiated',
        callId: s.leg,
        seq: 1,
        at: at(s.at),
        direction: 'inbound',
        caller: '+393401112233',
        called: '0288451',
        line: o.line ?? 'milano',
        linkedCallId: id,
      });
    }
  }
  for (const e of events) await t.db.transaction().execute((trx) => recordCallEvent(trx, e));
}

beforeAll(async () => {
  api = await startTestApi({ workers: false });
  ({ t, app } = api);
  supervisor = await staffClient(app, t.db, { role: 'supervisor', municipalities: ['milano'] });
  both = await staffClient(app, t.db, { role: 'auditor', municipalities: ['milano', 'firenze'] });

  await call('C1', '03-03T09:00:00', [
    { type: 'connected', at: '03-03T09:00:10' },
    { type: 'ended', cause: 'normal', at: '03-03T09:05:10' },
  ]);
  await call(
    'C2',
    '03-03T09:30:00',
    [
      { type: 'connected', at: '03-03T09:30:30' },
      { type: 'transferred', leg: 'C2T', at: '03-03T09:34:30' },
      { type: 'ended', cause: 'transferred', at: '03-03T09:34:30' },
    ],
    { queue: 'tributi' },
  );
  await call('C3', '03-03T10:00:00', [
    { type: 'abandoned', waitSeconds: 3, at: '03-03T10:00:03' },
    { type: 'ended', cause: 'abandoned', at: '03-03T10:00:03' },
  ]);
  await call('C4', '03-03T10:15:00', [
    { type: 'abandoned', waitSeconds: 45, at: '03-03T10:15:45' },
    { type: 'ended', cause: 'abandoned', at: '03-03T10:15:45' },
  ]);
  await call('C11', '03-04T00:30:00', [
    { type: 'abandoned', waitSeconds: 5, at: '03-04T00:30:05' },
    { type: 'ended', cause: 'abandoned', at: '03-04T00:30:05' },
  ]);
  await call('C5', '03-04T14:00:00', [
    { type: 'connected', at: '03-04T14:00:20' },
    { type: 'ended', cause: 'normal', at: '03-04T14:10:20' },
  ]);
  await call('C6', '03-04T14:20:00', [{ type: 'connected', at: '03-04T14:21:00' }]);
  await call('C7', '03-05T08:00:00', [{ type: 'ended', cause: 'no-answer', at: '03-05T08:00:30' }]);
  await call(
    'C8',
    '03-05T08:30:00',
    [
      { type: 'connected', at: '03-05T08:30:05' },
      { type: 'ended', cause: 'normal', at: '03-05T08:31:00' },
    ],
    { direction: 'outbound' },
  );
  await call(
    'C9',
    '03-05T09:00:00',
    [
      { type: 'connected', at: '03-05T09:00:15' },
      { type: 'ended', cause: 'normal', at: '03-05T09:01:55' },
    ],
    { line: 'firenze' },
  );
  await call('C10', '03-06T09:00:00', [
    { type: 'connected', at: '03-06T09:00:05' },
    { type: 'ended', cause: 'normal', at: '03-06T09:02:00' },
  ]);
  await call('C12', '03-10T09:10:00', [
    { type: 'connected', at: '03-10T09:10:05' },
    { type: 'ended', cause: 'normal', at: '03-10T09:12:00' },
  ]);
});
afterAll(() => api?.stop());

const query = (params: Record<string, string>) => new URLSearchParams(params).toString();
const get = async (client: StaffClient, params: Record<string, string>, path = 'calls') => {
  const res = await client.inject({ url: `/api/kpi/${path}?${query(params)}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

describe('call KPIs by day', () => {
  it('computes every KPI of each day and of the range as by hand, from the rollups', async () => {
    const k = await get(supervisor, { ...range, bucket: 'day' });
    expect(k).toMatchObject({ bucket: 'day', source: 'days', thresholds: { serviceLevelSeconds: 20, shortAbandonSeconds: 5 } });
    const [mon, tue, wed] = k.series;
    // Monday: C1, C2, C3, C4. Answered C1 (10 s), C2 (30 s): ASA 20, talk (300 + 240) ÷ 2. C3 is a short abandon.
    // Within 20 s: C1. Service level 1 ÷ (2 answered + 1 abandoned); abandonment 1 ÷ (4 − 1 short).
    expect(mon).toMatchObject({
      start: '2025-03-02T23:00:00.000Z',
      callsOffered: 4,
      callsAnswered: 2,
      callsAbandoned: 1,
      shortAbandoned: 1,
      callsTransferred: 1,
      answeredWithinThreshold: 1,
      averageSpeedOfAnswerSeconds: 20,
      averageTalkSeconds: 270,
      serviceLevel: 1 / 3,
      abandonmentRate: 1 / 3,
    });
    // Tuesday: C11 (abandoned at 5 s), C5 (20 s, within), C6 (60 s, still talking: no talk time yet).
    expect(tue).toMatchObject({
      callsOffered: 3,
      callsAnswered: 2,
      callsAbandoned: 1,
      shortAbandoned: 0,
      callsTransferred: 0,
      answeredWithinThreshold: 1,
      averageSpeedOfAnswerSeconds: 40,
      averageTalkSeconds: 600,
      serviceLevel: 1 / 3,
      abandonmentRate: 1 / 3,
    });
    // Wednesday: C7 only (C8 outbound, C9 Florence's).
    expect(wed).toMatchObject({
      callsOffered: 1,
      callsAnswered: 0,
      callsAbandoned: 0,
      shortAbandoned: 0,
      callsTransferred: 0,
      answeredWithinThreshold: 0,
      averageSpeedOfAnswerSeconds: null,
      averageTalkSeconds: null,
      serviceLevel: null,
      abandonmentRate: 0,
    });
    // ASA (10 + 30 + 20 + 60) ÷ 4; talk (300 + 240 + 600) ÷ 3; SL 2 ÷ (4 + 2); abandonment 2 ÷ (8 − 1).
    expect(k.totals).toEqual({
      callsOffered: 8,
      callsAnswered: 4,
      callsAbandoned: 2,
      shortAbandoned: 1,
      callsTransferred: 1,
      answeredWithinThreshold: 2,
      averageSpeedOfAnswerSeconds: 30,
      averageTalkSeconds: 380,
      serviceLevel: 1 / 3,
      abandonmentRate: 2 / 7,
    });
    // Weekday 1 = Monday, local hours.
    expect(k.heatMap).toEqual([
      { weekday: 1, hour: 9, callsOffered: 2 },
      { weekday: 1, hour: 10, callsOffered: 2 },
      { weekday: 2, hour: 0, callsOffered: 1 },
      { weekday: 2, hour: 14, callsOffered: 2 },
      { weekday: 3, hour: 8, callsOffered: 1 },
    ]);
  });

  it('moves the service-level and short-abandon thresholds', async () => {
    // 30 s: C1, C2, C5 within; no short abandons: C3, C4, C11 all count.
    const loose = await get(supervisor, { ...range, serviceLevelSeconds: '30', shortAbandonSeconds: '0' });
    expect(loose.totals).toMatchObject({
      answeredWithinThreshold: 3,
      callsAbandoned: 3,
      shortAbandoned: 0,
      serviceLevel: 3 / 7,
      abandonmentRate: 3 / 8,
    });
    // Under 50 s every abandon is short.
    const strict = await get(supervisor, { ...range, serviceLevelSeconds: '10', shortAbandonSeconds: '50' });
    expect(strict.totals).toMatchObject({
      answeredWithinThreshold: 1,
      callsAbandoned: 0,
      shortAbandoned: 3,
      serviceLevel: 1 / 4,
      abandonmentRate: 0,
    });
  });

  it('reads the raw calls for short or ragged ranges, the hourly rollup for whole hours, with the same figures', async () => {
    const k = await get(supervisor, { bucket: 'hour', from: '2025-03-03T09:00:00+01:00', to: '2025-03-03T11:00:00+01:00' });
    expect(k.source).toBe('raw');
    expect(k.series.map((p: { callsOffered: number; callsAnswered: number }) => [p.callsOffered, p.callsAnswered])).toEqual([
      [2, 2],
      [2, 0],
    ]);
    const ragged = await get(supervisor, { ...range, from: '2025-03-03T00:00:30+01:00' });
    expect(ragged.source).toBe('raw');
    const byDays = await get(supervisor, range);
    expect(ragged.totals).toEqual(byDays.totals);
    expect(ragged.heatMap).toEqual(byDays.heatMap);
    const byHours = await get(supervisor, { ...range, bucket: 'hour' });
    expect(byHours.source).toBe('hours');
    expect(byHours.totals).toEqual(byDays.totals);
    expect(byHours.heatMap).toEqual(byDays.heatMap);
  });

  it('filters by queue and municipality, and counts only the lines of the caller', async () => {
    expect((await get(supervisor, { ...range, queue: 'tributi' })).totals).toMatchObject({
      callsOffered: 1,
      callsAnswered: 1,
      callsTransferred: 1,
    });
    const all = await get(both, range);
    expect(all.totals).toMatchObject({ callsOffered: 9, callsAnswered: 5, averageSpeedOfAnswerSeconds: 27 });
    expect((await get(both, { ...range, municipalityId: 'firenze' })).totals).toMatchObject({ callsOffered: 1, averageTalkSeconds: 100 });
    expectProblem(await supervisor.inject({ url: `/api/kpi/calls?${query({ ...range, municipalityId: 'firenze' })}` }), 404, [
      'querystring.municipalityId',
    ]);
  });

  it('refuses thresholds the rollups do not keep, and callers who may not read KPIs', async () => {
    expectProblem(await supervisor.inject({ url: `/api/kpi/calls?${query({ ...range, serviceLevelSeconds: '121' })}` }), 400, [
      'querystring.serviceLevelSeconds',
    ]);
    expectProblem(await supervisor.inject({ url: `/api/kpi/calls?${query({ ...range, shortAbandonSeconds: '-1' })}` }), 400, [
      'querystring.shortAbandonSeconds',
    ]);
    expectProblem(await supervisor.inject({ url: `/api/kpi/calls?${query({ from: range.to, to: range.from })}` }), 400, ['querystring.to']);
    const operator = await staffClient(app, t.db, { role: 'operator', municipalities: ['milano'] });
    expectProblem(await operator.inject({ url: `/api/kpi/calls?${query(range)}` }), 403);
  });
});

describe('drill-down from a call KPI to its calls', () => {
  /** The calls list's total (its Content-Range) for a filter. */
  const listed = async (client: StaffClient, filter: Record<string, unknown>) => {
    const res = await client.inject({ url: `/api/calls?${query({ filter: JSON.stringify(filter), range: '[0,0]' })}` });
    expect(res.statusCode, res.body).toBe(200);
    return Number(/\/(\d+)$/.exec(String(res.headers['content-range']))![1]);
  };
  const counted = [
    'callsOffered',
    'callsAnswered',
    'callsAbandoned',
    'shortAbandoned',
    'callsTransferred',
    'answeredWithinThreshold',
  ] as const;

  it('lists for every countable KPI as many calls as its figure, in any range, scope and thresholds', async () => {
    const cases: [StaffClient, Record<string, string>][] = [
      [supervisor, range], // days rollup
      [supervisor, { ...range, bucket: 'hour' }], // hours rollup
      [supervisor, { ...range, from: '2025-03-03T00:00:30+01:00' }], // raw rows
      [supervisor, { ...range, queue: 'tributi' }],
      [supervisor, { ...range, serviceLevelSeconds: '30', shortAbandonSeconds: '0' }],
      [supervisor, { ...range, serviceLevelSeconds: '10', shortAbandonSeconds: '50' }],
      [supervisor, { ...range, shortAbandonSeconds: '4' }], // C3 (3 s) short, C11 (5 s) not
      [both, range], // two municipalities, Florence's answered call among them
      [both, { ...range, municipalityId: 'firenze', serviceLevelSeconds: '15' }],
      [supervisor, { from: '2025-03-03T00:00:00+01:00', to: '2025-03-17T00:00:00+01:00' }], // C10 and C12 too
    ];
    const checked = new Set<string>();
    for (const [client, params] of cases) {
      const k = await get(client, params);
      const { from, to, bucket: _, ...scope } = params;
      for (const kpi of counted) {
        const filter = { kpi, from, to, ...scope, ...k.thresholds };
        expect(await listed(client, filter), `${kpi} ${JSON.stringify(params)}`).toBe(k.totals[kpi]);
        if (k.totals[kpi] > 0) checked.add(kpi);
      }
    }
    // Each KPI was met with calls behind it, not only as zeros.
    expect([...checked].sort()).toEqual([...counted].sort());
  });

  it('lists for each heat-map cell the calls that arrived that local weekday and hour', async () => {
    for (const [client, params] of [
      [supervisor, range],
      [both, { ...range, bucket: 'hour' }],
    ] as const) {
      const k = await get(client, params);
      expect(k.heatMap.length).toBeGreaterThan(0);
      for (const cell of k.heatMap as { weekday: number; hour: number; callsOffered: number }[]) {
        const filter = { kpi: 'callsOffered', from: params.from, to: params.to, weekday: cell.weekday, hour: cell.hour };
        expect(await listed(client, filter), JSON.stringify(cell)).toBe(cell.callsOffered);
      }
      // A cell without calls lists none: Tuesday at 00:00 local is C11, 23:00 UTC is not Tuesday's 23:00.
      expect(await listed(client, { kpi: 'callsOffered', ...range, weekday: 2, hour: 23 })).toBe(0);
      expect(await listed(client, { kpi: 'callsOffered', ...range, weekday: 2, hour: 0 })).toBe(1);
    }
  });

  it('lists the calls themselves, and refuses filters it does not know', async () => {
    const res = await supervisor.inject({ url: `/api/calls?${query({ filter: JSON.stringify({ kpi: 'callsAbandoned', ...range }) })}` });
    expect(res.json().map((c: { id: string }) => c.id)).toEqual(['C11', 'C4']);
    // Without `kpi` the list is every call: the outbound one and the transfer's leg too.
    expect(await listed(supervisor, range)).toBe(10);
    const bad = (filter: Record<string, unknown>) => supervisor.inject({ url: `/api/calls?${query({ filter: JSON.stringify(filter) })}` });
    expectProblem(await bad({ kpi: 'serviceLevel' }), 400, ['querystring.filter.kpi']);
    expectProblem(await bad({ kpi: 'callsOffered', weekday: 0 }), 400, ['querystring.filter.weekday']);
    expectProblem(await bad({ kpi: 'callsOffered', hour: 24 }), 400, ['querystring.filter.hour']);
    expectProblem(await bad({ kpi: 'callsAbandoned', shortAbandonSeconds: 61 }), 400, ['querystring.filter.shortAbandonSeconds']);
    expectProblem(await bad({ kpi: 'answeredWithinThreshold', serviceLevelSeconds: 0 }), 400, ['querystring.filter.serviceLevelSeconds']);
    expectProblem(await bad({ from: 'yesterday' }), 400, ['querystring.filter.from']);
  });
});

describe('rollups', () => {
  it('equal the raw calls after every event, and a rebuild gives the same rows', async () => {
    expect(await rollupDifferences(t.db)).toEqual([]);
    // By hour from the hourly rollup, by day from the daily one (which the rebuild sums apart).
    const before = await Promise.all([get(both, { ...range, bucket: 'hour' }), get(both, { ...range, bucket: 'day' })]);
    expect(before[1].source).toBe('days');
    await t.db.transaction().execute(rebuildRollups);
    expect(await rollupDifferences(t.db)).toEqual([]);
    expect(await Promise.all([get(both, { ...range, bucket: 'hour' }), get(both, { ...range, bucket: 'day' })])).toEqual(before);
  });
});

describe('staffing from calls', () => {
  it('learns from the calls offered when the lines have call records, and shows the actual beside the forecast', async () => {
    const s = await get(supervisor, { from: '2025-03-10T00:00:00+01:00', weeks: '1', historyWeeks: '1' }, 'staffing');
    // History Mon 3 – Sun 9 March: the 8 calls of the range and C10.
    expect(s.history).toMatchObject({ source: 'calls', contacts: 9 });
    const nine = s.intervals.find((i: { start: string }) => i.start === '2025-03-10T08:00:00.000Z');
    expect(nine).toMatchObject({ forecastContacts: 2, actualContacts: 1 });
    // A service filter has no calls to learn from: the cases (none here) are used.
    expect(
      (await get(supervisor, { from: '2025-03-10T00:00:00+01:00', weeks: '1', historyWeeks: '1', serviceCode: 'tari-refund' }, 'staffing'))
        .history,
    ).toMatchObject({ source: 'cases', contacts: 0 });
  });
});
