import { WorkflowUpdateFailedError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaseActivities } from '../../activities/case-activities.ts';
import { demoCalendars } from '../../catalog/calendars.ts';
import {
  addBusinessTime,
  businessTimeBetween,
  CalendarSchema,
  instantOf,
  type LocalDate,
  localDateOf,
  nationalHolidays,
} from '../../domain/calendar.ts';
import type { CaseIntake } from '../../domain/case.ts';
import { addSearchAttributes } from '../../platform/temporal-dev-server.ts';
import { resolveTemporalTestServer } from '../../platform/tools.ts';
import { seedDemoReferenceData } from '../../scripts/seed.ts';
import { createTelephonyActivities } from '../../activities/telephony-activities.ts';
import type { CallOutcome, Dialer } from '../../domain/dialer.ts';
import type { caseWorkflow } from '../../workflows/case.ts';
import {
  type Actor,
  addNoteUpdate,
  type CaseWorkflowInput,
  citizenInformationSignal,
  claimTaskUpdate,
  completeTaskUpdate,
  openedUpdate,
  reassignTaskUpdate,
  releaseTaskUpdate,
  requestInformationUpdate,
  resolveUpdate,
  scheduleCallbackUpdate,
  snapshotQuery,
  solicitSignal,
  surveyAnswerSignal,
  transferUpdate,
  withdrawUpdate,
} from '../../workflows/case.definitions.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { demoDefinition } from '../helpers/definitions.ts';
import { installQuietRuntime, workflowBundle } from '../helpers/temporal.ts';

// Timers on the time-skipping server, found as `npm test` installs it. Time only jumps while the
// test sleeps (not while it waits on an update), so each step is an update, then a sleep.
const hour = 3_600_000;
const milanOffices = CalendarSchema.parse(demoCalendars.find((c) => c.id === 'mi-uffici')!.spec);
const operator: Actor = { id: 'giulia.operatrice', role: 'operator', officeId: null };
const marco: Actor = { id: 'marco.tributi', role: 'backoffice', officeId: 'mi-tributi' };
const sara: Actor = { id: 'sara.anagrafe', role: 'backoffice', officeId: 'fi-anagrafe' };
const supervisor: Actor = { id: 'paolo.supervisore', role: 'supervisor', officeId: null };

// The telephone network's edge: each number answers as scripted, in order; any other call is answered.
const script = new Map<string, CallOutcome[]>();
const dialled: { to: string; callId: string }[] = [];
const scriptedDialer: Dialer = {
  call: async (to, { callId }) => {
    dialled.push({ to, callId });
    return script.get(to)?.shift() ?? 'answered';
  },
};

let env: TestWorkflowEnvironment;
let t: TestDatabase;
let workers: Worker[];
let running: Promise<unknown>;
beforeAll(async () => {
  installQuietRuntime();
  t = await createTestDatabase();
  await seedDemoReferenceData(t.db);
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: resolveTemporalTestServer() } },
  });
  await addSearchAttributes(env.connection, env.namespace ?? 'default');
  workers = [
    await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'cases',
      workflowBundle: workflowBundle(),
      activities: createCaseActivities({ db: t.db }),
    }),
    await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'telephony',
      activities: createTelephonyActivities({ db: t.db, dialer: scriptedDialer }),
    }),
  ];
  running = Promise.all(workers.map((w) => w.run()));
  // Friday 26 March 2027, 11:00 in Milan: a weekend and the switch to summer time are ahead.
  await sleepUntil(Date.parse('2027-03-26T10:00:00Z'));
});
afterAll(async () => {
  for (const w of workers ?? []) w.shutdown();
  await running;
  await env?.teardown();
  await t?.drop();
});

/** Skips the server's clock forward to an instant (the test process's own clock is not the server's). */
async function sleepUntil(instant: number) {
  await env.sleep(Math.max(1, instant - (await env.currentTimeMs())));
}

