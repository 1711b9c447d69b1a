import { randomBytes } from 'node:crypto';
import type { Insertable } from 'kysely';
import pino from 'pino';
import { insertApiKey, newApiKeyId } from '../../db/credentials.repository.ts';
import { hashPassword } from '../../services/passwords.ts';
import type { CallsTable } from '../../db/database.ts';
import { latestPublished } from '../../db/definitions.repository.ts';
import type { CaseDetail } from '../../contracts/cases.ts';
import { localDayOf } from '../../domain/calendar.ts';
import type { CallEventInput } from '../../domain/call-events.ts';
import type { CaseIntake, Channel, Outcome } from '../../domain/case.ts';
import type { ServiceDefinition } from '../../domain/service-definition.ts';
import { CallEventRecorder } from '../../services/call-recorder.ts';
import type { CallOutcome, Dialer, DialOptions } from '../../domain/dialer.ts';
import { createIngestion } from '../../services/call-ingestion.ts';
import { type ApiFetch, logIn, withApiKey } from '../api-session.ts';
import { generateTraffic, rangeOf, type TrafficBatch, type TrafficProfile } from './model.ts';
import { addToTally, emptyTally, type Tally } from './tally.ts';
import type { TimeSkippingPlatform } from './time-skipping-platform.ts';

/**
 * Accelerated mode: the model's traffic played through the real platform on the time-skipping
 * server, each contact at its simulated instant, the clock skipped between them so that the
 * workflows' durable timers (SLA warnings and breaches, reminders, callback windows, survey
 * expiry) fire on their own. Calls are neutral call events through the telephony recorder and
 * ingestion; written requests, the operators', offices' and citizens' actions go through the API.
 *
 * The tally is what went through: the calls as played, the cases as the platform's rules made
 * them (every answered call opens a case; a service no operator may close goes to its office),
 * and what the workflows will do on their own predicted from what the API answered (a task not
 * done by its `dueAt` is breached; a complaint opens when its case closes) or seen at the
 * telephone network's edge (the callbacks the dialer received).
 */
const hour = 3_600_000;

/** FNV-1a of a string, as a number in [0, 1): a repeatable draw keyed by an id. */
function unitHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h / 4294967296;
}

/**
 * The citizens' phones, as the telephone network's edge: a case's callback is answered or not as
 * the model drew it; a caller called back after hanging up in the queue answers as often as the
 * model's callbacks are (keyed by the call, so runs repeat). Each attempt is kept with the
 * simulated clock's time.
 */
export class SimulatedPhones implements Dialer {
  readonly answers = new Map<string, boolean>();
  readonly attempts = new Map<string, { caseId: string | null; attempt: number; outcome: CallOutcome; at: number }>();
  clock: () => Promise<number> = async () => Date.now();

  constructor(private readonly answeredShare: number) {}

  async call(_to: string, { callId }: DialOptions): Promise<CallOutcome> {
    const caseId = /^(C-[0-9]{4}-[0-9]+):call:/.exec(callId)?.[1] ?? null;
    const answers = caseId ? (this.answers.get(caseId) ?? false) : unitHash(callId) < this.answeredShare;
    const outcome = answers ? 'answered' : 'no-answer';
    if (!this.attempts.has(callId))
      this.attempts.set(callId, { caseId, attempt: Number(callId.split(':').at(-1)), outcome, at: await this.clock() });
    return outcome;
  }
}

/** A case of the model, as the actions it asks for. */
interface CasePlan {
  channel: Channel;
  service: string;
  at: number;
  /** The model sends it to an office. */
  office: boolean;
  /** When the office answers (or, at the first level, the operator), if before the range's end. */
  doneAt: number | undefined;
  outcome: Outcome;
  solicitedAt?: number;
  complaintAt?: number;
  survey?: { at: number; satisfaction: number };
  callbackAnswered: boolean;
}

