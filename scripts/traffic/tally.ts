import type { CityFigures, TrafficBatch } from './model.ts';

/**
 * The simulator's own count of what it generated, by the README's KPI formulas (default
 * thresholds: answered within 20 s, short abandons under 5 s): what the KPI endpoints must
 * answer for the simulated range.
 */
export function emptyTally() {
  return {
    callsOffered: 0,
    callsAnswered: 0,
    abandonedAll: 0,
    shortAbandoned: 0,
    callsTransferred: 0,
    answeredWithinThreshold: 0,
    waitSum: 0,
    talked: 0,
    talkSum: 0,
    casesOpened: 0,
    casesResolved: 0,
    casesClosed: 0,
    resolvedFirstLevel: 0,
    tasksDone: 0,
    tasksOnTime: 0,
    slaBreaches: 0,
    solicitations: 0,
    complaints: 0,
    callbacksAttempted: 0,
    callbacksAnswered: 0,
    surveyAnswers: 0,
    satisfied: 0,
  };
}
export type Tally = ReturnType<typeof emptyTally>;

const seconds = (a: Date | string | null | undefined, b: Date | string | null | undefined) =>
  (new Date(b!).getTime() - new Date(a!).getTime()) / 1000;

export function addToTally(t: Tally, b: TrafficBatch): void {
  for (const c of b.calls) {
    if (c.direction !== 'inbound' || c.linked_call_id) continue;
    t.callsOffered++;
    if (c.connected_at) {
      const wait = seconds(c.started_at, c.connected_at);
      t.callsAnswered++;
      t.waitSum += wait;
      if (wait <= 20) t.answeredWithinThreshold++;
      if (c.ended_at) {
        t.talked++;
        t.talkSum += seconds(c.connected_at, c.ended_at);
      }
    } else if (c.end_cause === 'abandoned') {
      t.abandonedAll++;
      if (c.wait_seconds! < 5) t.shortAbandoned++;
    }
    if (c.end_cause === 'transferred') t.callsTransferred++;
  }
  const dueOf = new Map(b.tasks.map((task) => [task.case_id, new Date(task.due_at).getTime()]));
  for (const c of b.cases) {
    t.casesOpened++;
    if (!c.resolved_at) continue;
    t.casesResolved++;
    if (c.outcome === 'withdrawn') continue;
    t.casesClosed++;
    if (!dueOf.has(c.id)) t.resolvedFirstLevel++;
  }
  for (const e of b.events) {
    const data = JSON.parse(e.data as string) as { attempts?: number; answers?: { satisfaction?: number } };
    switch (e.type) {
      case 'task.completed':
        t.tasksDone++;
        if (new Date(e.at).getTime() <= dueOf.get(e.case_id)!) t.tasksOnTime++;
        break;
      case 'sla.breached':
        t.slaBreaches++;
        break;
      case 'citizen.solicited':
        t.solicitations++;
        break;
      case 'complaint.opened':
        t.complaints++;
        break;
      case 'callback.answered':
        t.callbacksAttempted++;
        t.callbacksAnswered++;
        break;
      case 'callback.failed':
        if ((data.attempts ?? 0) > 0) t.callbacksAttempted++;
        break;
      case 'survey.answered':
        t.surveyAnswers++;
        if ((data.answers?.satisfaction ?? 0) >= 4) t.satisfied++;
        break;
    }
  }
}

/** The calibration figures of a tally, beside a city's own (abandons of any length, as the city counts them). */
export function calibrationRows(t: Tally, target: CityFigures) {
  const rows: [string, number, number][] = [
    ['incoming calls', target.offered, t.callsOffered],
    ['answered', target.answered, t.callsAnswered],
    ['abandoned', target.abandoned, t.abandonedAll],
    ['transferred', target.transferred, t.callsTransferred],
    ['mean wait (s)', target.meanWaitSeconds, t.waitSum / t.callsAnswered],
    ['mean talk (s)', target.meanTalkSeconds, t.talkSum / t.talked],
  ];
  return rows.map(([figure, city, simulated]) => ({ figure, city, simulated, deviation: simulated / city - 1 }));
}

/** Seconds to the millisecond, as the KPI endpoints give means. */
const meanSeconds = (sum: number, n: number) => (n > 0 ? Math.round((sum / n) * 1000) / 1000 : null);

/** The tally beside the totals of GET /api/kpi/calls and /api/kpi/cases for the same range, figure by figure. */
export function kpiComparison(t: Tally, calls: Record<string, number | null>, cases: Record<string, number | null>) {
  const rows: [string, number | null, number | null][] = [
    ['calls offered', t.callsOffered, calls.callsOffered!],
    ['calls answered', t.callsAnswered, calls.callsAnswered!],
    ['calls abandoned (not short)', t.abandonedAll - t.shortAbandoned, calls.callsAbandoned!],
    ['short abandons', t.shortAbandoned, calls.shortAbandoned!],
    ['calls transferred', t.callsTransferred, calls.callsTransferred!],
    ['answered within threshold', t.answeredWithinThreshold, calls.answeredWithinThreshold!],
    ['mean speed of answer (s)', meanSeconds(t.waitSum, t.callsAnswered), calls.averageSpeedOfAnswerSeconds!],
    ['mean talk (s)', meanSeconds(t.talkSum, t.talked), calls.averageTalkSeconds!],
    ['cases opened', t.casesOpened, cases.casesOpened!],
    ['cases closed', t.casesClosed, cases.casesClosed!],
    ['resolved at the first level', t.resolvedFirstLevel, cases.resolvedFirstLevel!],
    ['backlog at the end', t.casesOpened - t.casesResolved, cases.backlog!],
    ['office tasks done', t.tasksDone, cases.tasksDone!],
    ['tasks done on time', t.tasksOnTime, cases.tasksOnTime!],
    ['SLA breaches', t.slaBreaches, cases.slaBreaches!],
    ['solicitations', t.solicitations, cases.solicitations!],
    ['complaints', t.complaints, cases.complaints!],
    ['callbacks attempted', t.callbacksAttempted, cases.callbacksAttempted!],
    ['callbacks answered', t.callbacksAnswered, cases.callbacksAnswered!],
    ['survey answers', t.surveyAnswers, cases.surveyAnswers!],
    ['satisfied (4–5)', t.satisfied, cases.satisfied!],
  ];
  return rows.map(([figure, simulated, kpi]) => ({ figure, simulated, kpi }));
}