const tari: CaseIntake = {
  municipalityId: 'milano',
  serviceCode: 'tari-refund',
  channel: 'phone',
  subject: 'Rimborso TARI 2026',
  description: '',
  citizen: { phone: '+393331234567' },
  details: { taxYear: 2026, taxpayerFiscalCode: 'RSSMRA85T10A562S' },
};
let counter = 0;
async function openCase(intake: CaseIntake = tari, extra: Partial<CaseWorkflowInput> = {}) {
  const caseId = `C-2027-${String(800000 + ++counter)}`;
  const handle = await env.client.workflow.start<typeof caseWorkflow>('caseWorkflow', {
    workflowId: caseId,
    taskQueue: 'cases',
    args: [{ caseId, intake, definition: demoDefinition(intake.serviceCode), actor: operator, telephonyTaskQueue: 'telephony', ...extra }],
  });
  await handle.executeUpdate(openedUpdate);
  return handle;
}
const events = (caseId: string) =>
  t.db.selectFrom('case_events').select(['type', 'at', 'actor', 'data']).where('case_id', '=', caseId).orderBy('seq').execute();
const at = (rows: { type: string; at: Date }[], type: string) => rows.filter((e) => e.type === type).map((e) => e.at.getTime());
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => {
      expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
      return String((err as WorkflowUpdateFailedError).cause?.message);
    },
  );

describe('the office stage, in business time', () => {
  it('warns, reminds and breaches at the right business instants across a weekend, the DST switch and Easter Monday', async () => {
    const handle = await openCase();
    const transferredAt = await env.currentTimeMs();
    const { task } = await handle.executeUpdate(transferUpdate, { args: [{ actor: operator, note: 'Pagamento doppio' }] });
    const def = demoDefinition('tari-refund').document;
    // 120 business hours of Milan's offices from Friday 26 March 2027 11:00 CET reach past Easter Monday (29 March is a Monday; Easter is 28 March 2027).
    expect(task).toMatchObject({ officeId: 'mi-tributi', status: 'open', slaState: 'on-track', assignee: null });
    const expectedDue = addBusinessTime(milanOffices, Date.parse(task!.createdAt), def.sla.office.targetHours * hour);
    expect(Date.parse(task!.dueAt)).toBe(expectedDue);
    expect(Date.parse(task!.warningAt)).toBe(
      addBusinessTime(milanOffices, Date.parse(task!.createdAt), def.sla.office.warningHours * hour),
    );
    expect(Math.abs(Date.parse(task!.createdAt) - transferredAt)).toBeLessThan(60_000);

    await sleepUntil(expectedDue + hour);
    const rows = await events(handle.workflowId);
    const created = Date.parse(task!.createdAt);
    const near = (actual: number[], expected: number[]) => {
      expect(actual).toHaveLength(expected.length);
      actual.forEach((a, i) => expect(Math.abs(a - expected[i]!)).toBeLessThan(5_000));
    };
    near(
      at(rows, 'task.reminded'),
      def.reminders.officeAfterHours.map((h) => addBusinessTime(milanOffices, created, h * hour)),
    );
    near(
      at(rows, 'citizen.reminded'),
      def.reminders.citizenAfterHours.map((h) => addBusinessTime(milanOffices, created, h * hour)),
    );
    near(at(rows, 'sla.warning'), [Date.parse(task!.warningAt)]);
    near(at(rows, 'sla.breached'), [expectedDue]);
    // Office hours only: every timer fired while the office was open (or at its closing time).
    const closedOnEaster = Date.parse('2027-03-29T07:00:00Z');
    expect(rows.every((e) => Math.abs(e.at.getTime() - closedOnEaster) > 12 * hour || e.type === 'case.opened')).toBe(true);

    const snapshot = await handle.query(snapshotQuery);
    expect(snapshot.task).toMatchObject({ slaState: 'breached', escalated: true });
    expect(snapshot.remainingBusinessMs).toBeLessThan(0);
    const taskRow = await t.db
      .selectFrom('tasks')
      .select(['sla_state', 'escalated', 'office_id'])
      .where('case_id', '=', handle.workflowId)
      .executeTakeFirstOrThrow();
    expect(taskRow).toEqual({ sla_state: 'breached', escalated: true, office_id: 'mi-tributi' });
    const mail = await t.db
      .selectFrom('outbound_messages')
      .select('dedup_key')
      .where('case_id', '=', handle.workflowId)
      .orderBy('id')
      .execute();
    expect(mail.map((m) => m.dedup_key.split(':').slice(1).join(':'))).toEqual([
      'acknowledgement',
      'reminder:1',
      'citizen-reminder:1',
      'reminder:2',
      'sla-warning',
      'sla-breach',
    ]);
  });

  it('hands a breached pothole to the third-level office', async () => {
    const handle = await openCase({
      municipalityId: 'milano',
      serviceCode: 'pothole-report',
      channel: 'web',
      subject: 'Buca in viale Monza',
      description: '',
      citizen: { email: 'r@example.org' },
      details: { address: 'Viale Monza 200', danger: true },
    });
    const { task } = await handle.executeUpdate(transferUpdate, { args: [{ actor: operator }] });
    await sleepUntil(Date.parse(task!.dueAt) + 1_000);
    const snapshot = await handle.query(snapshotQuery);
    expect(snapshot.task).toMatchObject({ officeId: 'mi-pronto-intervento', status: 'open', slaState: 'breached', escalated: true });
    const breach = (await events(handle.workflowId)).find((e) => e.type === 'sla.breached');
    expect(breach?.data).toEqual({ action: 'transfer-to-third-level', from: 'mi-strade', to: 'mi-pronto-intervento' });
  });
});

