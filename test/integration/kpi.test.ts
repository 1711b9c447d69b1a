import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel, Outcome } from '../../domain/case.ts';
import { rebuildRollups, rollupDifferences } from '../../db/kpi-rollups.repository.ts';
import { kpiRegistry } from '../../domain/kpi/definitions.ts';
import { expectProblem, staffClient, type StaffClient, startTestApi, type TestApi } from '../helpers/app.ts';
import type { TestDatabase } from '../helpers/db.ts';

/**
 * The case KPIs against a small data set written straight into the read model (cases, tasks,
 * case_events) at known instants, each figure computed by hand below. Times are Rome local time
 * in March 2025 (CET, UTC+1). The range is Monday 3 to Wednesday 5 March, by day.
 *
 * Milan cases (Florence's J and K must never count for a Milan caller):
 *   L  general-information phone   opened 10 Jan 09:00, still open                        (age at the end > 30 days)
 *   A  general-information phone   opened 20 Feb 10:00, still open                        (13 days: 8–30)
 *   M  general-information phone   opened 28 Feb 12:00, still open                        (5 days: 3–7)
 *   B  tari-refund         web     opened 28 Feb 09:00, task mi-tributi due Tue 12:00, completed Tue 10:00 (on time),
 *                                  callback attempted and answered Tue 11:00, survey Wed 09:00 satisfaction 5
 *   C  general-information phone   opened Mon 09:00, closed at the first level Mon 09:10, survey Mon 12:00 satisfaction 3
 *   D  general-information email   opened Mon 11:00, withdrawn Mon 15:00
 *   E  pothole-report      phone   opened Mon 14:00, task mi-strade due Tue 14:00, breached Tue 14:00, solicited Tue 16:00,
 *                                  complaint Wed 10:00, completed Wed 11:00 (late), callback failed after 2 calls Wed 15:00,
 *                                  survey Wed 18:00 satisfaction "4"
 *   G  general-information phone   opened Tue 00:30 (Monday 23:30 in UTC), still open
 *   F  change-of-residence counter opened Tue 10:00, task mi-anagrafe due next Monday, solicited Wed 09:00, still open
 *   H  general-information phone   opened Wed 10:00, closed at the first level (redirected) Wed 10:20, callback failed
 *                                  without a call (no phone) Wed 10:30, survey Wed 12:00 without a satisfaction score
 *   I  tari-refund         phone   opened Thu 6 Mar 08:00: after the range
 */
const rome = (local: string) => new Date(`2025-${local}+01:00`);
const range = { from: '2025-03-03T00:00:00+01:00', to: '2025-03-06T00:00:00+01:00' };

let t: TestDatabase;
let api: TestApi;
let app: FastifyInstance;
let supervisor: StaffClient; // Milan only
let both: StaffClient; // an auditor of Milan and Florence

interface CaseFixture {
  id: string;
  municipality?: string;
  service: string;
  channel: Channel;
  opened: string;
  resolved?: string;
  outcome?: Outcome;
  office?: string;
}
async function insertCase(c: CaseFixture) {
  await t.db
    .insertInto('cases')
    .values({
      id: c.id,
      municipality_id: c.municipality ?? 'milano',
      service_code: c.service,
      channel: c.channel,
      subject: `Pratica ${c.id}`,
      description: '',
      citizen: '{}',
      status: c.resolved ? 'resolved' : 'open',
      stage: c.resolved ? 'closed' : c.office ? 'office' : 'intake',
      outcome: c.outcome ?? null,
      created_at: rome(c.opened),
      updated_at: rome(c.resolved ?? c.opened),
      resolved_at: c.resolved ? rome(c.resolved) : null,
      last_seq: 0,
      definition_version: 1,
      office_id: c.office ?? null,
    })
    .execute();
}
async function insertTask(caseId: string, office: string, opened: string, due: string, done: boolean) {
  await t.db
    .insertInto('tasks')
    .values({
      id: `${caseId}:1`,
      case_id: caseId,
      office_id: office,
      assignee: null,
      status: done ? 'done' : 'open',
      warning_at: rome(due),
      due_at: rome(due),
      sla_state: 'on-track',
      escalated: false,
      waiting_since: null,
      created_at: rome(opened),
      updated_at: rome(opened),
      last_seq: 0,
    })
    .execute();
}
const seqs = new Map<string, number>();
async function event(caseId: string, type: string, at: string, data: Record<string, unknown> = {}) {
  const seq = (seqs.get(caseId) ?? 0) + 1;
  seqs.set(caseId, seq);
  await t.db
    .insertInto('case_events')
    .values({ case_id: caseId, seq, type, at: rome(at), stage: 'office', actor: null, data: JSON.stringify(data), definition_version: 1 })
    .execute();
}

