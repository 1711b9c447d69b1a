import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { agentsNeeded, erlangs, evaluate, probabilityOfWaiting } from '../../domain/kpi/erlang-c.ts';

// Call Centre Helper's worked example ("Erlang C formula – made simple"): 100 calls in 30 minutes,
// 180 s handle time (10 erlangs), service level within 20 s. Published: agents, probability of
// waiting, service level and average speed of answer.
const helper = { calls: 100, intervalSeconds: 1_800, ahtSeconds: 180 };
const published = [
  { agents: 11, pw: 0.6821, sl: 0.3896, asa: 122.8 },
  { agents: 12, pw: 0.4494, sl: 0.6402, asa: 40.4 },
  { agents: 13, pw: 0.2853, sl: 0.7956, asa: 17.1 },
  { agents: 14, pw: 0.1741, sl: 0.8884, asa: 7.8 },
  { agents: 15, pw: 0.102, sl: 0.9415, asa: 3.7 },
];

describe('Erlang C', () => {
  it('reproduces the published 10-erlang table', () => {
    expect(erlangs(helper)).toBe(10);
    for (const row of published) {
      const p = evaluate(helper, row.agents, 20);
      expect(p.probabilityOfWaiting, `${row.agents} agents`).toBeCloseTo(row.pw, 4);
      expect(p.serviceLevel, `${row.agents} agents`).toBeCloseTo(row.sl, 4);
      expect(p.asaSeconds, `${row.agents} agents`).toBeCloseTo(row.asa, 1);
      expect(p.occupancy).toBeCloseTo(10 / row.agents, 10);
    }
  });

  it('reproduces the 360 calls per half hour, 4-minute calls, 55 agents example (within 15 s)', () => {
    // 48 erlangs, occupancy 87.3%, probability of waiting 23.9%, ASA 8.2 s, 84.6% answered within 15 s.
    const p = evaluate({ calls: 360, intervalSeconds: 1_800, ahtSeconds: 240 }, 55, 15);
    expect(p.erlangs).toBe(48);
    expect(p.occupancy).toBeCloseTo(0.8727, 4);
    expect(p.probabilityOfWaiting).toBeCloseTo(0.2387, 4);
    expect(p.asaSeconds).toBeCloseTo(8.18, 2);
    expect(p.serviceLevel).toBeCloseTo(0.8459, 4);
  });

  it('agrees with the closed forms for one and two agents', () => {
    // M/M/1: P(wait) = ρ. M/M/2 under 1 erlang: (A²/2 · 2/(2−A)) ÷ (1 + A + A²/2 · 2/(2−A)) = 1/3.
    expect(probabilityOfWaiting(1, 0.4)).toBeCloseTo(0.4, 12);
    expect(probabilityOfWaiting(2, 1)).toBeCloseTo(1 / 3, 12);
  });

  it('staffs 80% in 20 s for the 10-erlang example with 14 agents; an occupancy cap can ask for more', () => {
    const target = { serviceLevel: 0.8, thresholdSeconds: 20, maxOccupancy: 1 };
    expect(agentsNeeded(helper, target).agents).toBe(14);
    expect(agentsNeeded(helper, { ...target, serviceLevel: 0.6 }).agents).toBe(12);
    // 10 ÷ 0.65 = 15.4: 16 agents, although 14 would meet the service level.
    expect(agentsNeeded(helper, { ...target, maxOccupancy: 0.65 })).toMatchObject({ agents: 16, occupancy: 0.625 });
  });

  it('needs nobody without traffic, and is overloaded at or under the traffic', () => {
    expect(
      agentsNeeded({ calls: 0, intervalSeconds: 3_600, ahtSeconds: 300 }, { serviceLevel: 0.8, thresholdSeconds: 20, maxOccupancy: 0.85 }),
    ).toMatchObject({ agents: 0, serviceLevel: 1, asaSeconds: 0 });
    expect(evaluate(helper, 10, 20)).toMatchObject({ probabilityOfWaiting: 1, serviceLevel: 0, asaSeconds: Infinity });
  });

  it('stays finite for a large centre (thousands of agents)', () => {
    // 25,000 calls an hour of 6 minutes: 2,500 erlangs, where factorials would overflow.
    const p = agentsNeeded(
      { calls: 25_000, intervalSeconds: 3_600, ahtSeconds: 360 },
      { serviceLevel: 0.8, thresholdSeconds: 20, maxOccupancy: 1 },
    );
    expect(p.agents).toBeGreaterThan(2_500);
    expect(p.agents).toBeLessThan(2_600);
    expect(Number.isFinite(p.probabilityOfWaiting)).toBe(true);
  });

  const traffic = fc.record({
    calls: fc.double({ min: 0.1, max: 2_000, noNaN: true }),
    intervalSeconds: fc.constantFrom(900, 1_800, 3_600),
    ahtSeconds: fc.double({ min: 10, max: 1_200, noNaN: true }),
  });
  const target = fc.record({
    serviceLevel: fc.double({ min: 0.05, max: 0.99, noNaN: true }),
    thresholdSeconds: fc.integer({ min: 0, max: 120 }),
    maxOccupancy: fc.double({ min: 0.3, max: 1, noNaN: true }),
  });

  it('property: the staffing found meets the target, and one agent fewer would not', () => {
    fc.assert(
      fc.property(traffic, target, (t, g) => {
        const p = agentsNeeded(t, g);
        expect(p.serviceLevel).toBeGreaterThanOrEqual(g.serviceLevel);
        expect(p.occupancy).toBeLessThanOrEqual(g.maxOccupancy);
        const fewer = evaluate(t, p.agents - 1, g.thresholdSeconds);
        expect(fewer.serviceLevel < g.serviceLevel || fewer.occupancy > g.maxOccupancy).toBe(true);
      }),
    );
  });

  it('property: more agents never wait longer; probabilities stay within [0, 1]', () => {
    fc.assert(
      fc.property(traffic, fc.integer({ min: 1, max: 60 }), (t, extra) => {
        const n = Math.floor(erlangs(t)) + 1;
        const a = evaluate(t, n, 20);
        const b = evaluate(t, n + extra, 20);
        for (const p of [a, b]) {
          expect(p.probabilityOfWaiting).toBeGreaterThanOrEqual(0);
          expect(p.probabilityOfWaiting).toBeLessThanOrEqual(1);
        }
        expect(b.probabilityOfWaiting).toBeLessThanOrEqual(a.probabilityOfWaiting + 1e-12);
        expect(b.serviceLevel).toBeGreaterThanOrEqual(a.serviceLevel - 1e-12);
        expect(b.asaSeconds).toBeLessThanOrEqual(a.asaSeconds + 1e-9);
      }),
    );
  });
});