describe('waiting on the citizen', () => {
  it('stops the service-level clock until the information arrives, then moves every deadline by the business time waited', async () => {
    const handle = await openCase();
    const { task } = await handle.executeUpdate(transferUpdate, { args: [{ actor: operator }] });
    await handle.executeUpdate(claimTaskUpdate, { args: [{ actor: marco }] });
    expect(await refusal(handle.executeUpdate(requestInformationUpdate, { args: [{ actor: marco, question: '' }] }))).toBe(
      'the question to the citizen is required',
    );
    const asked = await handle.executeUpdate(requestInformationUpdate, {
      args: [{ actor: marco, question: 'la copia della ricevuta di pagamento' }],
    });
    expect(asked).toMatchObject({ stage: 'waiting-citizen', task: { waitingSince: expect.any(String) } });
    expect(await refusal(handle.executeUpdate(requestInformationUpdate, { args: [{ actor: marco, question: 'altro' }] }))).toBe(
      'the office is already waiting for the citizen',
    );

    // Well past the original due instant: the clock is stopped, so nothing fires.
    await sleepUntil(Date.parse(task!.dueAt) + 48 * hour);
    let rows = await events(handle.workflowId);
    expect(rows.map((e) => e.type)).toEqual([
      'case.opened',
      'citizen.acknowledged',
      'case.transferred',
      'task.claimed',
      'information.requested',
    ]);
    expect((await handle.query(snapshotQuery)).task).toMatchObject({ slaState: 'on-track' });

    await handle.signal(citizenInformationSignal, { text: 'Ricevuta inviata per e-mail', channel: 'email' });
    await env.sleep(1_000);
    const resumed = await handle.query(snapshotQuery);
    const waited = resumed.task!.pausedBusinessMs;
    const pausedFor = businessTimeBetween(milanOffices, Date.parse(asked.task!.waitingSince!), await env.currentTimeMs());
    expect(Math.abs(waited - pausedFor)).toBeLessThan(5_000);
    expect(resumed).toMatchObject({ stage: 'office', task: { waitingSince: null, slaState: 'on-track' } });
    const def = demoDefinition('tari-refund').document;
    expect(Date.parse(resumed.task!.dueAt)).toBe(
      addBusinessTime(milanOffices, Date.parse(task!.createdAt), def.sla.office.targetHours * hour + waited),
    );
    // The remaining business time is what was left when the office asked.
    const leftWhenAsked = businessTimeBetween(milanOffices, Date.parse(asked.task!.waitingSince!), Date.parse(task!.dueAt));
    expect(Math.abs(resumed.remainingBusinessMs! - leftWhenAsked)).toBeLessThan(5_000);

    rows = await events(handle.workflowId);
    expect(rows.at(-1)).toMatchObject({ type: 'information.received', data: { text: 'Ricevuta inviata per e-mail', channel: 'email' } });
    const question = await t.db
      .selectFrom('outbound_messages')
      .select(['channel', 'body'])
      .where('dedup_key', 'like', `${handle.workflowId}:question:%`)
      .executeTakeFirstOrThrow();
    expect(question).toMatchObject({ channel: 'sms', body: expect.stringContaining('la copia della ricevuta di pagamento') });
  });
});