beforeAll(async () => {
  api = await startTestApi({ workers: false });
  ({ t, app } = api);
  supervisor = await staffClient(app, t.db, { role: 'supervisor', municipalities: ['milano'] });
  both = await staffClient(app, t.db, { role: 'auditor', municipalities: ['milano', 'firenze'] });

  const info = { service: 'general-information', channel: 'phone' } as const;
  await insertCase({ id: 'K-L', ...info, opened: '01-10T09:00:00' });
  await insertCase({ id: 'K-A', ...info, opened: '02-20T10:00:00' });
  await insertCase({ id: 'K-M', ...info, opened: '02-28T12:00:00' });
  await insertCase({
    id: 'K-B',
    service: 'tari-refund',
    channel: 'web',
    opened: '02-28T09:00:00',
    resolved: '03-04T10:00:00',
    outcome: 'resolved',
    office: 'mi-tributi',
  });
  await insertTask('K-B', 'mi-tributi', '02-28T09:30:00', '03-04T12:00:00', true);
  await event('K-B', 'task.completed', '03-04T10:00:00', { answer: 'Rimborso disposto', outcome: 'resolved' });
  await event('K-B', 'callback.attempted', '03-04T11:00:00', { purpose: 'answer-ready', attempt: 1, outcome: 'answered' });
  await event('K-B', 'callback.answered', '03-04T11:00:00', { purpose: 'answer-ready', attempts: 1 });
  await event('K-B', 'survey.answered', '03-05T09:00:00', { answers: { satisfaction: 5, solved: true } });
  await insertCase({ id: 'K-C', ...info, opened: '03-03T09:00:00', resolved: '03-03T09:10:00', outcome: 'resolved' });
  await event('K-C', 'survey.answered', '03-03T12:00:00', { answers: { satisfaction: 3 } });
  await insertCase({ id: 'K-D', ...info, channel: 'email', opened: '03-03T11:00:00', resolved: '03-03T15:00:00', outcome: 'withdrawn' });
  await insertCase({
    id: 'K-E',
    service: 'pothole-report',
    channel: 'phone',
    opened: '03-03T14:00:00',
    resolved: '03-05T11:00:00',
    outcome: 'resolved',
    office: 'mi-strade',
  });
  await insertTask('K-E', 'mi-strade', '03-03T14:05:00', '03-04T14:00:00', true);
  await event('K-E', 'sla.breached', '03-04T14:00:00', { action: 'escalate-to-supervisors', from: 'mi-strade' });
  await event('K-E', 'citizen.solicited', '03-04T16:00:00', { count: 1 });
  await event('K-E', 'complaint.opened', '03-05T10:00:00', { complaintCase: 'K-X', channel: 'phone' });
  await event('K-E', 'task.completed', '03-05T11:00:00', { answer: 'Buca chiusa', outcome: 'resolved' });
  await event('K-E', 'callback.attempted', '03-05T13:00:00', { purpose: 'answer-ready', attempt: 1, outcome: 'no-answer' });
  await event('K-E', 'callback.attempted', '03-05T15:00:00', { purpose: 'answer-ready', attempt: 2, outcome: 'no-answer' });
  await event('K-E', 'callback.failed', '03-05T15:00:00', { purpose: 'answer-ready', attempts: 2 });
  await event('K-E', 'survey.answered', '03-05T18:00:00', { answers: { satisfaction: '4' } });
  await insertCase({ id: 'K-G', ...info, opened: '03-04T00:30:00' });
  await insertCase({ id: 'K-F', service: 'change-of-residence', channel: 'counter', opened: '03-04T10:00:00', office: 'mi-anagrafe' });
  await insertTask('K-F', 'mi-anagrafe', '03-04T10:05:00', '03-10T10:00:00', false);
  await event('K-F', 'citizen.solicited', '03-05T09:00:00', { count: 1 });
  await insertCase({ id: 'K-H', ...info, opened: '03-05T10:00:00', resolved: '03-05T10:20:00', outcome: 'redirected' });
  await event('K-H', 'callback.failed', '03-05T10:30:00', { purpose: 'answer-ready', attempts: 0, reason: 'no phone number on file' });
  await event('K-H', 'survey.answered', '03-05T12:00:00', { answers: { solved: true } });
  await insertCase({ id: 'K-I', service: 'tari-refund', channel: 'phone', opened: '03-06T08:00:00' });

  // Florence: J closed at the first level, K late at its office; each with events of every kind.
  await insertCase({
    id: 'K-J',
    municipality: 'firenze',
    ...info,
    opened: '03-03T10:00:00',
    resolved: '03-03T10:05:00',
    outcome: 'resolved',
  });
  await event('K-J', 'survey.answered', '03-03T12:00:00', { answers: { satisfaction: 5 } });
  await event('K-J', 'callback.answered', '03-03T12:30:00', { attempts: 1 });
  await insertCase({
    id: 'K-K',
    municipality: 'firenze',
    service: 'tari-refund',
    channel: 'web',
    opened: '03-03T08:00:00',
    resolved: '03-05T09:00:00',
    outcome: 'resolved',
    office: 'fi-tributi',
  });
  await insertTask('K-K', 'fi-tributi', '03-03T08:00:00', '03-04T08:00:00', true);
  await event('K-K', 'sla.breached', '03-04T08:00:00', { action: 'escalate-to-supervisors', from: 'fi-tributi' });
  await event('K-K', 'citizen.solicited', '03-04T09:00:00', { count: 1 });
  await event('K-K', 'complaint.opened', '03-04T09:30:00', { complaintCase: 'K-Y', channel: 'web' });
  await event('K-K', 'task.completed', '03-05T09:00:00', { answer: 'Respinta', outcome: 'resolved' });
});
afterAll(() => api?.stop());

