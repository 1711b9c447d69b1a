import type { Insertable } from 'kysely';
import type { CallsTable, CaseEventsTable, CasesTable, TasksTable } from '../../db/database.ts';
import type { Channel, Outcome } from '../../domain/case.ts';

/**
 * A city's contact traffic as data: calls with an hourly, weekly and seasonal arrival profile,
 * queue waits against the caller's patience (abandonment), talk times, transfers; the cases they
 * and the written channels open, with their services, offices, SLA, solicitations, complaints,
 * callbacks and surveys. Deterministic for a seed. Every row is what the real system writes, in
 * its shape (calls at their final state, the case read model); ids start with "sim-"/"SIM-" and
 * cases carry details.simulated, so a simulation is never mistaken for real contacts.
 *
 * The queue model: a caller would have to wait W ~ Exp(mean meanWaitSeconds) and will wait at most
 * P ~ Exp(mean meanPatienceSeconds); answered after W if W ≤ P, else abandoned after P. Then
 * P(answered) = P̄ ÷ (W̄ + P̄) and both the mean speed of answer and the mean abandon wait are
 * W̄·P̄ ÷ (W̄ + P̄): calibrate() solves these for a city's answered share and mean wait.
 */
export interface TrafficProfile {
  municipalityId: string;
  /** Local (Europe/Rome) calendar days simulated, [from, to). */
  from: string;
  to: string;
  callsPerYear: number;
  /** Calls that meet a closed line, a busy or failed attempt: neither answered nor abandoned. */
  unreachedShare: number;
  meanWaitSeconds: number;
  meanPatienceSeconds: number;
  /** Talk time: log-normal with this mean and log-space sigma. */
  meanTalkSeconds: number;
  talkSigma: number;
  transferShare: number;
  queues: Record<string, number>;
  /** Weights: hour of day (24), weekday Monday first (7), month (12); deadlines add a bump around a day. */
  hourly: number[];
  weekday: number[];
  monthly: number[];
  deadlines: { month: number; day: number; boost: number; widthDays: number }[];
  /** Cases opened per answered call; written requests per month by channel. */
  casesPerAnsweredCall: number;
  writtenPerMonth: Partial<Record<Channel, number>>;
  services: Record<string, number>;
  /** The office each service's second-level cases go to (a share of them), and how long offices take. */
  offices: Record<string, string>;
  officeShare: number;
  slaDays: number;
  meanOfficeDays: number;
  solicitationShare: number;
  complaintShare: number;
  callbackAnsweredShare: number;
  surveyShare: number;
  /** Satisfaction 1..5 weights. */
  satisfaction: number[];
}

/** Milan 020202 in 2018 (seed 003): the figures a calibrated run reproduces. */
export const milan2018 = {
  offered: 1_270_989,
  answered: 821_295,
  abandoned: 399_569,
  transferred: 141_336,
  meanWaitSeconds: 221,
  meanTalkSeconds: 358,
} as const;
export type CityFigures = Record<keyof typeof milan2018, number>;

/** The queue and call parameters that reproduce a city's yearly figures in expectation. */
export function calibrate(t: CityFigures) {
  const reached = t.answered + t.abandoned;
  const answeredShare = t.answered / reached;
  return {
    callsPerYear: t.offered,
    unreachedShare: 1 - reached / t.offered,
    // ASA = W̄·P̄ ÷ (W̄ + P̄) and answered share = P̄ ÷ (W̄ + P̄).
    meanWaitSeconds: t.meanWaitSeconds / answeredShare,
    meanPatienceSeconds: t.meanWaitSeconds / (1 - answeredShare),
    meanTalkSeconds: t.meanTalkSeconds,
    transferShare: t.transferred / t.answered,
  };
}