describe('office tasks', () => {
  it('are claimed, released, reassigned and completed only by whom may; the citizen is called back and surveyed', async () => {
    const handle = await openCase();
    expect(await refusal(handle.executeUpdate(claimTaskUpdate, { args: [{ actor: marco }] }))).toBe(
      'the case has no office task: transfer it first',
    );
    await handle.executeUpdate(transferUpdate, { args: [{ actor: operator }] });
    expect(await refusal(handle.executeUpdate(transferUpdate, { args: [{ actor: operator }] }))).toBe(
      'the case is already at stage office',
    );
    expect(await refusal(handle.executeUpdate(claimTaskUpdate, { args: [{ actor: sara }] }))).toBe('the task belongs to office mi-tributi');

    await handle.executeUpdate(claimTaskUpdate, { args: [{ actor: marco }] });
    const colleague: Actor = { id: 'luca.tributi', role: 'backoffice', officeId: 'mi-tributi' };
    expect(await refusal(handle.executeUpdate(claimTaskUpdate, { args: [{ actor: colleague }] }))).toBe(
      'the task is claimed by marco.tributi',
    );
    expect(
      await refusal(handle.executeUpdate(completeTaskUpdate, { args: [{ actor: colleague, answer: 'ok', outcome: 'resolved' }] })),
    ).toBe('only marco.tributi, who claimed the task, may do this');
    expect(await refusal(handle.executeUpdate(reassignTaskUpdate, { args: [{ actor: sara, toOffice: 'fi-tributi' }] }))).toBe(
      'only a supervisor or the office holding the task may reassign it',
    );
    expect(await refusal(handle.executeUpdate(reassignTaskUpdate, { args: [{ actor: supervisor, toOffice: 'mi-nowhere' }] }))).toMatch(
      /office mi-nowhere does not exist/,
    );
    await handle.executeUpdate(releaseTaskUpdate, { args: [{ actor: marco }] });

    await handle.signal(solicitSignal, { channel: 'phone' });
    await env.sleep(60_000);
    const reassigned = await handle.executeUpdate(reassignTaskUpdate, {
      args: [{ actor: supervisor, toOffice: 'mi-anagrafe', reason: 'pratica di residenza' }],
    });
    expect(reassigned).toMatchObject({ solicitations: 1, task: { officeId: 'mi-anagrafe', status: 'open', assignee: null } });
    const anna: Actor = { id: 'anna.anagrafe', role: 'backoffice', officeId: 'mi-anagrafe' };
    await handle.executeUpdate(claimTaskUpdate, { args: [{ actor: anna }] });
    expect(await refusal(handle.executeUpdate(completeTaskUpdate, { args: [{ actor: anna, answer: ' ', outcome: 'resolved' }] }))).toBe(
      'the answer to the citizen is required',
    );
    const done = await handle.executeUpdate(completeTaskUpdate, {
      args: [{ actor: anna, answer: 'Rimborso disposto sull’IBAN indicato', outcome: 'resolved' }],
    });
    expect(done).toMatchObject({ status: 'resolved', stage: 'resolved', outcome: 'resolved', task: { status: 'done' } });

    // The citizen answers the callback (inside its window); nobody answers the survey: it expires after its 72 hours.
    await env.sleep(120 * hour);
    expect(await handle.result()).toMatchObject({ stage: 'closed' });
    const rows = await events(handle.workflowId);
    expect(rows.map((e) => e.type)).toEqual([
      'case.opened',
      'citizen.acknowledged',
      'case.transferred',
      'task.claimed',
      'task.released',
      'citizen.solicited',
      'task.reassigned',
      'task.claimed',
      'task.completed',
      'case.resolved',
      'callback.attempted',
      'callback.answered',
      'survey.sent',
      'survey.expired',
      'case.closed',
    ]);
    expect(rows.find((e) => e.type === 'task.completed')).toMatchObject({ actor: 'anna.anagrafe', data: { outcome: 'resolved' } });
    const caseRow = await t.db
      .selectFrom('cases')
      .select(['status', 'stage', 'office_id', 'solicitations'])
      .where('id', '=', handle.workflowId)
      .executeTakeFirstOrThrow();
    expect(caseRow).toEqual({ status: 'resolved', stage: 'closed', office_id: 'mi-anagrafe', solicitations: 1 });
    const task = await t.db
      .selectFrom('tasks')
      .select(['status', 'assignee', 'office_id'])
      .where('case_id', '=', handle.workflowId)
      .executeTakeFirstOrThrow();
    expect(task).toEqual({ status: 'done', assignee: 'anna.anagrafe', office_id: 'mi-anagrafe' });
  });
});

