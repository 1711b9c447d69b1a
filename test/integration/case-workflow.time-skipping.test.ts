import { WorkflowUpdateFailedError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaseActivities } from '../../activities/case-activities.ts';
import { demoCalendars } from '../../catalog/calendars.ts';
import { addBusinessTime, businessTimeBetween, CalendarSchema } from '../../domain/calendar.ts';
import type { CaseIntake } from '../../domain/case.ts';
import { workflowsPath } from '../../platform/paths.ts';
import { addSearchAttributes } from '../../platform/temporal-dev-server.ts';
import { resolveTemporalTestServer } from '../../platform/tools.ts';
import { seedDemoReferenceData } from '../../scripts/seed.ts';
import { createTelephonyActivities } from '../../telephony/activities.ts';
import type { caseWorkflow } from '../../workflows/case.ts';
import {
  type Actor, citizenInformationSignal, claimTaskUpdate, completeTaskUpdate, openedUpdate, reassignTaskUpdate, releaseTaskUpdate,
  requestInformationUpdate, snapshotQuery, solicitSignal, transferUpdate,
} from '../../workflows/case.definitions.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { demoDefinition } from '../helpers/definitions.ts';
import { installQuietRuntime } from '../helpers/temporal.ts';

// Timers on the time-skipping server, found as `npm test` installs it. Time only jumps while the
// test sleeps (not while it waits on an update), so each step is an update, then a sleep.
const hour = 3_600_000;
const milanOffices = CalendarSchema.parse(demoCalendars.find((c) => c.id === 'mi-uffici')!.spec);
const operator: Actor = { id: 'giulia.operatrice', role: 'operator', officeId: null };
const marco: Actor = { id: 'marco.tributi', role: 'backoffice', officeId: 'mi-tributi' };
const sara: Actor = { id: 'sara.anagrafe', role: 'backoffice', officeId: 'fi-anagrafe' };
const supervisor: Actor = { id: 'paolo.supervisore', role: 'supervisor', officeId: null };

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
    await Worker.create({ connection: env.nativeConnection, taskQueue: 'cases', workflowsPath, activities: createCaseActivities({ db: t.db }) }),
    await Worker.create({ connection: env.nativeConnection, taskQueue: 'telephony', activities: createTelephonyActivities({ db: t.db }) }),
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
  await env.sleep(Math.max(1, instant - await env.currentTimeMs()));
}