const query = (params: Record<string, string>) => new URLSearchParams(params).toString();
const get = async (client: StaffClient, path: string, params: Record<string, string>) => {
  const res = await client.inject({ url: `/api/kpi/${path}?${query(params)}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

describe('case KPIs by day', () => {
  it('computes every KPI of each day as by hand', async () => {
    const k = await get(supervisor, 'cases', { ...range, bucket: 'day' });
    expect(k).toMatchObject({ bucket: 'day', timeZone: 'Europe/Rome', from: '2025-03-02T23:00:00.000Z', to: '2025-03-05T23:00:00.000Z' });
    expect(k.series.map((p: { start: string; end: string }) => [p.start, p.end])).toEqual([
      ['2025-03-02T23:00:00.000Z', '2025-03-03T23:00:00.000Z'],
      ['2025-03-03T23:00:00.000Z', '2025-03-04T23:00:00.000Z'],
      ['2025-03-04T23:00:00.000Z', '2025-03-05T23:00:00.000Z'],
    ]);
    const [mon, tue, wed] = k.series;
    // Monday: opened C, D, E (G is Tuesday in Rome). Closed: C at the first level (D withdrawn: not counted).
    // Backlog: open at the start L, A, M, B (4) + 3 opened − C, D resolved = 5. Survey: C's 3 is not satisfied.
    expect(mon).toMatchObject({
      casesOpened: 3,
      casesClosed: 1,
      resolvedFirstLevel: 1,
      firstContactResolution: 1,
      backlog: 5,
      tasksDone: 0,
      tasksOnTime: 0,
      slaCompliance: null,
      slaBreaches: 0,
      solicitations: 0,
      complaints: 0,
      callbacksAttempted: 0,
      callbacksAnswered: 0,
      callbackSuccess: null,
      surveyAnswers: 1,
      satisfied: 0,
      csat: 0,
    });
    // Tuesday: opened G, F. Closed B, by its office: FCR 0 ÷ 1. Backlog 5 + 2 − 1 = 6. B's task done on time;
    // E breached at mi-strade; E solicited; B's callback answered (1 of 1).
    expect(tue).toMatchObject({
      casesOpened: 2,
      casesClosed: 1,
      resolvedFirstLevel: 0,
      firstContactResolution: 0,
      backlog: 6,
      tasksDone: 1,
      tasksOnTime: 1,
      slaCompliance: 1,
      slaBreaches: 1,
      solicitations: 1,
      complaints: 0,
      callbacksAttempted: 1,
      callbacksAnswered: 1,
      callbackSuccess: 1,
      surveyAnswers: 0,
      satisfied: 0,
      csat: null,
    });
    // Wednesday: opened H. Closed E (office) and H (first level): FCR 1 ÷ 2. Backlog 6 + 1 − 2 = 5.
    // E's task done late (11:00 after Tuesday 14:00): 0 ÷ 1. F solicited; E's complaint. Callbacks: E failed after
    // 2 calls (attempted), H failed with no call (not attempted): 0 ÷ 1. Surveys: B 5 and E "4" satisfied, H has no score.
    expect(wed).toMatchObject({
      casesOpened: 1,
      casesClosed: 2,
      resolvedFirstLevel: 1,
      firstContactResolution: 0.5,
      backlog: 5,
      tasksDone: 1,
      tasksOnTime: 0,
      slaCompliance: 0,
      slaBreaches: 0,
      solicitations: 1,
      complaints: 1,
      callbacksAttempted: 1,
      callbacksAnswered: 0,
      callbackSuccess: 0,
      surveyAnswers: 2,
      satisfied: 2,
      csat: 1,
    });
    // The range: sums of the days, ratios of the sums, the backlog at its end.
    expect(k.totals).toEqual({
      casesOpened: 6,
      casesClosed: 4,
      resolvedFirstLevel: 2,
      firstContactResolution: 0.5,
      backlog: 5,
      tasksDone: 2,
      tasksOnTime: 1,
      slaCompliance: 0.5,
      slaBreaches: 1,
      solicitations: 2,
      complaints: 1,
      callbacksAttempted: 2,
      callbacksAnswered: 1,
      callbackSuccess: 0.5,
      surveyAnswers: 3,
      satisfied: 2,
      csat: 2 / 3,
    });
  });

  it('breaks the cases opened down by channel, service, office and municipality', async () => {
    const { breakdowns } = await get(supervisor, 'cases', range);
    // Opened in the range: C, D, E, G, F, H.
    expect(breakdowns.channel).toEqual(
      expect.arrayContaining([
        { key: 'phone', casesOpened: 4 },
        { key: 'email', casesOpened: 1 },
        { key: 'counter', casesOpened: 1 },
      ]),
    );
    expect(breakdowns.channel).toHaveLength(3);
    expect(breakdowns.service).toEqual(
      expect.arrayContaining([
        { key: 'general-information', casesOpened: 4 },
        { key: 'pothole-report', casesOpened: 1 },
        { key: 'change-of-residence', casesOpened: 1 },
      ]),
    );
    expect(breakdowns.service).toHaveLength(3);
    // The office now holding each case; C, D, G and H never left the first level.
    expect(breakdowns.office).toEqual(
      expect.arrayContaining([
        { key: null, casesOpened: 4 },
        { key: 'mi-strade', casesOpened: 1 },
        { key: 'mi-anagrafe', casesOpened: 1 },
      ]),
    );
    expect(breakdowns.office).toHaveLength(3);
    expect(breakdowns.municipality).toEqual([{ key: 'milano', casesOpened: 6 }]);
  });

  it('ages the cases open at the end of the range, and they are its backlog', async () => {
    const { ageing, totals } = await get(supervisor, 'cases', range);
    // At Thursday 00:00: F 1 day 14 h and G 1 day 23.5 h (0–2), M 5 days 12 h (3–7), A 13 days 14 h (8–30), L 54 days (> 30).
    expect(ageing).toEqual([
      { range: '0-2', cases: 2 },
      { range: '3-7', cases: 1 },
      { range: '8-30', cases: 1 },
      { range: '>30', cases: 1 },
    ]);
    expect(ageing.reduce((n: number, a: { cases: number }) => n + a.cases, 0)).toBe(totals.backlog);
  });

  it('gives SLA compliance and breaches per office', async () => {
    const { offices } = await get(supervisor, 'cases', range);
    expect(offices).toEqual([
      { officeId: 'mi-strade', tasksDone: 1, tasksOnTime: 0, slaCompliance: 0, slaBreaches: 1 },
      { officeId: 'mi-tributi', tasksDone: 1, tasksOnTime: 1, slaCompliance: 1, slaBreaches: 0 },
    ]);
  });
});

describe('buckets and filters', () => {
  it('cuts hours in Rome time: G, opened at 00:30 on Tuesday, is in the hour starting 23:00 UTC', async () => {
    const k = await get(supervisor, 'cases', { bucket: 'hour', from: '2025-03-04T00:00:00+01:00', to: '2025-03-04T02:00:00+01:00' });
    expect(k.series.map((p: { start: string; casesOpened: number; backlog: number }) => [p.start, p.casesOpened, p.backlog])).toEqual([
      ['2025-03-03T23:00:00.000Z', 1, 6],
      ['2025-03-04T00:00:00.000Z', 0, 6],
    ]);
  });

  it('has 25 hours on the day summer time ends, 23 on the day it starts, and local days and months around them', async () => {
    const autumn = await get(supervisor, 'cases', { bucket: 'hour', from: '2025-10-26T00:00:00+02:00', to: '2025-10-27T00:00:00+01:00' });
    expect(autumn.series).toHaveLength(25);
    const spring = await get(supervisor, 'cases', { bucket: 'hour', from: '2025-03-30T00:00:00+01:00', to: '2025-03-31T00:00:00+02:00' });
    expect(spring.series).toHaveLength(23);
    const days = await get(supervisor, 'cases', { bucket: 'day', from: '2025-10-26T00:00:00+02:00', to: '2025-10-28T00:00:00+01:00' });
    expect(days.series.map((p: { start: string; end: string }) => [p.start, p.end])).toEqual([
      ['2025-10-25T22:00:00.000Z', '2025-10-26T23:00:00.000Z'],
      ['2025-10-26T23:00:00.000Z', '2025-10-27T23:00:00.000Z'],
    ]);
    const months = await get(supervisor, 'cases', { bucket: 'month', from: '2025-01-01T00:00:00+01:00', to: '2025-05-01T00:00:00+02:00' });
    // Milan opened L in January; A, B, M in February; C, D, E, G, F, H, I in March. April begins on summer time.
    expect(months.series.map((p: { start: string; casesOpened: number }) => [p.start, p.casesOpened])).toEqual([
      ['2024-12-31T23:00:00.000Z', 1],
      ['2025-01-31T23:00:00.000Z', 3],
      ['2025-02-28T23:00:00.000Z', 7],
      ['2025-03-31T22:00:00.000Z', 0],
    ]);
  });

  it('starts weeks on Monday and clips the last bucket to the range', async () => {
    const k = await get(supervisor, 'cases', { bucket: 'week', from: '2025-03-04T00:00:00+01:00', to: range.to });
    // One week, Monday 3 March; counted from Tuesday: G, F, H opened; B, E, H closed (E and B by their offices).
    expect(k.series).toHaveLength(1);
    expect(k.series[0]).toMatchObject({
      start: '2025-03-02T23:00:00.000Z',
      end: '2025-03-05T23:00:00.000Z',
      casesOpened: 3,
      casesClosed: 3,
      resolvedFirstLevel: 1,
      backlog: 5,
    });
  });

  it('filters by office, channel and service', async () => {
    // mi-strade: case E (opened Monday, closed Wednesday), its late task and its breach.
    const strade = await get(supervisor, 'cases', { ...range, officeId: 'mi-strade' });
    expect(strade.totals).toMatchObject({
      casesOpened: 1,
      casesClosed: 1,
      backlog: 0,
      tasksDone: 1,
      tasksOnTime: 0,
      slaBreaches: 1,
      solicitations: 1,
      complaints: 1,
      csat: 1,
    });
    expect(strade.offices).toEqual([{ officeId: 'mi-strade', tasksDone: 1, tasksOnTime: 0, slaCompliance: 0, slaBreaches: 1 }]);
    // By phone: C, E, G, H opened; closed C, E, H (FCR 2 ÷ 3); open at the end L, A, M, G.
    const phone = await get(supervisor, 'cases', { ...range, channel: 'phone' });
    expect(phone.totals).toMatchObject({
      casesOpened: 4,
      casesClosed: 3,
      resolvedFirstLevel: 2,
      firstContactResolution: 2 / 3,
      backlog: 4,
    });
    const tari = await get(supervisor, 'cases', { ...range, serviceCode: 'tari-refund' });
    expect(tari.totals).toMatchObject({
      casesOpened: 0,
      casesClosed: 1,
      resolvedFirstLevel: 0,
      backlog: 0,
      tasksDone: 1,
      tasksOnTime: 1,
      callbackSuccess: 1,
      csat: 1,
    });
  });
});

describe('scope and access', () => {
  it('never counts another municipality; a caller serving both sees both', async () => {
    const milan = await get(supervisor, 'cases', range);
    const all = await get(both, 'cases', range);
    // Florence adds J and K (opened Monday), J closed at the first level and K by its office, K's late task
    // and breach, its solicitation and complaint, J's answered callback and satisfied survey.
    expect(all.totals).toMatchObject({
      casesOpened: 8,
      casesClosed: 6,
      resolvedFirstLevel: 3,
      tasksDone: 3,
      tasksOnTime: 1,
      slaBreaches: 2,
      solicitations: 3,
      complaints: 2,
      callbacksAttempted: 3,
      callbacksAnswered: 2,
      surveyAnswers: 4,
      satisfied: 3,
    });
    expect(all.breakdowns.municipality).toEqual(expect.arrayContaining([{ key: 'firenze', casesOpened: 2 }]));
    expect(milan.offices.map((o: { officeId: string }) => o.officeId)).not.toContain('fi-tributi');
    const florence = await get(both, 'cases', { ...range, municipalityId: 'firenze' });
    expect(florence.totals).toMatchObject({ casesOpened: 2, casesClosed: 2, resolvedFirstLevel: 1 });
  });

  it('answers 404 for a municipality or office the caller does not serve', async () => {
    expectProblem(await supervisor.inject({ url: `/api/kpi/cases?${query({ ...range, municipalityId: 'firenze' })}` }), 404, [
      'querystring.municipalityId',
    ]);
    expectProblem(await supervisor.inject({ url: `/api/kpi/cases?${query({ ...range, officeId: 'fi-tributi' })}` }), 404, [
      'querystring.officeId',
    ]);
    expectProblem(await supervisor.inject({ url: `/api/kpi/staffing?${query({ municipalityId: 'firenze' })}` }), 404, [
      'querystring.municipalityId',
    ]);
  });

  it('is for supervisors, auditors and administrators only', async () => {
    for (const role of ['operator', 'backoffice', 'designer'] as const) {
      const client = await staffClient(app, t.db, {
        role,
        municipalities: ['milano'],
        officeId: role === 'backoffice' ? 'mi-tributi' : null,
      });
      for (const path of [`cases?${query(range)}`, 'staffing', 'definitions'])
        expectProblem(await client.inject({ url: `/api/kpi/${path}` }), 403);
    }
    const admin = await staffClient(app, t.db, { role: 'admin', municipalities: ['milano'] });
    expect((await admin.inject({ url: `/api/kpi/cases?${query(range)}` })).statusCode).toBe(200);
    expectProblem(await app.inject({ url: `/api/kpi/cases?${query(range)}` }), 401);
  });

  it('refuses a range that ends before it starts, an unknown bucket, or too many buckets', async () => {
    expectProblem(await supervisor.inject({ url: `/api/kpi/cases?${query({ from: range.to, to: range.from })}` }), 400, ['querystring.to']);
    expectProblem(await supervisor.inject({ url: `/api/kpi/cases?${query({ ...range, bucket: 'year' })}` }), 400, ['querystring.bucket']);
    expectProblem(
      await supervisor.inject({
        url: `/api/kpi/cases?${query({ bucket: 'hour', from: '2024-01-01T00:00:00Z', to: '2025-01-01T00:00:00Z' })}`,
      }),
      400,
      ['querystring.to'],
    );
    expectProblem(await supervisor.inject({ url: '/api/kpi/cases' }), 400, ['querystring.from', 'querystring.to']);
  });
});

describe('staffing', () => {
  // The week before Monday 10 March: C (Mon 09:00), D (Mon 11:00), E (Mon 14:00), G (Tue 00:30), F (Tue 10:00),
  // H (Wed 10:00), I (Thu 08:00) — one contact in each of seven hours.
  const params = {
    from: '2025-03-10T00:00:00+01:00',
    weeks: '1',
    historyWeeks: '1',
    ahtSeconds: '180',
    targetServiceLevel: '0.8',
    thresholdSeconds: '20',
    maxOccupancy: '1',
  };

  it('forecasts next week from the last and staffs each hour by Erlang C', async () => {
    const s = await get(supervisor, 'staffing', params);
    expect(s.history).toEqual({ from: '2025-03-02T23:00:00.000Z', to: '2025-03-09T23:00:00.000Z', source: 'cases', contacts: 7 });
    expect(s.trendPerWeek).toBe(1);
    expect(s.intervals).toHaveLength(168);
    // Monday 09:00: one contact of 180 s in an hour is 0.05 erlangs; one agent: P(wait) = 0.05,
    // service level 1 − 0.05 · e^(−0.95 · 20 ÷ 180) = 0.95501, ASA 0.05 · 180 ÷ 0.95 = 9.47 s.
    const monday9 = s.intervals.find((i: { start: string }) => i.start === '2025-03-10T08:00:00.000Z');
    expect(monday9).toMatchObject({ forecastContacts: 1, erlangs: 0.05, agentsNeeded: 1, occupancy: 0.05 });
    expect(monday9.serviceLevel).toBeCloseTo(0.95501, 5);
    expect(monday9.asaSeconds).toBeCloseTo(9.4737, 4);
    expect(s.intervals.filter((i: { agentsNeeded: number }) => i.agentsNeeded > 0)).toHaveLength(7);
    expect(s.intervals[0]).toMatchObject({ start: '2025-03-09T23:00:00.000Z', forecastContacts: 0, agentsNeeded: 0 });
  });

  it('splits each hour into intervals of the length asked', async () => {
    const s = await get(supervisor, 'staffing', { ...params, intervalMinutes: '30', channel: 'phone' });
    // By phone: C, E, G, H, I (five hours). Monday 09:00 and 09:30 each get half a contact.
    expect(s.history.contacts).toBe(5);
    expect(s.intervals).toHaveLength(336);
    expect(
      s.intervals
        .filter((i: { start: string }) => i.start.startsWith('2025-03-10T08:'))
        .map((i: { forecastContacts: number }) => i.forecastContacts),
    ).toEqual([0.5, 0.5]);
    expectProblem(await supervisor.inject({ url: `/api/kpi/staffing?${query({ ...params, intervalMinutes: '20' })}` }), 400, [
      'querystring.intervalMinutes',
    ]);
  });
});

describe('rollups', () => {
  it('read for whole-hour ranges over a day give what the raw rows give, and equal the cases as they change', async () => {
    const byDay = await get(supervisor, 'cases', { ...range, bucket: 'day' });
    expect(byDay.source).toBe('days');
    // A ragged start reads the raw rows: the same figures (nothing happened in the first second).
    const raw = await get(supervisor, 'cases', { ...range, from: '2025-03-03T00:00:01+01:00', bucket: 'day' });
    expect(raw.source).toBe('raw');
    const byHour = await get(supervisor, 'cases', { ...range, bucket: 'hour' });
    expect(byHour.source).toBe('hours');
    for (const other of [raw, byHour]) {
      expect(other.totals).toEqual(byDay.totals);
      expect(other.breakdowns).toEqual(byDay.breakdowns);
      expect(other.offices).toEqual(byDay.offices);
      expect(other.ageing).toEqual(byDay.ageing);
    }
    expect(await rollupDifferences(t.db)).toEqual([]);
    // A case moving office and being resolved, and a task appearing on a closed case, move the rollups with them.
    await t.db
      .updateTable('cases')
      .set({ office_id: 'mi-tributi', resolved_at: rome('03-05T12:00:00'), outcome: 'resolved', status: 'resolved' })
      .where('id', '=', 'K-F')
      .execute();
    await t.db
      .insertInto('tasks')
      .values({
        id: 'K-C:1',
        case_id: 'K-C',
        office_id: 'mi-anagrafe',
        assignee: null,
        status: 'done',
        warning_at: rome('03-03T10:00:00'),
        due_at: rome('03-03T10:00:00'),
        sla_state: 'on-track',
        escalated: false,
        waiting_since: null,
        created_at: rome('03-03T09:05:00'),
        updated_at: rome('03-03T09:05:00'),
        last_seq: 0,
      })
      .execute();
    expect(await rollupDifferences(t.db)).toEqual([]);
    // F closed by its office on Wednesday; C no longer closed at the first level.
    expect((await get(supervisor, 'cases', { ...range, bucket: 'day' })).totals).toMatchObject({
      casesClosed: 5,
      resolvedFirstLevel: 1,
      backlog: 4,
    });
    await t.db.deleteFrom('tasks').where('id', '=', 'K-C:1').execute();
    await t.db
      .updateTable('cases')
      .set({ office_id: 'mi-anagrafe', resolved_at: null, outcome: null, status: 'open' })
      .where('id', '=', 'K-F')
      .execute();
    expect(await rollupDifferences(t.db)).toEqual([]);
    await t.db.transaction().execute(rebuildRollups);
    expect(await rollupDifferences(t.db)).toEqual([]);
    expect(await get(supervisor, 'cases', { ...range, bucket: 'day' })).toEqual(byDay);
  });
});

describe('definitions', () => {
  it('are in the OpenAPI document, with the KPI answers as named schemas', async () => {
    const spec = (await supervisor.inject({ url: '/openapi.json' })).json();
    expect(spec.paths['/api/kpi/cases'].get.operationId).toBe('getCaseKpis');
    expect(spec.paths['/api/kpi/staffing'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['ahtSeconds', 'targetServiceLevel', 'intervalMinutes']),
    );
    expect(Object.keys(spec.components.schemas)).toEqual(expect.arrayContaining(['CaseKpis', 'Staffing', 'KpiDefinition']));
  });

  it('lists every KPI with its labels, unit and formula', async () => {
    const list = await get(supervisor, 'definitions', {});
    expect(list.map((d: { id: string }) => d.id)).toEqual(kpiRegistry.map((d) => d.id));
    expect(list.find((d: { id: string }) => d.id === 'csat')).toMatchObject({
      unit: 'ratio',
      label: { it: 'Soddisfazione (CSAT)', en: 'Customer satisfaction (CSAT)' },
    });
  });
});
