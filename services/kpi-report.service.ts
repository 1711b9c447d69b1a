import { instantOf } from '../domain/calendar.ts';
import { type KpiDefinition, kpiRegistry } from '../domain/kpi/definitions.ts';
import type { Scope } from '../db/cases.repository.ts';
import type { Executor } from '../db/database.ts';
import { rollupGrain } from '../db/kpi-rollups.repository.ts';
import { casesOpened } from '../db/kpi.repository.ts';
import { listMunicipalities, listServices } from '../db/reference.repository.ts';
import { CallKpiQuerySchema, CaseKpiQuerySchema, type MonthlyReport, type MonthlyReportQuery } from '../contracts/kpi.ts';
import { callKpis, caseKpis } from './kpi.service.ts';

/**
 * The monthly report, like Milan's own (seed 003): the month's KPIs beside the same month a year
 * before and the change, the services most asked for, and the trend of the last twelve months.
 * Every figure is one the KPI endpoints answer for the same range (default thresholds).
 */
const reportKpiIds = [
  'callsOffered',
  'callsAnswered',
  'callsAbandoned',
  'callsTransferred',
  'averageSpeedOfAnswerSeconds',
  'averageTalkSeconds',
  'serviceLevel',
  'abandonmentRate',
  'casesOpened',
  'casesClosed',
  'firstContactResolution',
  'backlog',
  'slaCompliance',
  'solicitations',
  'complaints',
  'csat',
] as const;
const definitionOf = new Map(kpiRegistry.map((k) => [k.id, k]));

/** Local midnight (Europe/Rome) of the first of a month; months past 12 or below 1 roll the year. */
const monthStart = (year: number, month: number) => {
  const d = new Date(Date.UTC(year, month - 1, 1));
  return new Date(instantOf({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: 1 }, 0));
};

/**
 * The KPIs by month over the thirteen months from the same month a year before to the month: the
 * first is the year before's, the last twelve the trend (whose last point is the month). One range
 * for both, so that each KPI is one query; the report shows no heat map and no ageing.
 */
async function monthly(db: Executor, scope: Scope, municipalityId: string | undefined, from: Date, to: Date) {
  const range = { from: from.toISOString(), to: to.toISOString(), bucket: 'month', ...(municipalityId ? { municipalityId } : {}) };
  const [calls, cases] = await Promise.all([
    callKpis(db, scope, CallKpiQuerySchema.parse(range), { heatMap: false }),
    caseKpis(db, scope, CaseKpiQuerySchema.parse(range), { ageing: false }),
  ]);
  return { calls: calls.series, cases: cases.series };
}

export async function monthlyReport(
  db: Executor,
  scope: Scope,
  q: Pick<MonthlyReportQuery, 'month' | 'municipalityId'>,
): Promise<MonthlyReport> {
  const [year, month] = q.month.split('-').map(Number) as [number, number];
  const [from, to] = [monthStart(year, month), monthStart(year, month + 1)];
  // Only the month's services are asked apart.
  const monthRange = { from, to, bucket: 'month' as const };
  const [
    {
      calls: [lastYearCalls, ...callTrend],
      cases: [lastYearCases, ...caseTrend],
    },
    opened,
    municipalities,
    services,
  ] = await Promise.all([
    monthly(db, scope, q.municipalityId, monthStart(year - 1, month), to),
    casesOpened(db, scope, q.municipalityId ? { municipalityId: q.municipalityId } : {}, monthRange, rollupGrain(monthRange)),
    listMunicipalities(db),
    listServices(db, q.municipalityId),
  ]);
  const now = { ...callTrend.at(-1), ...caseTrend.at(-1) } as Record<string, number | null>;
  const before = { ...lastYearCalls, ...lastYearCases } as Record<string, number | null>;
  const served = municipalities.filter((m) => (q.municipalityId ? m.id === q.municipalityId : scope.includes(m.id)));
  const openedInMonth = opened.service.reduce((n, s) => n + s.casesOpened, 0);
  return {
    month: q.month,
    municipalityId: q.municipalityId ?? null,
    title: served.map((m) => m.name).join(', '),
    from: from.toISOString(),
    to: to.toISOString(),
    kpis: reportKpiIds.map((id) => {
      const d = definitionOf.get(id) as KpiDefinition;
      const value = now[id] ?? null;
      const lastYear = before[id] ?? null;
      return { id, label: d.label.it, unit: d.unit, value, lastYear, change: value !== null && lastYear ? value / lastYear - 1 : null };
    }),
    topServices: opened.service.slice(0, 10).map((s) => ({
      serviceCode: s.key!,
      name: services.find((x) => x.code === s.key)?.name ?? null,
      casesOpened: s.casesOpened,
      share: s.casesOpened / openedInMonth,
    })),
    trends: callTrend.map((c, i) => {
      const k = caseTrend[i]!;
      const local = new Date(Date.parse(c.start) + 12 * 3_600_000);
      return {
        month: `${local.getUTCFullYear()}-${String(local.getUTCMonth() + 1).padStart(2, '0')}`,
        callsOffered: c.callsOffered,
        callsAnswered: c.callsAnswered,
        abandonmentRate: c.abandonmentRate,
        averageSpeedOfAnswerSeconds: c.averageSpeedOfAnswerSeconds,
        casesOpened: k.casesOpened,
        casesClosed: k.casesClosed,
        csat: k.csat,
      };
    }),
  };
}