/** Milan's profile: 24×7 line, mornings busiest, June and December tax deadlines (IMU, TARI). */
export function milanProfile(from = '2018-01-01', to = '2019-01-01'): TrafficProfile {
  return {
    municipalityId: 'milano',
    from,
    to,
    ...calibrate(milan2018),
    talkSigma: 0.7,
    // The 020202 line's queues (catalog/lines.ts), in the order of its IVR options 1–3 (Area C, option 4, queues with information).
    queues: { 'mi-informazioni': 0.65, 'mi-tributi': 0.2, 'mi-anagrafe': 0.15 },
    hourly: [0.05, 0.03, 0.02, 0.02, 0.02, 0.04, 0.1, 0.35, 1, 1.6, 1.7, 1.6, 1.3, 1, 1.2, 1.3, 1.2, 1, 0.7, 0.4, 0.25, 0.15, 0.1, 0.07],
    weekday: [1.2, 1.1, 1.05, 1.05, 1, 0.45, 0.15],
    monthly: [1.05, 1, 1.05, 0.95, 1, 1.1, 1, 0.6, 1, 1.05, 1, 1],
    deadlines: [
      { month: 6, day: 16, boost: 0.8, widthDays: 4 },
      { month: 12, day: 16, boost: 0.8, widthDays: 4 },
    ],
    casesPerAnsweredCall: 0.9,
    writtenPerMonth: { web: 6_000, email: 10_000, social: 3_000 },
    services: {
      'general-information': 0.72,
      'tari-refund': 0.08,
      'change-of-residence': 0.08,
      'area-c-fine-dispute': 0.05,
      'pothole-report': 0.07,
    },
    offices: {
      'general-information': 'mi-anagrafe',
      'tari-refund': 'mi-tributi',
      'change-of-residence': 'mi-anagrafe',
      'area-c-fine-dispute': 'mi-mobilita',
      'pothole-report': 'mi-strade',
      complaint: 'mi-urp',
    },
    officeShare: 0.7,
    slaDays: 5,
    meanOfficeDays: 3,
    solicitationShare: 0.08,
    complaintShare: 0.015,
    callbackAnsweredShare: 0.8,
    surveyShare: 0.12,
    satisfaction: [0.08, 0.07, 0.15, 0.35, 0.35],
  };
}

/** A profile's volumes (calls and written requests) times `scale`: a smaller or larger city of the same shape. */
export function scaledProfile(p: TrafficProfile, scale: number): TrafficProfile {
  const written = Object.fromEntries(Object.entries(p.writtenPerMonth).map(([k, n]) => [k, n! * scale]));
  return { ...p, callsPerYear: p.callsPerYear * scale, writtenPerMonth: written };
}

/** mulberry32: small, fast, good enough for traffic; the same seed gives the same city. */
export function seededRandom(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
type Random = () => number;
const exponential = (rnd: Random, mean: number) => -Math.log(1 - rnd()) * mean;
const normal = (rnd: Random) => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
const logNormal = (rnd: Random, mean: number, sigma: number) => Math.exp(Math.log(mean) - (sigma * sigma) / 2 + sigma * normal(rnd));
function poisson(rnd: Random, lambda: number): number {
  if (lambda > 40) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal(rnd)));
  let k = 0;
  for (let p = rnd(), l = Math.exp(-lambda); p > l; p *= rnd()) k++;
  return k;
}
function pick<K extends string>(rnd: Random, weights: Record<K, number>): K {
  const entries = Object.entries(weights) as [K, number][];
  let x = rnd() * entries.reduce((s, [, w]) => s + w, 0);
  for (const [k, w] of entries) if ((x -= w) < 0) return k;
  return entries.at(-1)![0];
}

/** The instant a local (Europe/Rome) calendar day starts. */
function localMidnight(d: string) {
  const utc = Date.parse(`${d}T00:00:00Z`);
  const offsetHours = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Rome', hourCycle: 'h23', hour: 'numeric' }).format(utc));
  return utc - offsetHours * 3_600_000;
}

/** The instants a profile's days run over, [from, to). */
export const rangeOf = (p: Pick<TrafficProfile, 'from' | 'to'>) => ({ from: localMidnight(p.from), to: localMidnight(p.to) });

/** Each UTC hour of [from, to) with its local weekday (0 = Monday), month (1–12), day and hour. */
function hoursOf(from: string, to: string) {
  const fmt = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Rome',
    hourCycle: 'h23',
    weekday: 'short',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
  });
  const days = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  const hours: { at: number; weekday: number; month: number; day: number; hour: number }[] = [];
  for (let at = localMidnight(from), end = localMidnight(to); at < end; at += 3_600_000) {
    const p = Object.fromEntries(fmt.formatToParts(at).map((x) => [x.type, x.value]));
    hours.push({ at, weekday: days.indexOf(p.weekday!), month: Number(p.month), day: Number(p.day), hour: Number(p.hour) });
  }
  return hours;
}