function plansOf(b: TrafficBatch): Map<string, CasePlan> {
  const plans = new Map<string, CasePlan>();
  for (const c of b.cases) {
    const events = b.events.filter((e) => e.case_id === c.id);
    const at = (type: string) => {
      const e = events.find((x) => x.type === type);
      return e ? new Date(e.at).getTime() : undefined;
    };
    const office = b.tasks.some((t) => t.case_id === c.id);
    const survey = events.find((e) => e.type === 'survey.answered');
    plans.set(c.id!, {
      channel: c.channel as Channel,
      service: c.service_code,
      at: new Date(c.created_at!).getTime(),
      office,
      doneAt: office ? at('task.completed') : c.resolved_at ? new Date(c.resolved_at).getTime() : undefined,
      outcome: (c.outcome ?? 'resolved') as Outcome,
      solicitedAt: at('citizen.solicited'),
      complaintAt: at('complaint.opened'),
      survey: survey && {
        at: new Date(survey.at).getTime(),
        satisfaction: (JSON.parse(survey.data as string) as { answers: { satisfaction: number } }).answers.satisfaction,
      },
      callbackAnswered: events.some((e) => e.type === 'callback.answered'),
    });
  }
  return plans;
}

/** A call as its events before `end` leave it: one still under way then has no end (nor answer) yet. */
function asPlayedBefore(call: Insertable<CallsTable>, end: number): Insertable<CallsTable> {
  const before = (d: Date | string | null | undefined) => (d && new Date(d).getTime() < end ? d : null);
  const ended = before(call.ended_at);
  return {
    ...call,
    connected_at: before(call.connected_at),
    ended_at: ended,
    end_cause: ended ? call.end_cause : null,
    wait_seconds: ended ? call.wait_seconds : null,
  };
}

/** The details each written request's service requires, plausibly filled. */
const detailsOf: Record<string, CaseIntake['details']> = {
  'general-information': { topic: 'Richiesta simulata' },
  'tari-refund': { taxYear: 2026, taxpayerFiscalCode: 'BNCMRA70A41F205X' },
  'change-of-residence': { newAddress: 'Via Simulata 1, Milano', moveDate: '2026-01-15' },
  'area-c-fine-dispute': { plate: 'AB123CD', violationNumber: 'SIM-1', reason: 'other' },
  'pothole-report': { address: 'Via Simulata 1, Milano', danger: false },
};

/** The steps to play, in order of their simulated instant (then of scheduling); none at or after `end`. */
class Timeline {
  private readonly steps: { at: number; n: number; run: () => Promise<void> }[] = [];
  private n = 0;
  constructor(readonly end: number) {}
  add(at: number, run: () => Promise<void>) {
    if (at >= this.end) return;
    const step = { at, n: this.n++, run };
    let i = this.steps.length;
    while (i > 0 && this.steps[i - 1]!.at > at) i--;
    this.steps.splice(i, 0, step);
  }
  next() {
    return this.steps.shift();
  }
}