const tari: CaseIntake = {
  municipalityId: 'milano', serviceCode: 'tari-refund', channel: 'phone', subject: 'Rimborso TARI 2026', description: '',
  citizen: { phone: '+393331234567' }, details: { taxYear: 2026, taxpayerFiscalCode: 'RSSMRA85T10A562S' },
};
let counter = 0;
async function openCase(intake: CaseIntake = tari) {
  const caseId = `C-2027-${String(800000 + ++counter)}`;
  const handle = await env.client.workflow.start<typeof caseWorkflow>('caseWorkflow', {
    workflowId: caseId, taskQueue: 'cases',
    args: [{ caseId, intake, definition: demoDefinition(intake.serviceCode), actor: operator, telephonyTaskQueue: 'telephony' }],
  });
  await handle.executeUpdate(openedUpdate);
  return handle;
}
const events = (caseId: string) => t.db.selectFrom('case_events').select(['type', 'at', 'actor', 'data']).where('case_id', '=', caseId).orderBy('seq').execute();
const at = (rows: { type: string; at: Date }[], type: string) => rows.filter((e) => e.type === type).map((e) => e.at.getTime());
const refusal = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a rejection'); }, (err: unknown) => {
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  return String((err as WorkflowUpdateFailedError).cause?.message);
});

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
    expect(Date.parse(task!.warningAt)).toBe(addBusinessTime(milanOffices, Date.parse(task!.createdAt), def.sla.office.warningHours * hour));
    expect(Math.abs(Date.parse(task!.createdAt) - transferredAt)).toBeLessThan(60_000);

    await sleepUntil(expectedDue + hour);
    const rows = await events(handle.workflowId);
    const created = Date.parse(task!.createdAt);
    const near = (actual: number[], expected: number[]) => {
      expect(actual).toHaveLength(expected.length);
      actual.forEach((a, i) => expect(Math.abs(a - expected[i]!)).toBeLessThan(5_000));
    };
    near(at(rows, 'task.reminded'), def.reminders.officeAfterHours.map((h) => addBusinessTime(milanOffices, created, h * hour)));
    near(at(rows, 'citizen.reminded'), def.reminders.citizenAfterHours.map((h) => addBusinessTime(milanOffices, created, h * hour)));
    near(at(rows, 'sla.warning'), [Date.parse(task!.warningAt)]);
    near(at(rows, 'sla.breached'), [expectedDue]);
    // Office hours only: every timer fired while the office was open (or at its closing time).
    const closedOnEaster = Date.parse('2027-03-29T07:00:00Z');
    expect(rows.every((e) => Math.abs(e.at.getTime() - closedOnEaster) > 12 * hour || e.type === 'case.opened')).toBe(true);

    const snapshot = await handle.query(snapshotQuery);
    expect(snapshot.task).toMatchObject({ slaState: 'breached', escalated: true });
    expect(snapshot.remainingBusinessMs).toBeLessThan(0);
    const taskRow = await t.db.selectFrom('tasks').select(['sla_state', 'escalated', 'office_id']).where('case_id', '=', handle.workflowId).executeTakeFirstOrThrow();
    expect(taskRow).toEqual({ sla_state: 'breached', escalated: true, office_id: 'mi-tributi' });
    const mail = await t.db.selectFrom('outbound_messages').select('dedup_key').where('case_id', '=', handle.workflowId).orderBy('id').execute();
    expect(mail.map((m) => m.dedup_key.split(':').slice(1).join(':')))
      .toEqual(['reminder:1', 'citizen-reminder:1', 'reminder:2', 'sla-warning', 'sla-breach']);
  });

  it('hands a breached pothole to the third-level office', async () => {
    const handle = await openCase({
      municipalityId: 'milano', serviceCode: 'pothole-report', channel: 'web', subject: 'Buca in viale Monza', description: '',
      citizen: { email: 'r@example.org' }, details: { address: 'Viale Monza 200', danger: true },
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
    expect(await refusal(handle.executeUpdate(requestInformationUpdate, { args: [{ actor: marco, question: '' }] })))
      .toBe('the question to the citizen is required');
    const asked = await handle.executeUpdate(requestInformationUpdate, { args: [{ actor: marco, question: 'la copia della ricevuta di pagamento' }] });
    expect(asked).toMatchObject({ stage: 'waiting-citizen', task: { waitingSince: expect.any(String) } });
    expect(await refusal(handle.executeUpdate(requestInformationUpdate, { args: [{ actor: marco, question: 'altro' }] })))
      .toBe('the office is already waiting for the citizen');

    // Well past the original due instant: the clock is stopped, so nothing fires.
    await sleepUntil(Date.parse(task!.dueAt) + 48 * hour);
    let rows = await events(handle.workflowId);
    expect(rows.map((e) => e.type)).toEqual(['case.opened', 'case.transferred', 'task.claimed', 'information.requested']);
    expect((await handle.query(snapshotQuery)).task).toMatchObject({ slaState: 'on-track' });

    await handle.signal(citizenInformationSignal, { text: 'Ricevuta inviata per e-mail', channel: 'email' });
    await env.sleep(1_000);
    const resumed = await handle.query(snapshotQuery);
    const waited = resumed.task!.pausedBusinessMs;
    const pausedFor = businessTimeBetween(milanOffices, Date.parse(asked.task!.waitingSince!), await env.currentTimeMs());
    expect(Math.abs(waited - pausedFor)).toBeLessThan(5_000);
    expect(resumed).toMatchObject({ stage: 'office', task: { waitingSince: null, slaState: 'on-track' } });
    const def = demoDefinition('tari-refund').document;
    expect(Date.parse(resumed.task!.dueAt)).toBe(addBusinessTime(milanOffices, Date.parse(task!.createdAt), def.sla.office.targetHours * hour + waited));
    // The remaining business time is what was left when the office asked.
    const leftWhenAsked = businessTimeBetween(milanOffices, Date.parse(asked.task!.waitingSince!), Date.parse(task!.dueAt));
    expect(Math.abs(resumed.remainingBusinessMs! - leftWhenAsked)).toBeLessThan(5_000);

    rows = await events(handle.workflowId);
    expect(rows.at(-1)).toMatchObject({ type: 'information.received', data: { text: 'Ricevuta inviata per e-mail', channel: 'email' } });
    const question = await t.db.selectFrom('outbound_messages').select(['channel', 'body']).where('dedup_key', 'like', `${handle.workflowId}:question:%`).executeTakeFirstOrThrow();
    expect(question).toMatchObject({ channel: 'sms', body: expect.stringContaining('la copia della ricevuta di pagamento') });
  });
});

