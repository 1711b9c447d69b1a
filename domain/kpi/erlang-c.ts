/**
 * Erlang C (M/M/N: Poisson arrivals, exponential handle times, N agents, callers wait without
 * abandoning): how many agents an interval needs for a service level. Pure and deterministic.
 *
 * A = calls × AHT ÷ interval length is the traffic in erlangs. Erlang C is computed from Erlang B
 * by its recurrence B(0) = 1, B(k) = A·B(k−1) ÷ (k + A·B(k−1)), which stays exact for thousands of
 * agents where the textbook factorials overflow; then C(N, A) = N·B ÷ (N − A·(1 − B)).
 */

export interface Traffic {
  /** Contacts arriving in the interval. */
  calls: number;
  intervalSeconds: number;
  /** Average handle time: talk, hold and wrap-up. */
  ahtSeconds: number;
}

/** The offered load in erlangs: how many agents would be busy all the time. */
export const erlangs = ({ calls, intervalSeconds, ahtSeconds }: Traffic): number => (calls * ahtSeconds) / intervalSeconds;

/** Erlang B for N = 0, 1, 2, … agents under `a` erlangs, one step at a time. */
function* erlangB(a: number): Generator<[agents: number, blocking: number]> {
  let b = 1;
  for (let n = 0; ; n++) {
    if (n > 0) b = (a * b) / (n + a * b);
    yield [n, b];
  }
}

const fromB = (n: number, a: number, b: number): number => (n > a ? (n * b) / (n - a * (1 - b)) : 1);

/** Probability that a contact waits (all agents busy): 1 when the agents cannot keep up (N ≤ A). */
export function probabilityOfWaiting(agents: number, a: number): number {
  if (a <= 0) return 0;
  for (const [n, b] of erlangB(a)) if (n === agents) return fromB(n, a, b);
  return 1; // unreachable: the generator reaches every N
}

export interface Performance {
  agents: number;
  erlangs: number;
  probabilityOfWaiting: number;
  /** Share of contacts answered within the threshold. */
  serviceLevel: number;
  /** Mean wait of all contacts, answered at once or not; Infinity when the queue grows without end. */
  asaSeconds: number;
  /** Share of the agents' time on contacts (A ÷ N). */
  occupancy: number;
}

function performance(agents: number, a: number, pw: number, ahtSeconds: number, thresholdSeconds: number): Performance {
  if (a <= 0) return { agents, erlangs: 0, probabilityOfWaiting: 0, serviceLevel: 1, asaSeconds: 0, occupancy: 0 };
  if (agents <= a) return { agents, erlangs: a, probabilityOfWaiting: 1, serviceLevel: 0, asaSeconds: Infinity, occupancy: 1 };
  return {
    agents,
    erlangs: a,
    probabilityOfWaiting: pw,
    serviceLevel: 1 - pw * Math.exp(-((agents - a) * thresholdSeconds) / ahtSeconds),
    asaSeconds: (pw * ahtSeconds) / (agents - a),
    occupancy: a / agents,
  };
}

/** Service level, average speed of answer and occupancy of `agents` agents under this traffic. */
export function evaluate(traffic: Traffic, agents: number, thresholdSeconds: number): Performance {
  const a = erlangs(traffic);
  return performance(agents, a, probabilityOfWaiting(agents, a), traffic.ahtSeconds, thresholdSeconds);
}

export interface StaffingTarget {
  /** e.g. 0.8 for "80% answered within the threshold". */
  serviceLevel: number;
  thresholdSeconds: number;
  /** Agents never planned busier than this share of their time (e.g. 0.85). */
  maxOccupancy: number;
}

/** The fewest agents meeting the service level without going over the occupancy cap. */
export function agentsNeeded(traffic: Traffic, target: StaffingTarget): Performance {
  const a = erlangs(traffic);
  if (a <= 0) return performance(0, 0, 0, traffic.ahtSeconds, target.thresholdSeconds);
  for (const [n, b] of erlangB(a)) {
    if (n <= a || a / n > target.maxOccupancy) continue;
    const p = performance(n, a, fromB(n, a, b), traffic.ahtSeconds, target.thresholdSeconds);
    if (p.serviceLevel >= target.serviceLevel) return p;
  }
  throw new Error('unreachable: the service level tends to 1 as agents grow');
}
