import { romeTimeZone } from '../domain/calendar.ts';
import { agentsNeeded } from '../domain/kpi/erlang-c.ts';
import { forecastHourly } from '../domain/kpi/forecast.ts';
import { type Principal, serves } from '../domain/principal.ts';
import type { Scope } from '../db/cases.repository.ts';
import type { Executor } from '../db/database.ts';
import { findOffice } from '../db/offices.repository.ts';
import { callFacts, type CallFacts, callHeatMap, hourlyCalls, offeredPerInterval } from '../db/call-kpi.repository.ts';
import { rollupGrain } from '../db/kpi-rollups.repository.ts';
import {
  ageing,
  backlog,
  casesClosed,
  casesOpened,
  citizenEvents,
  listBuckets,
  openedPerInterval,
  serviceLevels,
} from '../db/kpi.repository.ts';
import {
  ageRanges,
  type CallKpiQuery,
  type CallKpis,
  type CallKpiValues,
  type CaseKpiQuery,
  type CaseKpis,
  type CaseKpiValues,
  CaseKpiValuesSchema,
  type KpiScopeFilter,
  type Staffing,
  type StaffingQuery,
} from '../contracts/kpi.ts';
import { ApiError } from './errors.ts';

/**
 * The caller's municipalities, once the query's own municipality and office are among them. One
 * the caller does not serve answers 404, as one that does not exist: figures of zero would read
 * as a fact about it.
 */
export async function kpiScope(db: Executor, p: Principal, f: KpiScopeFilter): Promise<Scope> {
  if (f.municipalityId && !serves(p, f.municipalityId)) {
    throw new ApiError('not_found', `municipality ${f.municipalityId} was not found`, [
      { path: 'querystring.municipalityId', message: 'not a municipality you serve' },
    ]);
  }
  if (f.officeId && !(await findOffice(db, f.officeId, p.municipalities))) {
    throw new ApiError('not_found', `office ${f.officeId} was not found`, [
      { path: 'querystring.officeId', message: 'not an office of a municipality you serve' },
    ]);
  }
  return p.municipalities;
}

const hourMs = 3_600_000;
const weekMs = 168 * hourMs;

/** A share, or null when there was nothing to divide by. */
const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null);

const ratioKeys = ['firstContactResolution', 'slaCompliance', 'callbackSuccess', 'csat'] as const;
type Counts = Omit<CaseKpiValues, (typeof ratioKeys)[number]>;
const countKeys = Object.keys(CaseKpiValuesSchema.shape).filter((k) => !(ratioKeys as readonly string[]).includes(k)) as (keyof Counts)[];
const withRatios = (c: Counts): CaseKpiValues => ({
  ...c,
  firstContactResolution: ratio(c.resolvedFirstLevel, c.casesClosed),
  slaCompliance: ratio(c.tasksOnTime, c.tasksDone),
  callbackSuccess: ratio(c.callbacksAnswered, c.callbacksAttempted),
  csat: ratio(c.satisfied, c.surveyAnswers),
});