/** One request; anything but a 2xx stops the run, saying why. */
async function send<T>(api: ApiFetch, method: 'GET' | 'POST', path: string, body?: object): Promise<T> {
  const res = await api(path, { method, ...(body ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

export interface AcceleratedRun {
  tally: Tally;
  range: { from: number; to: number };
  /** A supervisor's API key, to read the KPIs. */
  supervisor: ApiFetch;
  stats: { steps: number; casesFromCalls: number; complaintsRefused: number; abandonedCallbackAttempts: number };
}

/**
 * Plays `profile`'s traffic on a platform whose clock is before the range, listening at `baseUrl`,
 * and leaves the clock at the range's end. `phones` must be the platform's dialer.
 */
export async function driveAccelerated(o: {
  platform: TimeSkippingPlatform;
  baseUrl: string;
  phones: SimulatedPhones;
  profile: TrafficProfile;
  seed: number;
  log: (line: string) => void;
}): Promise<AcceleratedRun> {
  const { platform: p, baseUrl, phones, profile } = o;
  const { db } = p;
  const range = rangeOf(profile);
  if ((await p.now()) >= range.from)
    throw new Error(`the simulated range must start after the clock's now (${new Date(await p.now()).toISOString()}): give a later --from`);
  phones.clock = p.now;
  const municipalities = [profile.municipalityId];
  const key = async (role: 'operator' | 'supervisor') =>
    withApiKey(
      baseUrl,
      await insertApiKey(db, newApiKeyId(), {
        name: `traffic simulator (${role})`,
        role,
        municipalities,
        expiresAt: null,
        createdBy: 'simulator',
      }),
    );
  const operator = await key('operator');
  const supervisor = await key('supervisor');
  // One back-office clerk per office of the municipality, logged in like the console.
  const offices = await db.selectFrom('offices').select('id').where('municipality_id', '=', profile.municipalityId).execute();
  const password = randomBytes(12).toString('hex');
  const clerks = new Map<string, ApiFetch>();
  for (const { id: officeId } of offices) {
    const id = `sim.${officeId}.${randomBytes(3).toString('hex')}`;
    await db
      .insertInto('staff_users')
      .values({
        id,
        display_name: `Simulated clerk ${officeId}`,
        email: `${id}@simulator.example`,
        role: 'backoffice',
        office_id: officeId,
        password_hash: await hashPassword(password),
      })
      .execute();
    await db.insertInto('staff_user_municipalities').values({ user_id: id, municipality_id: profile.municipalityId }).execute();
    clerks.set(officeId, await logIn(baseUrl, `${id}@simulator.example`, password));
  }
  const definitions = new Map<string, ServiceDefinition>();
  for (const code of [...Object.keys(profile.services), 'complaint']) definitions.set(code, (await latestPublished(db, code))!.document);

  // The telephony adapter path: neutral events, recorded and ingested as SIP's and the CTI webhook's are.
  const log = pino({ level: 'error' });
  const recorder = new CallEventRecorder(db, log);
  recorder.onRecorded = createIngestion({
    db,
    temporal: p.env.client,
    log,
    taskQueue: p.taskQueues.cases,
    telephonyTaskQueue: p.taskQueues.telephony,
    updateTimeoutMs: 30_000,
    // A throwaway platform: a key of its own for the callbacks' workflow ids.
    workflowIdKey: randomBytes(32),
  });
  const record = async (e: CallEventInput, at: number) => {
    const stored = await recorder.recordIf({ ...e, at: new Date(at).toISOString() } as CallEventInput, () => true);
    if (!stored) throw new Error(`call event ${e.type} of ${e.callId} was not recorded`);
  };

  const tally = emptyTally();
  const stats = { steps: 0, casesFromCalls: 0, complaintsRefused: 0, abandonedCallbackAttempts: 0 };
  const timeline = new Timeline(range.to);
  const tasks = new Map<string, { dueAt: number; finishedAt?: number }>();
  const surveyAnswered = new Map<string, number>();
  const complaints: string[] = [];
  const caseOf = (id: string) => send<CaseDetail>(operator, 'GET', `/api/cases/${id}`);

  /** A case's life after its opening, by the model's plan and the platform's rules. */
  const follow = (caseId: string, service: string, plan: CasePlan) => {
    const def = definitions.get(service)!;
    const atOffice = plan.office || !def.firstLevel.operatorMayClose;
    phones.answers.set(caseId, plan.callbackAnswered);
    if (atOffice) {
      timeline.add(plan.at, async () => {
        await send(operator, 'POST', `/api/cases/${caseId}/transfer`, {});
        tasks.set(caseId, { dueAt: Date.parse((await caseOf(caseId)).tasks[0]!.dueAt) });
      });
    }
    if (plan.doneAt !== undefined) {
      const doneAt = plan.doneAt;
      timeline.add(doneAt, async () => {
        if (plan.outcome === 'withdrawn') {
          await send(operator, 'POST', `/api/cases/${caseId}/withdraw`, {});
        } else if (atOffice) {
          // The office holding the task now (a breach may have handed it to another one).
          const clerk = clerks.get((await caseOf(caseId)).officeId!)!;
          await send(clerk, 'POST', `/api/tasks/${caseId}:1/claim`, {});
          await send(clerk, 'POST', `/api/tasks/${caseId}:1/complete`, { answer: 'Pratica evasa (simulazione)', outcome: plan.outcome });
          tally.tasksDone++;
          if (doneAt <= tasks.get(caseId)!.dueAt) tally.tasksOnTime++;
        } else {
          await send(operator, 'POST', `/api/cases/${caseId}/resolve`, { outcome: plan.outcome });
        }
        const task = tasks.get(caseId);
        if (task) task.finishedAt = doneAt;
        tally.casesResolved++;
        if (plan.outcome !== 'withdrawn') tally.casesClosed++;
        if (plan.outcome !== 'withdrawn' && !atOffice) tally.resolvedFirstLevel++;
      });
    }
    if (plan.solicitedAt !== undefined) {
      timeline.add(plan.solicitedAt, async () => {
        await send(operator, 'POST', `/api/cases/${caseId}/solicitations`, { channel: plan.channel });
        tally.solicitations++;
      });
    }
    if (plan.complaintAt !== undefined) {
      timeline.add(plan.complaintAt, async () => {
        if ((await caseOf(caseId)).stage === 'closed') {
          stats.complaintsRefused++;
          return;
        }
        await send(operator, 'POST', `/api/cases/${caseId}/complaints`, {
          channel: plan.channel,
          text: 'Reclamo simulato sulla gestione della pratica.',
        });
        complaints.push(caseId);
      });
    }
    const answerSurvey = (at: number, satisfaction: number) =>
      timeline.add(at, async () => {
        const { stage } = await caseOf(caseId);
        if (stage === 'survey') {
          await send(operator, 'POST', `/api/cases/${caseId}/survey-answers`, { answers: { satisfaction } });
          tally.surveyAnswers++;
          if (satisfaction >= 4) tally.satisfied++;
          surveyAnswered.set(caseId, at);
        } else if (stage !== 'closed') {
          answerSurvey(at + hour, satisfaction); // not sent yet: the answer's callback is still under way
        }
      });
    if (plan.survey) answerSurvey(plan.survey.at, plan.survey.satisfaction);
  };

  /** A call's events at their instants; an answered one's case, opened by the ingestion, is then followed. */
  const play = (call: Insertable<CallsTable>, plan: CasePlan | undefined) => {
    const id = call.id;
    const [start, connected, ended] = [call.started_at, call.connected_at, call.ended_at].map((d) =>
      d ? new Date(d).getTime() : undefined,
    );
    timeline.add(start!, async () => {
      await record(
        {
          type: 'initiated',
          callId: id,
          direction: 'inbound',
          caller: call.caller,
          called: call.called,
          line: call.municipality_id ?? null,
          linkedCallId: null,
        },
        start!,
      );
      if (call.ivr_choice) await record({ type: 'ivr-choice', callId: id, menu: 'principale', digits: call.ivr_choice }, start!);
      if (call.queue) await record({ type: 'queued', callId: id, queue: call.queue, position: 1 }, start!);
    });
    if (connected !== undefined) {
      timeline.add(connected, async () => {
        await record({ type: 'connected', callId: id, agent: call.agent ?? null }, connected);
        // The operator finds the caller's case, as the console shows it.
        const [found] = await send<{ id: string; serviceCode: string }[]>(
          operator,
          'GET',
          `/api/cases?${new URLSearchParams({ filter: JSON.stringify({ citizen: call.caller, status: 'open' }) })}`,
        );
        if (!found) throw new Error(`call ${id} was answered but the ingestion opened no case`);
        stats.casesFromCalls++;
        tally.casesOpened++;
        // An answered call the model opened no case for: the operator answers it there and then.
        follow(
          found.id,
          found.serviceCode,
          plan ?? {
            channel: 'phone',
            service: found.serviceCode,
            at: connected,
            office: false,
            doneAt: ended,
            outcome: 'resolved',
            callbackAnswered: false,
          },
        );
      });
    }
    timeline.add(ended!, async () => {
      if (call.end_cause === 'transferred') {
        const leg = `${id};transfer`;
        const legEnd = ended! + (ended! - connected!) / 2;
        await record({ type: 'transferred', callId: id, mode: 'blind', target: '0288451', newCallId: leg }, ended!);
        await record(
          {
            type: 'initiated',
            callId: leg,
            direction: 'inbound',
            caller: call.caller,
            called: '0288451',
            line: call.municipality_id ?? null,
            linkedCallId: id,
          },
          ended!,
        );
        await record({ type: 'connected', callId: leg, agent: null }, ended!);
        timeline.add(legEnd, () => record({ type: 'ended', callId: leg, cause: 'normal' }, legEnd));
      }
      if (call.end_cause === 'abandoned')
        await record({ type: 'abandoned', callId: id, phase: 'queued', waitSeconds: call.wait_seconds! }, ended!);
      await record({ type: 'ended', callId: id, cause: call.end_cause! }, ended!);
    });
  };

  let citizenN = 0;
  for (const batch of generateTraffic(profile, o.seed)) {
    addToTally(tally, { calls: batch.calls.map((c) => asPlayedBefore(c, range.to)), cases: [], tasks: [], events: [] });
    const plans = plansOf(batch);
    const phonePlans = [...plans.entries()].filter(([, plan]) => plan.channel === 'phone' && plan.service !== 'complaint');
    for (const call of batch.calls) {
      if (call.linked_call_id) continue; // a transfer's leg: played with its call
      // The model opens a call's case halfway through the talk.
      const mid = call.connected_at && (new Date(call.connected_at).getTime() + new Date(call.ended_at!).getTime()) / 2;
      const matched = mid ? phonePlans.find(([, plan]) => Math.abs(plan.at - mid) <= 1) : undefined;
      play(call, matched?.[1]);
    }
    // Written requests; complaints are the workflows' to open, from the complaints filed.
    for (const plan of plans.values()) {
      if (plan.channel === 'phone' || plan.service === 'complaint') continue;
      const n = ++citizenN;
      timeline.add(plan.at, async () => {
        const intake: CaseIntake = {
          municipalityId: profile.municipalityId,
          serviceCode: plan.service,
          channel: plan.channel,
          subject: `Richiesta simulata (${plan.service})`,
          description: 'Contatto generato dal simulatore di traffico (modalità accelerata).',
          citizen: { email: `cittadino.${n}@simulator.example` },
          details: detailsOf[plan.service] ?? {},
        };
        const opened = await send<{ id: string }>(operator, 'POST', '/api/cases', intake);
        tally.casesOpened++;
        follow(opened.id, plan.service, plan);
      });
    }
  }

  let day = '';
  for (let step = timeline.next(); step; step = timeline.next()) {
    await p.sleepUntil(step.at);
    await step.run();
    stats.steps++;
    const today = localDayOf(step.at);
    if (today !== day) o.log(`${(day = today)}: step ${stats.steps}, ${tally.casesOpened} cases so far`);
  }
  await p.sleepUntil(range.to);
  await recorder.flush();

  // What the workflows did on their own, as predicted or seen at the edge.
  for (const t of tasks.values()) if (t.dueAt < range.to && !(t.finishedAt !== undefined && t.finishedAt <= t.dueAt)) tally.slaBreaches++;
  for (const a of phones.attempts.values()) {
    if (a.caseId === null) {
      stats.abandonedCallbackAttempts++;
      continue;
    }
    const policy = definitions.get('general-information')!.callback;
    if (a.at < range.to && (a.outcome === 'answered' || a.attempt >= policy.attempts)) {
      tally.callbacksAttempted++;
      if (a.outcome === 'answered') tally.callbacksAnswered++;
    }
  }
  for (const caseId of complaints) {
    // The complaint case opens when its case closes: at the survey's answer, or at its expiry.
    const detail = await caseOf(caseId);
    const sent = detail.events.find((e) => e.type === 'survey.sent');
    const closesAt =
      surveyAnswered.get(caseId) ?? (sent ? Date.parse(sent.at) + definitions.get(detail.serviceCode)!.survey.waitHours * hour : Infinity);
    if (closesAt < range.to) {
      tally.complaints++;
      tally.casesOpened++;
    }
  }
  return { tally, range, supervisor, stats };
}

/** The totals of GET /api/kpi/calls and /api/kpi/cases over the run's range, read as its supervisor. */
export async function readKpis(
  run: AcceleratedRun,
): Promise<{ calls: Record<string, number | null>; cases: Record<string, number | null> }> {
  const range = new URLSearchParams({ from: new Date(run.range.from).toISOString(), to: new Date(run.range.to).toISOString() });
  const totals = async (path: string) =>
    (await send<{ totals: Record<string, number | null> }>(run.supervisor, 'GET', `/api/kpi/${path}?${range}`)).totals;
  return { calls: await totals('calls'), cases: await totals('cases') };
}
