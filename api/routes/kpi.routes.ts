import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { kpiRegistry } from '../../domain/kpi/definitions.ts';
import type { Db } from '../../db/connection.ts';
import { can } from '../../domain/principal.ts';
import { principalOf } from '../auth/principal.ts';
import { problems } from '../problems.ts';
import {
  CallKpiQuerySchema,
  CallKpisSchema,
  CaseKpiQuerySchema,
  CaseKpisSchema,
  KpiDefinitionSchema,
  MonthlyReportQuerySchema,
  MonthlyReportSchema,
  StaffingQuerySchema,
  StaffingSchema,
} from '../../contracts/kpi.ts';
import { reportCsv, reportPdf, reportXlsx } from '../../services/kpi-report.files.ts';
import { monthlyReport } from '../../services/kpi-report.service.ts';
import { callKpis, caseKpis, kpiScope, staffing } from '../../services/kpi.service.ts';

const writeProblems = problems(400, 401, 403, 404);

export const kpiRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/kpi/definitions',
    {
      config: { access: can.readKpis },
      schema: {
        operationId: 'listKpiDefinitions',
        tags: ['kpi'],
        summary: 'Every KPI: its id, Italian and English label, unit and formula',
        response: { 200: KpiDefinitionSchema.array(), ...problems(401, 403) },
      },
    },
    async () => [...kpiRegistry],
  );

  app.get(
    '/kpi/cases',
    {
      config: { access: can.readKpis },
      schema: {
        operationId: 'getCaseKpis',
        tags: ['kpi'],
        summary:
          'Case KPIs of the municipalities you serve by hour, day, week or month (Europe/Rome): volumes, first-contact resolution, backlog and ageing, SLA, solicitations, complaints, callbacks, CSAT',
        querystring: CaseKpiQuerySchema,
        response: { 200: CaseKpisSchema, ...writeProblems },
      },
    },
    async (req) => caseKpis(db, await kpiScope(db, principalOf(req), req.query), req.query),
  );

  app.get(
    '/kpi/calls',
    {
      config: { access: can.readKpis },
      schema: {
        operationId: 'getCallKpis',
        tags: ['kpi'],
        summary:
          'Call KPIs of the lines of the municipalities you serve by hour, day, week or month (Europe/Rome): offered, answered, abandoned, transferred, speed of answer, talk time, service level, abandonment rate, and a weekday × hour heat map',
        querystring: CallKpiQuerySchema,
        response: { 200: CallKpisSchema, ...writeProblems },
      },
    },
    async (req) => callKpis(db, await kpiScope(db, principalOf(req), req.query), req.query),
  );

  app.get(
    '/kpi/staffing',
    {
      config: { access: can.readKpis },
      schema: {
        operationId: 'getStaffing',
        tags: ['kpi'],
        summary: 'Contacts forecast per interval for the coming weeks and the agents needed for a target service level (Erlang C)',
        querystring: StaffingQuerySchema,
        response: { 200: StaffingSchema, ...writeProblems },
      },
    },
    async (req) => staffing(db, await kpiScope(db, principalOf(req), req.query), req.query, Date.now()),
  );

  const files = {
    csv: { type: 'text/csv; charset=utf-8', render: reportCsv },
    xlsx: { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', render: reportXlsx },
    pdf: { type: 'application/pdf', render: reportPdf },
  } as const;
  app.get(
    '/kpi/report',
    {
      config: { access: can.readKpis },
      schema: {
        operationId: 'getMonthlyReport',
        tags: ['kpi'],
        summary:
          "The monthly report like the city's own: the month's KPIs, the same month last year and the change, top services, twelve months of trend",
        description:
          'format=json (default) answers the MonthlyReport below; csv and xlsx answer its data as a file, pdf the report to read (Italian).',
        querystring: MonthlyReportQuerySchema,
        response: { 200: MonthlyReportSchema, ...writeProblems },
      },
    },
    async (req, reply) => {
      const { format, ...q } = req.query;
      const report = await monthlyReport(db, await kpiScope(db, principalOf(req), q), q);
      if (format === 'json') return report;
      const file = files[format];
      const name = `rapporto-${q.month}${q.municipalityId ? `-${q.municipalityId}` : ''}.${format}`;
      // A file: Fastify sends a string or a buffer as it is, past the JSON schema (typed for the JSON answer).
      const body = (await file.render(report)) as unknown as typeof report;
      return reply.type(file.type).header('content-disposition', `attachment; filename="${name}"`).send(body);
    },
  );
};