/** The case KPIs of the caller's municipalities: a time series, its totals and breakdowns (and the ageing, unless not wanted). */
export async function caseKpis(db: Executor, scope: Scope, q: CaseKpiQuery, o: { ageing: boolean } = { ageing: true }): Promise<CaseKpis> {
  const { bucket, from, to, ...filter } = q;
  const r = { bucket, from: new Date(from), to: new Date(to) };
  const grain = rollupGrain(r);
  const [buckets, opened, closed, open, ages, sla, events] = await Promise.all([
    listBuckets(db, r),
    casesOpened(db, scope, filter, r, grain),
    casesClosed(db, scope, filter, r, grain),
    backlog(db, scope, filter, r, grain),
    o.ageing ? ageing(db, scope, filter, r) : new Map<string, number>(),
    serviceLevels(db, scope, filter, r, grain),
    citizenEvents(db, scope, filter, r, grain),
  ]);
  const counts: (Counts & { start: Date; end: Date })[] = buckets.map(({ bucket: start, ends }) => {
    const k = start.getTime();
    const c = closed.get(k);
    const s = sla.perBucket.get(k);
    const e = events.get(k);
    return {
      start,
      end: ends,
      casesOpened: opened.perBucket.get(k) ?? 0,
      casesClosed: c?.closed ?? 0,
      resolvedFirstLevel: c?.first_level ?? 0,
      backlog: open.get(k) ?? 0,
      tasksDone: s?.done ?? 0,
      tasksOnTime: s?.on_time ?? 0,
      slaBreaches: s?.breaches ?? 0,
      solicitations: e?.solicitations ?? 0,
      complaints: e?.complaints ?? 0,
      callbacksAttempted: e?.callbacks_attempted ?? 0,
      callbacksAnswered: e?.callbacks_answered ?? 0,
      surveyAnswers: e?.survey_answers ?? 0,
      satisfied: e?.satisfied ?? 0,
    };
  });
  const totals = Object.fromEntries(countKeys.map((k) => [k, counts.reduce((n, c) => n + c[k], 0)])) as Counts;
  return {
    bucket,
    timeZone: romeTimeZone,
    from: r.from.toISOString(),
    to: r.to.toISOString(),
    source: grain,
    series: counts.map(({ start, end, ...c }) => ({ start: start.toISOString(), end: end.toISOString(), ...withRatios(c) })),
    totals: withRatios({ ...totals, backlog: counts.at(-1)?.backlog ?? 0 }),
    breakdowns: { channel: opened.channel, service: opened.service, office: opened.office, municipality: opened.municipality },
    ageing: ageRanges.map((range) => ({ range, cases: ages.get(range) ?? 0 })),
    offices: sla.perOffice.map((o) => ({
      officeId: o.office_id!,
      tasksDone: o.done,
      tasksOnTime: o.on_time,
      slaCompliance: ratio(o.on_time, o.done),
      slaBreaches: o.breaches,
    })),
  };
}

const noFacts: CallFacts = {
  offered: 0,
  answered: 0,
  abandoned: 0,
  short_abandoned: 0,
  transferred: 0,
  within: 0,
  answer_wait_sum: 0,
  talked: 0,
  talk_sum: 0,
};
/** Seconds to the millisecond: sums of many float seconds differ in their last digits by summing order. */
const meanSeconds = (sum: number, n: number) => (n > 0 ? Math.round((sum / n) * 1000) / 1000 : null);
const callValues = (c: CallFacts): CallKpiValues => {
  const abandoned = c.abandoned - c.short_abandoned;
  return {
    callsOffered: c.offered,
    callsAnswered: c.answered,
    callsAbandoned: abandoned,
    shortAbandoned: c.short_abandoned,
    callsTransferred: c.transferred,
    answeredWithinThreshold: c.within,
    averageSpeedOfAnswerSeconds: meanSeconds(c.answer_wait_sum, c.answered),
    averageTalkSeconds: meanSeconds(c.talk_sum, c.talked),
    serviceLevel: ratio(c.within, c.answered + abandoned),
    abandonmentRate: ratio(abandoned, c.offered - c.short_abandoned),
  };
};

