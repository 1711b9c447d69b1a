import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app.ts';
import { insertDraft, publishDraft } from '../../db/definitions.repository.ts';
import { loadConfig } from '../../platform/config.ts';
import { seedDemoReferenceData } from '../../scripts/seed.ts';
import { staffClient, type StaffClient } from '../helpers/app.ts';
import { launchChromium } from '../helpers/browser.ts';
import { checkPage } from '../helpers/console.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { demoDefinition } from '../helpers/definitions.ts';
import { startTestWorkers, testCitizenLinkSecret, type TestWorkers } from '../helpers/temporal.ts';

/**
 * The citizen's page on the real API and workers, in Chromium at 360 px: the link from the message,
 * a solicitation, the reply with a file to the office's question, the survey, a revoked and an
 * expired link, the English page; no request leaves our origin and no token reaches the logs.
 */
let t: TestDatabase;
let w: TestWorkers;
let app: FastifyInstance;
let origin: string;
let browser: Browser;
let operator: StaffClient;
let office: StaffClient;
let supervisor: StaffClient;
const logLines: string[] = [];
const requested: string[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemoReferenceData(t.db);
  // The callback with the answer may be placed at any hour: the survey follows at once, whatever the time of the run.
  const general = demoDefinition('general-information').document;
  const anyHour = { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const, from: '00:00', to: '23:59' };
  await publishDraft(
    t.db,
    'general-information',
    await insertDraft(t.db, { ...general, callback: { ...general.callback, window: { ...anyHour, days: [...anyHour.days] } } }),
  );
  w = await startTestWorkers(t.db);
  const config = loadConfig({
    NODE_ENV: 'test',
    CASE_TASK_QUEUE: w.taskQueue,
    TELEPHONY_TASK_QUEUE: w.telephonyTaskQueue,
    RATE_LIMIT_PER_MINUTE: '100000',
    CITIZEN_LINK_SECRET: testCitizenLinkSecret,
  });
  // Request logs at info, captured: the token must never be in them.
  const capture = new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  app = await buildApp({ config, db: t.db, temporal: w.client, logger: pino({ level: 'info' }, capture) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address() as { port: number };
  origin = `http://127.0.0.1:${address.port}`;
  operator = await staffClient(app, t.db, { role: 'operator', municipalities: ['milano'] });
  office = await staffClient(app, t.db, { role: 'backoffice', municipalities: ['milano'], officeId: 'mi-anagrafe' });
  supervisor = await staffClient(app, t.db, { role: 'supervisor', municipalities: ['milano'] });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await w?.stop();
  await t?.drop();
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 360, height: 740 },
    locale: 'it-IT',
    timezoneId: 'Europe/Rome',
    bypassCSP: true, // axe-core's injection
  });
  const page = await context.newPage();
  await page.bringToFront();
  page.on('request', (r) => requested.push(r.url()));
  return page;
}

const caseOf = async (id: string) => (await operator.inject({ url: `/api/cases/${id}` })).json();
const messageBody = async (caseId: string, event: string) =>
  (
    await t.db
      .selectFrom('outbound_messages')
      .select(['body', 'recipient'])
      .where('case_id', '=', caseId)
      .where('event', '=', event)
      .executeTakeFirst()
  )?.body;
const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