/** The rows of one simulated hour, ready to insert. */
export interface TrafficBatch {
  calls: Insertable<CallsTable>[];
  cases: Insertable<CasesTable>[];
  tasks: Insertable<TasksTable>[];
  events: Insertable<CaseEventsTable>[];
}

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

/**
 * The traffic of a profile, hour by hour. Nothing is dated at or after the end of the range:
 * cases still with their office then stay open, their later events never happen — unless
 * `settled`, a closed history (the demo's): such office work is done within the range instead.
 */
export function* generateTraffic(
  profile: TrafficProfile,
  seed: number,
  o: { cases?: boolean; settled?: boolean } = {},
): Generator<TrafficBatch> {
  const rnd = seededRandom(seed);
  const p = profile;
  const hours = hoursOf(p.from, p.to);
  const end = hours.length > 0 ? hours.at(-1)!.at + hourMs : 0;
  const weightOf = (h: (typeof hours)[number]) =>
    p.hourly[h.hour]! *
    p.weekday[h.weekday]! *
    p.monthly[h.month - 1]! *
    (1 + p.deadlines.reduce((s, d) => s + (d.month === h.month ? d.boost * Math.exp(-(((h.day - d.day) / d.widthDays) ** 2)) : 0), 0));
  // Normalised over a whole year of this profile's shape, so a range of days gets its share.
  const yearWeight = hoursOf('2021-01-01', '2022-01-01').reduce((s, h) => s + weightOf(h), 0);
  const writtenPerYear = Object.entries(p.writtenPerMonth).map(([channel, n]) => [channel as Channel, n! * 12] as const);
  const serviceNames = Object.keys(p.services);
  // A run's ids: its municipality, first day and seed, so that runs over other days or seeds add up.
  const run = `${p.municipalityId}-${p.from.replaceAll('-', '')}s${seed}`;
  let callN = 0;
  let caseN = 0;

  for (const h of hours) {
    const batch: TrafficBatch = { calls: [], cases: [], tasks: [], events: [] };
    const share = weightOf(h) / yearWeight;

    const openCase = (at: number, channel: Channel, service: string) => {
      const id = `SIM-${run}-${(++caseN).toString(36)}`;
      let seq = 0;
      const event = (type: string, t: number, data: Record<string, unknown>, stage = 'office') => {
        if (t < end)
          batch.events.push({
            case_id: id,
            seq: ++seq,
            type,
            at: new Date(t),
            stage,
            actor: null,
            data: JSON.stringify(data),
            definition_version: null,
          });
      };
      const toOffice = service !== 'general-information' && rnd() < p.officeShare && p.offices[service] !== undefined;
      let resolvedAt: number;
      let outcome: Outcome;
      let solicitations = 0;
      if (toOffice) {
        const office = p.offices[service]!;
        const due = at + p.slaDays * dayMs;
        const took = logNormal(rnd, p.meanOfficeDays * dayMs, 0.6);
        // A settled history has no work left: what would end later ends in what is left of the range.
        const done = o.settled && at + took >= end ? at + (end - at) * rnd() : at + took;
        if (done > due) event('sla.breached', due, { action: 'escalate-to-supervisors', from: office });
        if (rnd() < p.solicitationShare) {
          solicitations = 1;
          event('citizen.solicited', at + (done - at) * 0.7, { count: 1 });
        }
        outcome = 'resolved';
        event('task.completed', done, { answer: 'Pratica evasa (simulazione)', outcome });
        resolvedAt = done;
        batch.tasks.push({
          id: `${id}:1`,
          case_id: id,
          office_id: office,
          assignee: null,
          status: done < end ? 'done' : 'open',
          warning_at: new Date(due - dayMs),
          due_at: new Date(due),
          sla_state: done > due && due < end ? 'breached' : 'on-track',
          escalated: false,
          waiting_since: null,
          created_at: new Date(at),
          updated_at: new Date(Math.min(done, end - 1)),
          last_seq: 0,
        });
        const callback = done + hourMs;
        event(rnd() < p.callbackAnsweredShare ? 'callback.answered' : 'callback.failed', callback, {
          purpose: 'answer-ready',
          attempts: 1 + Math.floor(rnd() * 3),
        });
        if (service !== 'complaint' && rnd() < p.complaintShare && done + dayMs < end) {
          const complaint = openCase(done + dayMs, channel, 'complaint');
          event('complaint.opened', done + dayMs, { complaintCase: complaint, channel });
        }
      } else {
        outcome = rnd() < 0.03 ? 'withdrawn' : rnd() < 0.05 ? 'redirected' : 'resolved';
        const took = exponential(rnd, 15 * 60_000);
        resolvedAt = o.settled && at + took >= end ? at + (end - at) * rnd() : at + took;
      }
      if (rnd() < p.surveyShare) {
        event('survey.answered', resolvedAt + hourMs, {
          answers: {
            satisfaction: Number(
              pick(rnd, {
                1: p.satisfaction[0]!,
                2: p.satisfaction[1]!,
                3: p.satisfaction[2]!,
                4: p.satisfaction[3]!,
                5: p.satisfaction[4]!,
              }),
            ),
          },
        });
      }
      const resolved = resolvedAt < end;
      batch.cases.push({
        id,
        municipality_id: p.municipalityId,
        service_code: service,
        channel,
        subject: `Pratica simulata (${service})`,
        description: '',
        citizen: '{}',
        status: resolved ? 'resolved' : 'open',
        stage: resolved ? 'closed' : toOffice ? 'office' : 'intake',
        outcome: resolved ? outcome : null,
        created_at: new Date(at),
        updated_at: new Date(resolved ? resolvedAt : at),
        resolved_at: resolved ? new Date(resolvedAt) : null,
        last_seq: seq,
        definition_version: null,
        details: JSON.stringify({ simulated: true }),
        office_id: toOffice ? p.offices[service]! : null,
        solicitations,
      });
      return id;
    };

    for (let n = poisson(rnd, p.callsPerYear * share); n > 0; n--) {
      const id = `sim-${run}-${(++callN).toString(36)}`;
      const start = h.at + rnd() * hourMs;
      const queue = pick(rnd, p.queues);
      const call: Insertable<CallsTable> = {
        id,
        linked_call_id: null,
        direction: 'inbound',
        caller: `+39340${String(Math.floor(rnd() * 1e7)).padStart(7, '0')}`,
        called: '020202',
        municipality_id: p.municipalityId,
        state: 'ended',
        queue,
        agent: null,
        ivr_choice: String(1 + Object.keys(p.queues).indexOf(queue)),
        end_cause: null,
        wait_seconds: null,
        started_at: new Date(start),
        connected_at: null,
        ended_at: null,
        last_seq: 4,
      };
      const wait = exponential(rnd, p.meanWaitSeconds);
      const patience = exponential(rnd, p.meanPatienceSeconds);
      if (rnd() < p.unreachedShare) {
        Object.assign(call, {
          end_cause: 'no-answer',
          ended_at: new Date(start + (20 + rnd() * 20) * 1000),
          queue: null,
          ivr_choice: null,
          last_seq: 2,
        });
      } else if (wait <= patience) {
        const connected = start + wait * 1000;
        const talk = logNormal(rnd, p.meanTalkSeconds, p.talkSigma);
        const transferred = rnd() < p.transferShare;
        Object.assign(call, {
          agent: `op${1 + Math.floor(rnd() * 150)}`,
          connected_at: new Date(connected),
          ended_at: new Date(connected + talk * 1000),
          end_cause: transferred ? 'transferred' : 'normal',
        });
        if (transferred) {
          batch.calls.push({
            ...call,
            id: `${id};transfer`,
            linked_call_id: id,
            called: '0288451',
            queue: null,
            agent: null,
            ivr_choice: null,
            end_cause: 'normal',
            started_at: call.ended_at!,
            connected_at: call.ended_at!,
            ended_at: new Date(connected + talk * 1500),
            last_seq: 3,
          });
        }
        if (o.cases !== false && rnd() < p.casesPerAnsweredCall) openCase(connected + (talk * 1000) / 2, 'phone', pick(rnd, p.services));
      } else {
        Object.assign(call, { end_cause: 'abandoned', wait_seconds: patience, ended_at: new Date(start + patience * 1000), last_seq: 4 });
      }
      batch.calls.push(call);
    }
    if (o.cases !== false) {
      for (const [channel, perYear] of writtenPerYear) {
        for (let n = poisson(rnd, perYear * share); n > 0; n--)
          openCase(h.at + rnd() * hourMs, channel, serviceNames[Math.floor(rnd() * serviceNames.length)]!);
      }
    }
    yield batch;
  }
}