// Local days ahead of the test server's clock, for instants in Rome time.
const weekdayOf = (d: LocalDate) => new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay(); // 0 is Sunday
const nextDate = (d: LocalDate) => localDateOf(instantOf(d, 12 * 60) + 24 * hour);
const isWorkday = (d: LocalDate) =>
  weekdayOf(d) >= 1 &&
  weekdayOf(d) <= 5 &&
  !nationalHolidays(d.year).includes(`${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`);
async function dayAhead(ok: (d: LocalDate) => boolean): Promise<LocalDate> {
  let d = nextDate(localDateOf(await env.currentTimeMs()));
  while (!ok(d)) d = nextDate(d);
  return d;
}
const near = (actual: number[], expected: number[]) => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(Math.abs(a - expected[i]!)).toBeLessThan(5_000));
};
const after = <T extends { type: string }>(rows: T[], type: string) => rows.slice(rows.findIndex((e) => e.type === type) + 1);

describe('calling the citizen back with the answer', () => {
  const policy = {
    attempts: 3,
    spacingMinutes: 120,
    window: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '18:00' },
    fallback: 'sms',
  } as const;
  const withPolicy = () => {
    const d = demoDefinition('tari-refund');
    return { ...d, document: { ...d.document, callback: { ...policy, window: { ...policy.window, days: [...policy.window.days] } } } };
  };

  it('calls only inside the window (17:30, then 9:00 and 11:00 next morning), then sends the written fallback', async () => {
    const phone = '+393330000101';
    script.set(phone, ['no-answer', 'busy', 'no-answer']);
    const handle = await openCase({ ...tari, citizen: { phone } }, { definition: withPolicy() });
    await handle.executeUpdate(transferUpdate, { args: [{ actor: operator }] });
    await handle.executeUpdate(claimTaskUpdate, { args: [{ actor: marco }] });
    const day = await dayAhead((d) => isWorkday(d) && isWorkday(nextDate(d)));
    await sleepUntil(instantOf(day, 17 * 60 + 30));
    await handle.executeUpdate(completeTaskUpdate, { args: [{ actor: marco, answer: 'Rimborso disposto', outcome: 'resolved' }] });
    await sleepUntil(instantOf(nextDate(day), 12 * 60));

    const rows = after(await events(handle.workflowId), 'case.resolved');
    expect(rows.map((e) => e.type)).toEqual([
      'callback.attempted',
      'callback.attempted',
      'callback.attempted',
      'callback.failed',
      'callback.fallback_sent',
      'survey.sent',
    ]);
    const id = handle.workflowId;
    expect(rows.slice(0, 3).map((e) => e.data)).toEqual([
      { purpose: 'answer-ready', attempt: 1, outcome: 'no-answer', callId: `${id}:call:answer-ready:1` },
      { purpose: 'answer-ready', attempt: 2, outcome: 'busy', callId: `${id}:call:answer-ready:2` },
      { purpose: 'answer-ready', attempt: 3, outcome: 'no-answer', callId: `${id}:call:answer-ready:3` },
    ]);
    near(at(rows, 'callback.attempted'), [
      instantOf(day, 17 * 60 + 30),
      instantOf(nextDate(day), 9 * 60),
      instantOf(nextDate(day), 11 * 60),
    ]);
    expect(rows[4]!.data).toEqual({ channel: 'sms', recipient: phone });
    const sms = await t.db
      .selectFrom('outbound_messages')
      .select(['channel', 'body'])
      .where('dedup_key', '=', `${id}:resolution`)
      .executeTakeFirstOrThrow();
    expect(sms).toMatchObject({ channel: 'sms', body: expect.stringContaining('è stata risolta') });
    expect(await handle.query(snapshotQuery)).toMatchObject({ stage: 'survey', status: 'resolved' });
  });

  it('stops calling once the citizen answers, and sends nothing in writing', async () => {
    const phone = '+393330000102';
    script.set(phone, ['busy']);
    const handle = await openCase({ ...tari, citizen: { phone } }, { definition: withPolicy() });
    await handle.executeUpdate(transferUpdate, { args: [{ actor: operator }] });
    await handle.executeUpdate(claimTaskUpdate, { args: [{ actor: marco }] });
    await handle.executeUpdate(completeTaskUpdate, { args: [{ actor: marco, answer: 'Rimborso disposto', outcome: 'resolved' }] });
    await env.sleep(72 * hour);
    const rows = after(await events(handle.workflowId), 'case.resolved');
    expect(rows.slice(0, 4).map((e) => [e.type, e.data.outcome ?? e.data.attempts])).toEqual([
      ['callback.attempted', 'busy'],
      ['callback.attempted', 'answered'],
      ['callback.answered', 2],
      ['survey.sent', undefined],
    ]);
    expect(
      await t.db.selectFrom('outbound_messages').select('id').where('dedup_key', '=', `${handle.workflowId}:resolution`).execute(),
    ).toEqual([]);
  });

  it('goes straight to the fallback for a citizen without a phone number', async () => {
    const handle = await openCase({ ...tari, citizen: { email: 'senza.telefono@example.org' } });
    await handle.executeUpdate(transferUpdate, { args: [{ actor: operator }] });
    await handle.executeUpdate(claimTaskUpdate, { args: [{ actor: marco }] });
    await handle.executeUpdate(completeTaskUpdate, { args: [{ actor: marco, answer: 'Rimborso disposto', outcome: 'resolved' }] });
    await env.sleep(60_000);
    const rows = after(await events(handle.workflowId), 'case.resolved');
    expect(rows.slice(0, 2)).toMatchObject([
      { type: 'callback.failed', data: { attempts: 0, reason: 'no phone number on file' } },
      { type: 'callback.fallback_sent', data: { channel: 'email', recipient: 'senza.telefono@example.org' } },
    ]);
  });

  it('with `fallback: letter` writes a letter to the postal address, and says so when there is none', async () => {
    const byLetter = () => {
      const d = withPolicy();
      return { ...d, document: { ...d.document, callback: { ...d.document.callback, fallback: 'letter' as const } } };
    };
    const address = 'Via Dante 12\n20121 Milano MI';
    const outcomes = [];
    for (const citizen of [{ email: 'con.indirizzo@example.org', address }, { email: 'senza.indirizzo@example.org' }]) {
      const handle = await openCase({ ...tari, citizen }, { definition: byLetter() });
      await handle.executeUpdate(transferUpdate, { args: [{ actor: operator }] });
      await handle.executeUpdate(claimTaskUpdate, { args: [{ actor: marco }] });
      await handle.executeUpdate(completeTaskUpdate, { args: [{ actor: marco, answer: 'Rimborso disposto', outcome: 'resolved' }] });
      await env.sleep(60_000);
      const rows = after(await events(handle.workflowId), 'case.resolved');
      const message = await t.db
        .selectFrom('outbound_messages')
        .select(['channel', 'recipient'])
        .where('dedup_key', '=', `${handle.workflowId}:resolution`)
        .executeTakeFirstOrThrow();
      outcomes.push([rows[1], message]);
    }
    expect(outcomes).toMatchObject([
      [
        { type: 'callback.fallback_sent', data: { channel: 'letter', recipient: address } },
        { channel: 'letter', recipient: address },
      ],
      [
        {
          type: 'callback.fallback_sent',
          data: { channel: 'email', recipient: 'senza.indirizzo@example.org', reason: 'no postal address on file for a letter' },
        },
        { channel: 'email' },
      ],
    ]);
  });
});