describe("the citizen's page", () => {
  let caseId: string;
  let pagePath: string;
  let formToken: string;

  it('opens from the link in the message; the citizen solicits, answers the question with a file, rates the service', async () => {
    const opened = await operator.inject({
      method: 'POST',
      url: '/api/cases',
      payload: {
        municipalityId: 'milano',
        serviceCode: 'general-information',
        channel: 'phone',
        subject: 'Certificato di residenza',
        citizen: { name: 'Giulia Bianchi', phone: '+393401234567', email: 'giulia@example.org' },
        details: { topic: 'certificati' },
      },
    });
    expect(opened.statusCode, opened.body).toBe(201);
    caseId = opened.json().id;
    expect((await operator.inject({ method: 'POST', url: `/api/cases/${caseId}/transfer`, payload: {} })).statusCode).toBe(200);
    const taskId = (await caseOf(caseId)).tasks[0].id as string;
    expect((await office.inject({ method: 'POST', url: `/api/tasks/${taskId}/claim`, payload: {} })).statusCode).toBe(200);
    const asked = await office.inject({
      method: 'POST',
      url: `/api/tasks/${taskId}/request-information`,
      payload: { question: 'Per quale indirizzo le serve il certificato?' },
    });
    expect(asked.statusCode, asked.body).toBe(200);

    // The question's message ends with the link to the page.
    await expect.poll(() => messageBody(caseId, 'information.requested')).toMatch(/\/c\/[A-Za-z0-9_-]{40,}/);
    pagePath = /\/c\/[A-Za-z0-9_-]+/.exec((await messageBody(caseId, 'information.requested'))!)![0];
    const page = await newPage();
    await page.goto(`${origin}${pagePath}`);
    // Keyboard: the skip link comes first (nothing before it takes focus), then the language switch; it leads to the content.
    const skip = page.getByRole('link', { name: 'Vai al contenuto principale' });
    await skip.focus();
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('BODY');
    await skip.focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('English');
    await skip.focus();
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    expect(await page.locator('html').getAttribute('lang')).toBe('it');
    await page.getByRole('heading', { level: 1, name: `La tua richiesta ${caseId}` }).waitFor();
    await page.getByText("L'ufficio attende da te le informazioni richieste").waitFor();
    await page.getByText('Per quale indirizzo le serve il certificato?').first().waitFor();
    await page.getByText(/Risposta prevista entro il/).waitFor();
    // No staff name on the page.
    expect(await page.content()).not.toContain(office.id);
    await checkPage(page, 'citizen-page-question');
    formToken = (await page.locator('input[name=form]').first().getAttribute('value'))!;

    // Sollecito, by keyboard.
    await page.getByRole('button', { name: 'Invia un sollecito' }).press('Enter');
    await page.getByText("Sollecito inviato: l'ufficio ha ricevuto un promemoria.").waitFor();
    await expect.poll(() => messageBody(caseId, 'citizen.solicited')).toBeTruthy();
    await checkPage(page, 'citizen-page-solicited');

    // The answer, with a PDF.
    await page.getByRole('textbox', { name: 'La tua risposta' }).fill('Via Dante 12, Milano');
    await page.getByLabel('Allegati (facoltativi)').setInputFiles({ name: 'delega.pdf', mimeType: 'application/pdf', buffer: pdf });
    await page.getByRole('button', { name: 'Invia la risposta' }).click();
    await page.getByText("Grazie: le tue informazioni sono state inviate all'ufficio.").waitFor();
    await expect
      .poll(async () => (await caseOf(caseId)).events.find((e: { type: string }) => e.type === 'information.received')?.data)
      .toMatchObject({
        text: 'Via Dante 12, Milano',
        channel: 'web',
        attachments: [{ fileName: 'delega.pdf', contentType: 'application/pdf' }],
      });
    const resumed = await caseOf(caseId);
    expect(resumed.stage).toBe('office');
    expect(resumed.tasks[0].waitingSince).toBeNull();
    await page.reload();
    expect(await page.getByRole('button', { name: 'Invia la risposta' }).count()).toBe(0);

    // The office answers; once the survey is sent, the page offers it.
    const done = await office.inject({
      method: 'POST',
      url: `/api/tasks/${taskId}/complete`,
      payload: { answer: 'Certificato pronto', outcome: 'resolved' },
    });
    expect(done.statusCode, done.body).toBe(200);
    await expect.poll(async () => (await caseOf(caseId)).stage).toBe('survey');
    await page.goto(`${origin}${pagePath}`);
    await page.getByRole('heading', { name: 'Quanto sei soddisfatto del servizio?' }).waitFor();
    expect(await page.getByRole('button', { name: 'Invia un sollecito' }).count()).toBe(0);
    await checkPage(page, 'citizen-page-survey');
    await page.locator('label[for=rating-4]').click();
    expect(await page.getByLabel('4 stelle su 5').isChecked()).toBe(true);
    await page.getByLabel('Il motivo della tua valutazione').selectOption('clear');
    await page.getByRole('textbox', { name: /Vuoi aggiungere altri dettagli/ }).fill('Gentili e veloci');
    await page.getByRole('button', { name: 'Invia la valutazione' }).click();
    await page.getByText('Grazie per la tua valutazione.').waitFor();

    // The answer is a survey answer like any other: in the list and in CSAT.
    await expect
      .poll(async () =>
        (await supervisor.inject({ url: '/api/survey-answers?range=[0,99]' })).json().map((a: { caseId: string }) => a.caseId),
      )
      .toContain(caseId);
    const answer = (await supervisor.inject({ url: '/api/survey-answers?range=[0,99]' }))
      .json()
      .find((a: { caseId: string }) => a.caseId === caseId);
    expect(answer.answers).toMatchObject({ satisfaction: 4, reason: 'clear', comment: 'Gentili e veloci' });
    const hour = 3_600_000;
    const from = new Date(Math.floor(Date.now() / hour) * hour - hour).toISOString();
    const to = new Date(Math.floor(Date.now() / hour) * hour + 2 * hour).toISOString();
    const kpis = (await supervisor.inject({ url: `/api/kpi/cases?bucket=hour&from=${from}&to=${to}&municipalityId=milano` })).json();
    expect(kpis.totals).toMatchObject({ surveyAnswers: 1, satisfied: 1, csat: 1 });

    // Audited with the citizen as actor.
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['actor', 'role', 'action'])
      .where('target_id', '=', caseId)
      .where('actor', '=', 'citizen')
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['citizen-page.inform', 'citizen-page.solicit', 'citizen-page.survey']);
    expect(audit.every((a) => a.role === 'citizen')).toBe(true);
    await page.reload();
    await checkPage(page, 'citizen-page-answered');
    await page.context().close();
  });

  it('answers in English', async () => {
    const page = await newPage();
    await page.goto(`${origin}${pagePath}`);
    await page.getByRole('link', { name: 'Read this page in English' }).click();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.getByRole('heading', { level: 1, name: `Your request ${caseId}` }).waitFor();
    await page.getByText('We received your request').waitFor();
    await checkPage(page, 'citizen-page-english');
    await page.context().close();
  });

  it('refuses an action the state does not offer, and a form without its token', async () => {
    const form = (fields: Record<string, string>) => {
      const f = new FormData();
      for (const [k, v] of Object.entries(fields)) f.set(k, v);
      return f;
    };
    expect((await fetch(`${origin}${pagePath}/solicit`, { method: 'POST', body: form({ form: formToken }) })).status).toBe(409);
    expect(
      (await fetch(`${origin}${pagePath}/complain`, { method: 'POST', body: form({ form: 'wrong', text: 'Troppo lento' }) })).status,
    ).toBe(403);
  });

  it('a revoked link and an expired one answer 410 with a page that says so', async () => {
    const revoked = await operator.inject({ method: 'POST', url: `/api/cases/${caseId}/citizen-link/revoke`, payload: {} });
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json()).toMatchObject({ caseId, revoked: true });
    const page = await newPage();
    const res = await page.goto(`${origin}${pagePath}`);
    expect(res!.status()).toBe(410);
    await page.getByRole('heading', { name: 'Questo collegamento non è più valido' }).waitFor();
    await checkPage(page, 'citizen-page-revoked');

    const fresh = new URL(revoked.json().pageUrl as string).pathname;
    expect(fresh).not.toBe(pagePath);
    expect((await page.goto(`${origin}${fresh}`))!.status()).toBe(200);
    await t.db
      .updateTable('citizen_links')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('case_id', '=', caseId)
      .where('revoked_at', 'is', null)
      .execute();
    expect((await page.goto(`${origin}${fresh}`))!.status()).toBe(410);
    await page.getByRole('heading', { name: 'Questo collegamento è scaduto' }).waitFor();
    expect((await page.goto(`${origin}/c/not-a-real-token-at-all-1234567890`))!.status()).toBe(404);
    await page.context().close();
  });

  it('withdraws a request, with the citizen as the actor of the withdrawal', async () => {
    const opened = await operator.inject({
      method: 'POST',
      url: '/api/cases',
      payload: {
        municipalityId: 'milano',
        serviceCode: 'general-information',
        channel: 'phone',
        subject: 'Orari',
        citizen: { phone: '+393409876543' },
        details: { topic: 'orari' },
      },
    });
    const id = opened.json().id as string;
    // The acknowledgement, by SMS (the citizen gave no e-mail), carries the case number and the link.
    const ack = await messageBody(id, 'case.acknowledged');
    expect(ack).toContain(`abbiamo ricevuto la sua richiesta ${id}`);
    const page = await newPage();
    await page.goto(`${origin}${/\/c\/[A-Za-z0-9_-]{40,}/.exec(ack!)![0]}`);
    expect(await page.getByRole('button', { name: 'Invia la risposta' }).count()).toBe(0);
    await page.locator('label[for=withdraw-confirm]').click();
    await page.getByRole('button', { name: 'Ritira la richiesta' }).click();
    await page.getByText('La richiesta è stata ritirata.').waitFor();
    const withdrawn = await caseOf(id);
    expect(withdrawn).toMatchObject({ status: 'resolved', outcome: 'withdrawn' });
    expect(withdrawn.events.find((e: { type: string }) => e.type === 'case.withdrawn')).toMatchObject({ actor: 'citizen' });
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['actor', 'role'])
      .where('target_id', '=', id)
      .where('action', '=', 'case.withdrawn')
      .executeTakeFirstOrThrow();
    expect(audit).toEqual({ actor: 'citizen', role: 'citizen' });
    expect(await page.getByRole('button', { name: 'Invia un sollecito' }).count()).toBe(0);
    await page.context().close();
  });

  it('made no request beyond our origin, and logged no token', () => {
    expect(requested.length).toBeGreaterThan(10);
    expect(requested.filter((u) => !u.startsWith(`${origin}/`))).toEqual([]);
    const logs = logLines.join('');
    expect(logs).toContain('/c/[token]');
    expect(logs).not.toContain(pagePath.slice(3));
  });
});