describe('office tasks', () => {
  it('are claimed, released, reassigned and completed only by whom may; the citizen is informed and surveyed', async () => {
    const handle = await openCase();
    expect(await refusal(handle.executeUpdate(claimTaskUpdate, { args: [{ actor: marco }] }))).toBe('the case has no office task: transfer it first');
    await handle.executeUpdate(transferUpdate, { args: [{ actor: operator }] });
    expect(await refusal(handle.executeUpdate(transferUpdate, { args: [{ actor: operator }] }))).toBe('the case is already at stage office');
    expect(await refusal(handle.executeUpdate(claimTaskUpdate, { args: [{ actor: sara }] }))).toBe('the task belongs to office mi-tributi');

    await handle.executeUpdate(claimTaskUpdate, { args: [{ actor: marco }] });
    const colleague: Actor = { id: 'luca.tributi', role: 'backoffice', officeId: 'mi-tributi' };
    expect(await refusal(handle.executeUpdate(claimTaskUpdate, { args: [{ actor: colleague }] }))).toBe('the task is claimed by marco.tributi');
    expect(await refusal(handle.executeUpdate(completeTaskUpdate, { args: [{ actor: colleague, answer: 'ok', outcome: 'resolved' }] })))
      .toBe('only marco.tributi, who claimed the task, may do this');
    expect(await refusal(handle.executeUpdate(reassignTaskUpdate, { args: [{ actor: sara, toOffice: 'fi-tributi' }] })))
      .toBe('only a supervisor or the office holding the task may reassign it');
    expect(await refusal(handle.executeUpdate(reassignTaskUpdate, { args: [{ actor: supervisor, toOffice: 'mi-nowhere' }] })))
      .toMatch(/office mi-nowhere does not exist/);
    await handle.executeUpdate(releaseTaskUpdate, { args: [{ actor: marco }] });

    await handle.signal(solicitSignal, { channel: 'phone' });
    await env.sleep(60_000);
    const reassigned = await handle.executeUpdate(reassignTaskUpdate, { args: [{ actor: supervisor, toOffice: 'mi-anagrafe', reason: 'pratica di residenza' }] });
    expect(reassigned).toMatchObject({ solicitations: 1, task: { officeId: 'mi-anagrafe', status: 'open', assignee: null } });
    const anna: Actor = { id: 'anna.anagrafe', role: 'backoffice', officeId: 'mi-anagrafe' };
    await handle.executeUpdate(claimTaskUpdate, { args: [{ actor: anna }] });
    expect(await refusal(handle.executeUpdate(completeTaskUpdate, { args: [{ actor: anna, answer: ' ', outcome: 'resolved' }] })))
      .toBe('the answer to the citizen is required');
    const done = await handle.executeUpdate(completeTaskUpdate, { args: [{ actor: anna, answer: 'Rimborso disposto sull’IBAN indicato', outcome: 'resolved' }] });
    expect(done).toMatchObject({ status: 'resolved', stage: 'resolved', outcome: 'resolved', task: { status: 'done' } });

    // Nobody answers the survey: it expires after its 72 hours and the case closes.
    await env.sleep(73 * hour);
    expect(await handle.result()).toMatchObject({ stage: 'closed' });
    const rows = await events(handle.workflowId);
    expect(rows.map((e) => e.type)).toEqual([
      'case.opened', 'case.transferred', 'task.claimed', 'task.released', 'citizen.solicited', 'task.reassigned', 'task.claimed',
      'task.completed', 'case.resolved', 'citizen.notified', 'survey.sent', 'survey.expired', 'case.closed',
    ]);
    expect(rows.find((e) => e.type === 'task.completed')).toMatchObject({ actor: 'anna.anagrafe', data: { outcome: 'resolved' } });
    const caseRow = await t.db.selectFrom('cases').select(['status', 'stage', 'office_id', 'solicitations']).where('id', '=', handle.workflowId).executeTakeFirstOrThrow();
    expect(caseRow).toEqual({ status: 'resolved', stage: 'closed', office_id: 'mi-anagrafe', solicitations: 1 });
    const task = await t.db.selectFrom('tasks').select(['status', 'assignee', 'office_id']).where('case_id', '=', handle.workflowId).executeTakeFirstOrThrow();
    expect(task).toEqual({ status: 'done', assignee: 'anna.anagrafe', office_id: 'mi-anagrafe' });
  });
});