/** The call KPIs of the caller's lines: a time series, its totals and the weekday × hour heat map (unless not wanted). */
export async function callKpis(
  db: Executor,
  scope: Scope,
  q: CallKpiQuery,
  o: { heatMap: boolean } = { heatMap: true },
): Promise<CallKpis> {
  const { bucket, from, to, serviceLevelSeconds, shortAbandonSeconds, ...filter } = q;
  const r = { bucket, from: new Date(from), to: new Date(to) };
  const thresholds = { serviceLevelSeconds, shortAbandonSeconds };
  const grain = rollupGrain(r);
  const [buckets, facts, heatMap] = await Promise.all([
    listBuckets(db, r),
    callFacts(db, scope, filter, r, thresholds, grain),
    o.heatMap ? callHeatMap(db, scope, filter, r, grain) : [],
  ]);
  const series = buckets.map(({ bucket: start, ends }) => ({ start, end: ends, facts: facts.get(start.getTime()) ?? noFacts }));
  const totals = Object.fromEntries(
    Object.keys(noFacts).map((k) => [k, series.reduce((n, s) => n + s.facts[k as keyof CallFacts], 0)]),
  ) as unknown as CallFacts;
  return {
    bucket,
    timeZone: romeTimeZone,
    from: r.from.toISOString(),
    to: r.to.toISOString(),
    source: grain,
    thresholds,
    series: series.map((s) => ({ start: s.start.toISOString(), end: s.end.toISOString(), ...callValues(s.facts) })),
    totals: callValues(totals),
    heatMap,
  };
}

const staffingMethod = 'seasonal mean by weekday × hour (Europe/Rome) with weekly trend; Erlang C per interval';

/**
 * Contacts forecast per interval for the weeks ahead, from the weeks before: the calls offered on
 * the lines when there are call records and no case-only filter (service, office, channel), else
 * the cases opened; the agents each interval needs (Erlang C) for the target service level; and
 * the actual contacts of the intervals already over.
 */
export async function staffing(db: Executor, scope: Scope, q: StaffingQuery, now: number): Promise<Staffing> {
  const {
    from: fromParam,
    weeks,
    historyWeeks,
    ahtSeconds,
    targetServiceLevel,
    thresholdSeconds,
    maxOccupancy,
    intervalMinutes,
    ...filter
  } = q;
  const from = fromParam ? Math.floor(Date.parse(fromParam) / hourMs) * hourMs : Math.ceil(now / hourMs) * hourMs;
  const historyFrom = from - historyWeeks * weekMs;
  const [start, end, actualEnd] = [new Date(historyFrom), new Date(from), new Date(Math.min(now, from + weeks * weekMs))];
  const callsFit = !filter.serviceCode && !filter.officeId && !filter.channel;
  const calls = callsFit ? await hourlyCalls(db, scope, filter, start, end) : [];
  const source = calls.length > 0 ? ('calls' as const) : ('cases' as const);
  const history = source === 'calls' ? calls : await openedPerInterval(db, scope, filter, start, end, 60);
  const actual =
    actualEnd.getTime() <= from
      ? []
      : source === 'calls'
        ? await offeredPerInterval(db, scope, filter, end, actualEnd, intervalMinutes)
        : await openedPerInterval(db, scope, filter, end, actualEnd, intervalMinutes);
  const actualAt = new Map(actual.map((a) => [a.at, a.count]));
  const forecast = forecastHourly({ history, from, weeks, historyWeeks });
  const perHour = 60 / intervalMinutes;
  const intervalMs = intervalMinutes * 60_000;
  const target = { serviceLevel: targetServiceLevel, thresholdSeconds, maxOccupancy };
  return {
    method: staffingMethod,
    history: { from: start.toISOString(), to: end.toISOString(), source, contacts: history.reduce((n, h) => n + h.count, 0) },
    trendPerWeek: forecast.trendPerWeek,
    intervals: forecast.hours.flatMap(({ at, count }) =>
      Array.from({ length: perHour }, (_, i) => {
        const calls = count / perHour;
        const p = agentsNeeded({ calls, intervalSeconds: intervalMinutes * 60, ahtSeconds }, target);
        const intervalStart = at + i * intervalMs;
        return {
          start: new Date(intervalStart).toISOString(),
          forecastContacts: calls,
          actualContacts: intervalStart + intervalMs <= now ? (actualAt.get(intervalStart) ?? 0) : null,
          erlangs: p.erlangs,
          agentsNeeded: p.agents,
          serviceLevel: p.serviceLevel,
          asaSeconds: p.asaSeconds,
          occupancy: p.occupancy,
        };
      }),
    ),
  };
}
