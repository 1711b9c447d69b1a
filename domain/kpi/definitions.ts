/**
 * The KPIs the dashboards and the monthly report show, as data: one registry, one entry per KPI,
 * each family (cases today, calls when the call records land) adding its own list. The formula
 * is what the SQL computes, in words; the README's KPI section says the same.
 */
export type KpiUnit = 'count' | 'ratio' | 'agents' | 'contacts' | 'seconds';
export type KpiFamily = 'cases' | 'calls' | 'staffing';

export interface KpiDefinition {
  id: string;
  family: KpiFamily;
  label: { it: string; en: string };
  unit: KpiUnit;
  formula: string;
}

/** A case's time series: each count is of its bucket (Europe/Rome, clipped to the range asked). */
export const caseKpis = [
  {
    id: 'casesOpened',
    family: 'cases',
    unit: 'count',
    label: { it: 'Pratiche aperte', en: 'Cases opened' },
    formula:
      'cases whose created_at falls in the bucket; broken down by channel, service, office (the office now holding the case, "first level" when none) and municipality',
  },
  {
    id: 'casesClosed',
    family: 'cases',
    unit: 'count',
    label: { it: 'Pratiche chiuse', en: 'Cases closed' },
    formula: 'cases whose resolved_at falls in the bucket, withdrawn ones excluded',
  },
  {
    id: 'resolvedFirstLevel',
    family: 'cases',
    unit: 'count',
    label: { it: 'Risolte al primo livello', en: 'Resolved at the first level' },
    formula: 'cases closed in the bucket that never had an office task (never transferred)',
  },
  {
    id: 'firstContactResolution',
    family: 'cases',
    unit: 'ratio',
    label: { it: 'Risoluzione al primo contatto', en: 'First-contact resolution' },
    formula: 'resolvedFirstLevel ÷ casesClosed',
  },
  {
    id: 'backlog',
    family: 'cases',
    unit: 'count',
    label: { it: 'Arretrato', en: 'Backlog' },
    formula:
      'cases open at the end of the bucket: created before it and not resolved before it (count created before − count resolved before)',
  },
  {
    id: 'ageing',
    family: 'cases',
    unit: 'count',
    label: { it: 'Anzianità delle pratiche aperte', en: 'Ageing of open cases' },
    formula:
      'cases open at the end of the range by elapsed age (end − created_at in 24-hour days, rounded down): 0–2, 3–7, 8–30, more than 30 days',
  },
  {
    id: 'tasksDone',
    family: 'cases',
    unit: 'count',
    label: { it: 'Attività evase', en: 'Office tasks done' },
    formula: 'office tasks whose task.completed event falls in the bucket, per office holding the task',
  },
  {
    id: 'tasksOnTime',
    family: 'cases',
    unit: 'count',
    label: { it: 'Attività evase nei tempi', en: 'Office tasks done on time' },
    formula:
      "tasksDone whose task.completed instant is at or before the task's due_at (which moves by the time spent waiting on the citizen)",
  },
  {
    id: 'slaCompliance',
    family: 'cases',
    unit: 'ratio',
    label: { it: 'Rispetto dello SLA', en: 'SLA compliance' },
    formula: 'tasksOnTime ÷ tasksDone',
  },
  {
    id: 'slaBreaches',
    family: 'cases',
    unit: 'count',
    label: { it: 'Violazioni dello SLA', en: 'SLA breaches' },
    formula: 'sla.breached events in the bucket, per office that held the task when it fell due',
  },
  {
    id: 'solicitations',
    family: 'cases',
    unit: 'count',
    label: { it: 'Solleciti', en: 'Solicitations' },
    formula: 'citizen.solicited events in the bucket',
  },
  {
    id: 'complaints',
    family: 'cases',
    unit: 'count',
    label: { it: 'Reclami', en: 'Complaints' },
    formula: 'complaint.opened events in the bucket (a complaint about a case, opened as a case of its own)',
  },
  {
    id: 'callbacksAttempted',
    family: 'cases',
    unit: 'count',
    label: { it: 'Richiamate tentate', en: 'Callbacks attempted' },
    formula:
      'callbacks ended in the bucket after at least one call: callback.answered events, and callback.failed events with attempts > 0',
  },
  {
    id: 'callbacksAnswered',
    family: 'cases',
    unit: 'count',
    label: { it: 'Richiamate riuscite', en: 'Callbacks answered' },
    formula: 'callback.answered events in the bucket',
  },
  {
    id: 'callbackSuccess',
    family: 'cases',
    unit: 'ratio',
    label: { it: 'Successo delle richiamate', en: 'Callback success' },
    formula: 'callbacksAnswered ÷ callbacksAttempted',
  },
  {
    id: 'surveyAnswers',
    family: 'cases',
    unit: 'count',
    label: { it: 'Risposte al questionario', en: 'Survey answers' },
    formula: 'survey.answered events in the bucket whose "satisfaction" answer is a score from 1 to 5 (a number, or a string of one digit)',
  },
  {
    id: 'satisfied',
    family: 'cases',
    unit: 'count',
    label: { it: 'Cittadini soddisfatti', en: 'Satisfied citizens' },
    formula: 'surveyAnswers with satisfaction ≥ 4',
  },
  {
    id: 'csat',
    family: 'cases',
    unit: 'ratio',
    label: { it: 'Soddisfazione (CSAT)', en: 'Customer satisfaction (CSAT)' },
    formula: 'satisfied ÷ surveyAnswers',
  },
] as const satisfies readonly KpiDefinition[];