describe('case actions', () => {
  const schedule = (handle: Awaited<ReturnType<typeof openCase>>, at: number) =>
    handle.executeUpdate(scheduleCallbackUpdate, {
      args: [{ actor: operator, at: new Date(at).toISOString(), note: 'preferisce la mattina' }],
    });

  it('schedules a callback inside the window and places it then; a withdrawal cancels the next one, closes the task and skips the survey', async () => {
    const phone = '+393330000103';
    const handle = await openCase({ ...tari, citizen: { phone } });
    await handle.executeUpdate(transferUpdate, { args: [{ actor: operator }] });
    const day = await dayAhead(isWorkday);
    expect(await refusal(schedule(handle, (await env.currentTimeMs()) - hour))).toBe('the callback must be in the future');
    expect(await refusal(schedule(handle, instantOf(day, 20 * 60)))).toMatch(
      /is outside the callback window: mon, tue, wed, thu, fri, sat 09:00-19:00 \(Europe\/Rome, not on national holidays\)$/,
    );
    const tenAm = instantOf(day, 10 * 60);
    const scheduled = await schedule(handle, tenAm);
    expect(scheduled.scheduledCallback).toEqual({ at: new Date(tenAm).toISOString(), attempt: 1, by: operator.id });
    expect(await refusal(schedule(handle, tenAm + hour))).toBe(`a callback is already scheduled at ${new Date(tenAm).toISOString()}`);

    await sleepUntil(tenAm + 60_000);
    let rows = await events(handle.workflowId);
    expect(after(rows, 'case.transferred').filter((e) => e.type.startsWith('callback.'))).toMatchObject([
      { type: 'callback.scheduled', actor: operator.id, data: { at: new Date(tenAm).toISOString(), note: 'preferisce la mattina' } },
      { type: 'callback.attempted', data: { purpose: 'scheduled', attempt: 1, outcome: 'answered' } },
      { type: 'callback.answered', data: { purpose: 'scheduled', attempts: 1 } },
    ]);
    near(at(rows, 'callback.attempted'), [tenAm]);
    expect(await handle.query(snapshotQuery)).toMatchObject({ stage: 'office', status: 'open', scheduledCallback: null });

    await schedule(handle, instantOf(await dayAhead(isWorkday), 10 * 60));
    const withdrawn = await handle.executeUpdate(withdrawUpdate, { args: [{ actor: operator, note: 'ha risolto da solo' }] });
    expect(withdrawn).toMatchObject({ status: 'resolved', stage: 'resolved', outcome: 'withdrawn', task: { status: 'done' } });
    expect(await refusal(handle.executeUpdate(withdrawUpdate, { args: [{ actor: operator }] }))).toBe(
      `case ${handle.workflowId} is already resolved`,
    );
    expect(await handle.result()).toMatchObject({ stage: 'closed', outcome: 'withdrawn' });
    rows = await events(handle.workflowId);
    expect(after(rows, 'callback.answered').map((e) => e.type)).toEqual([
      'callback.scheduled',
      'case.withdrawn',
      'case.resolved',
      'callback.cancelled',
      'citizen.notified',
      'case.closed',
    ]);
    expect(rows.find((e) => e.type === 'case.withdrawn')).toMatchObject({ actor: operator.id, data: { note: 'ha risolto da solo' } });
    expect(await t.db.selectFrom('tasks').select('status').where('case_id', '=', handle.workflowId).executeTakeFirstOrThrow()).toEqual({
      status: 'done',
    });
  });

  it('takes notes at any stage until closed', async () => {
    const handle = await openCase({
      municipalityId: 'milano',
      serviceCode: 'general-information',
      channel: 'phone',
      subject: 'Orari',
      description: '',
      citizen: { phone: '+393330000104' },
      details: { topic: 'orari' },
    });
    expect(await refusal(handle.executeUpdate(addNoteUpdate, { args: [{ actor: operator, text: ' ' }] }))).toBe('the note is empty');
    await handle.executeUpdate(addNoteUpdate, { args: [{ actor: operator, text: 'richiama domani' }] });
    await handle.executeUpdate(resolveUpdate, { args: [{ actor: operator, outcome: 'resolved' }] });
    await env.sleep(60_000);
    expect((await handle.query(snapshotQuery)).stage).toBe('survey');
    await handle.executeUpdate(addNoteUpdate, { args: [{ actor: supervisor, text: 'risposta corretta' }] });
    await handle.signal(surveyAnswerSignal, { answers: { satisfaction: 5 } });
    await handle.result();
    const notes = (await events(handle.workflowId)).filter((e) => e.type === 'note.added');
    expect(notes).toMatchObject([
      { actor: operator.id, data: { text: 'richiama domani' } },
      { actor: supervisor.id, data: { text: 'risposta corretta' } },
    ]);
  });
});

