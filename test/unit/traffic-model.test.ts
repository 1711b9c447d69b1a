import { describe, expect, it } from 'vitest';
import { generateTraffic, milan2018, milanProfile } from '../../scripts/traffic/model.ts';
import { addToTally, calibrationRows, emptyTally } from '../../scripts/traffic/tally.ts';

describe('the traffic simulator', () => {
  it('reproduces Milan 020202 in 2018 within 2% (seeded)', () => {
    const tally = emptyTally();
    const perMonth = new Array<number>(12).fill(0);
    for (const batch of generateTraffic(milanProfile(), 2018, { cases: false })) {
      addToTally(tally, batch);
      for (const c of batch.calls) if (!c.linked_call_id) perMonth[new Date(c.started_at).getUTCMonth()]!++;
    }
    for (const row of calibrationRows(tally, milan2018)) expect(Math.abs(row.deviation), row.figure).toBeLessThan(0.02);
    // Tax deadlines: June and December above the year's mean month, August the quietest.
    const mean = milan2018.offered / 12;
    expect(perMonth[5]).toBeGreaterThan(mean);
    expect(perMonth[11]).toBeGreaterThan(mean);
    expect(Math.min(...perMonth)).toBe(perMonth[7]);
  });

  it('is the same city for the same seed, another for another seed', () => {
    const first = (seed: number) => generateTraffic(milanProfile('2018-06-11', '2018-06-12'), seed).next().value!;
    expect(first(1)).toEqual(first(1));
    expect(first(1)).not.toEqual(first(2));
  });

  it('opens cases from answered calls and written channels, with office work, events and nothing after the range', () => {
    const tally = emptyTally();
    const end = Date.parse('2018-06-18T00:00:00+02:00');
    const channels = new Set<string>();
    for (const batch of generateTraffic(milanProfile('2018-06-11', '2018-06-18'), 7)) {
      addToTally(tally, batch);
      for (const c of batch.cases) channels.add(c.channel);
      for (const e of batch.events) expect(new Date(e.at).getTime()).toBeLessThan(end);
    }
    expect([...channels].sort()).toEqual(['email', 'phone', 'social', 'web']);
    expect(tally.casesOpened).toBeGreaterThan(tally.callsAnswered * 0.8);
    for (const k of ['tasksDone', 'slaBreaches', 'solicitations', 'complaints', 'callbacksAnswered', 'surveyAnswers'] as const)
      expect(tally[k], k).toBeGreaterThan(0);
  });
});