/**
 * The calls of a bucket are the inbound contacts on a municipality's line whose started_at falls
 * in it; a transfer's own leg (linked_call_id set) is not a new call. T = serviceLevelSeconds
 * (default 20), S = shortAbandonSeconds (default 5).
 */
export const callKpis = [
  {
    id: 'callsOffered',
    family: 'calls',
    unit: 'count',
    label: { it: 'Chiamate in ingresso', en: 'Calls offered' },
    formula: 'inbound calls on the line, transfer legs apart, by started_at; also by local weekday × hour (the heat map)',
  },
  {
    id: 'callsAnswered',
    family: 'calls',
    unit: 'count',
    label: { it: 'Chiamate risposte', en: 'Calls answered' },
    formula: 'callsOffered with a connected_at',
  },
  {
    id: 'callsAbandoned',
    family: 'calls',
    unit: 'count',
    label: { it: 'Chiamate abbandonate', en: 'Calls abandoned' },
    formula:
      'callsOffered never connected whose end_cause is abandoned, after waiting at least S seconds (wait_seconds, else ended_at − started_at)',
  },
  {
    id: 'shortAbandoned',
    family: 'calls',
    unit: 'count',
    label: { it: 'Abbandoni brevi', en: 'Short abandons' },
    formula: 'abandoned calls that waited less than S seconds: counted apart, out of the abandonment rate and the service level',
  },
  {
    id: 'callsTransferred',
    family: 'calls',
    unit: 'count',
    label: { it: 'Chiamate deviate', en: 'Calls transferred' },
    formula: 'callsOffered whose end_cause is transferred (handed to another number, which is a linked contact of its own)',
  },
  {
    id: 'answeredWithinThreshold',
    family: 'calls',
    unit: 'count',
    label: { it: 'Risposte entro la soglia', en: 'Answered within the threshold' },
    formula: 'callsAnswered with connected_at − started_at ≤ T seconds',
  },
  {
    id: 'averageSpeedOfAnswerSeconds',
    family: 'calls',
    unit: 'seconds',
    label: { it: "Tempo medio d'attesa", en: 'Average speed of answer' },
    formula: 'mean of connected_at − started_at over callsAnswered (ringing, menu and queue: the wait the citizen lives)',
  },
  {
    id: 'averageTalkSeconds',
    family: 'calls',
    unit: 'seconds',
    label: { it: 'Tempo medio parlato', en: 'Average talk (handle) time' },
    formula:
      'mean of ended_at − connected_at over callsAnswered that have ended; the records carry no wrap-up, so this is also the handle time',
  },
  {
    id: 'serviceLevel',
    family: 'calls',
    unit: 'ratio',
    label: { it: 'Livello di servizio', en: 'Service level' },
    formula: 'answeredWithinThreshold ÷ (callsAnswered + callsAbandoned)',
  },
  {
    id: 'abandonmentRate',
    family: 'calls',
    unit: 'ratio',
    label: { it: 'Tasso di abbandono', en: 'Abandonment rate' },
    formula: 'callsAbandoned ÷ (callsOffered − shortAbandoned)',
  },
] as const satisfies readonly KpiDefinition[];

/**
 * The call KPIs that are counts of calls: each has the list of the calls it counts behind it
 * (`GET /api/calls` with `filter={"kpi": id, …}`), which the dashboard's figures open.
 */
export const countedCallKpis = [
  'callsOffered',
  'callsAnswered',
  'callsAbandoned',
  'shortAbandoned',
  'callsTransferred',
  'answeredWithinThreshold',
] as const satisfies readonly (typeof callKpis)[number]['id'][];
export type CountedCallKpi = (typeof countedCallKpis)[number];

export const staffingKpis = [
  {
    id: 'forecastContacts',
    family: 'staffing',
    unit: 'contacts',
    label: { it: 'Contatti previsti', en: 'Forecast contacts' },
    formula:
      'seasonal mean by weekday × hour (Europe/Rome) of the last weeks, with their weekly trend (domain/kpi/forecast.ts), of callsOffered when the lines have call records in the history, else of cases opened',
  },
  {
    id: 'actualContacts',
    family: 'staffing',
    unit: 'contacts',
    label: { it: 'Contatti effettivi', en: 'Actual contacts' },
    formula:
      'callsOffered in the interval when the lines have call records in the history, else cases opened; null for intervals not yet over',
  },
  {
    id: 'agentsNeeded',
    family: 'staffing',
    unit: 'agents',
    label: { it: 'Operatori necessari', en: 'Agents needed' },
    formula:
      "fewest agents N > A = contacts × AHT ÷ interval with Erlang C service level 1 − C(N, A)·e^(−(N − A)·T ÷ AHT) ≥ target and A ÷ N ≤ max occupancy; the plan's average speed of answer is C(N, A)·AHT ÷ (N − A)",
  },
] as const satisfies readonly KpiDefinition[];

/** Every KPI, by family. */
export const kpiRegistry: readonly KpiDefinition[] = [...caseKpis, ...callKpis, ...staffingKpis];

export type CaseKpiId = (typeof caseKpis)[number]['id'];