describe('live transfer', () => {
  const question: CaseIntake = {
    municipalityId: 'milano',
    serviceCode: 'general-information',
    channel: 'phone',
    subject: 'Cambio indirizzo',
    description: '',
    citizen: { phone: '+393330000105' },
    details: { topic: 'residenza' },
  };

  it('hands the call over only when the definition allows it and the office is open', async () => {
    const tariCase = await openCase();
    expect(await refusal(tariCase.executeUpdate(transferUpdate, { args: [{ actor: operator, live: true }] }))).toBe(
      '"Rimborso TARI" is transferred as a task only: its definition allows no live transfer',
    );

    const handle = await openCase(question);
    await sleepUntil(instantOf(await dayAhead((d) => weekdayOf(d) === 6), 10 * 60)); // Saturday: the registry office is closed
    expect(await refusal(handle.executeUpdate(transferUpdate, { args: [{ actor: operator, live: true }] }))).toMatch(
      /is closed now: transfer the case as a task, without live$/,
    );
    expect(await handle.query(snapshotQuery)).toMatchObject({ stage: 'intake', task: null });

    await sleepUntil(instantOf(await dayAhead(isWorkday), 10 * 60));
    const live = await handle.executeUpdate(transferUpdate, { args: [{ actor: operator, live: true }] });
    expect(live).toMatchObject({ stage: 'office', task: { officeId: 'mi-anagrafe', status: 'open' } });
    expect((await events(handle.workflowId)).at(-1)).toMatchObject({
      type: 'case.transferred',
      data: { office: 'mi-anagrafe', live: true },
    });
  });
});

describe('a long case', () => {
  it('continues as new at the office, keeping its state, numbering and pending work', async () => {
    const handle = await openCase(tari, { historyLimit: 60 });
    const firstRun = (await handle.describe()).runId;
    await handle.executeUpdate(transferUpdate, { args: [{ actor: operator }] });
    await handle.executeUpdate(claimTaskUpdate, { args: [{ actor: marco }] });
    for (let i = 0; i < 10; i++) {
      await handle.signal(solicitSignal, { channel: 'phone' });
      await env.sleep(1_000);
    }
    await handle.executeUpdate(addNoteUpdate, { args: [{ actor: marco, text: 'ancora in lavorazione' }] });
    expect((await handle.describe()).runId).not.toBe(firstRun);
    const snapshot = await handle.query(snapshotQuery);
    expect(snapshot).toMatchObject({
      stage: 'office',
      solicitations: 10,
      task: { status: 'claimed', assignee: marco.id, officeId: 'mi-tributi' },
    });

    await handle.executeUpdate(completeTaskUpdate, { args: [{ actor: marco, answer: 'Rimborso disposto', outcome: 'resolved' }] });
    await env.sleep(120 * hour);
    expect(await handle.result()).toMatchObject({ stage: 'closed', solicitations: 10 });
    const rows = await t.db
      .selectFrom('case_events')
      .select(['seq', 'type'])
      .where('case_id', '=', handle.workflowId)
      .orderBy('seq')
      .execute();
    expect(rows.map((e) => e.seq)).toEqual(rows.map((_, i) => i + 1));
    expect(rows.filter((e) => e.type === 'case.opened')).toHaveLength(1);
    expect(rows.filter((e) => e.type === 'citizen.solicited')).toHaveLength(10);
    expect(rows.filter((e) => e.type === 'note.added')).toHaveLength(1);
    const reminders = await t.db
      .selectFrom('outbound_messages')
      .select('dedup_key')
      .where('dedup_key', 'like', `${handle.workflowId}:solicitation:%`)
      .execute();
    expect(reminders).toHaveLength(10);
  });
});
