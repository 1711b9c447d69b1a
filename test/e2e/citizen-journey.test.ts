import { ImapFlow } from 'imapflow';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPassword } from '../../catalog/demo.ts';
import { type ApiFetch, logIn } from '../../scripts/api-session.ts';
import { launchChromium } from '../helpers/browser.ts';
import { type Dovecot, startDovecot } from '../helpers/dovecot.ts';
import { platformDatabaseUrl, platformReady, type RunningPlatform, startPlatform, startRunningPlatform } from '../helpers/platform.ts';
import { type Received, startTestSmtp } from '../helpers/smtp.ts';
import { type SmsGatewayStandIn, startSmsGateway } from '../helpers/sms-gateway.ts';

/**
 * The citizen's journey on the real platform (`npm start`, its own data directory and ports), one
 * platform for the whole chain: e-mail to a real SMTP server, SMS to the gateway stand-in, the
 * municipality's mailbox on a private Dovecot read by the platform's mail intake, the citizen's page
 * in Chromium. Each step waits on what it observes (mail arrived, event recorded), never on a clock.
 */
const mailDomain = 'comune.test';
const smsToken = 'journey-sms-token';
const citizen = { name: 'Carla Verdi', email: 'carla.verdi@cittadini.example', phone: '+393401112233' };
const officeMailbox = 'tributi@comune.milano.example'; // mi-tributi, the TARI refunds office (catalog/demo.ts)

let smtp: Awaited<ReturnType<typeof startTestSmtp>>;
let gateway: SmsGatewayStandIn;
let dovecot: Dovecot;
let postman: ImapFlow;
let platform: RunningPlatform;
let browser: Browser;
let base: string;

async function sql<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: platformDatabaseUrl(platform.dataDir, platform.ports.postgres) });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Polls `probe` until it answers something truthy; the limit only catches a hang. */
async function until<T>(what: string, probe: () => Promise<T | undefined | null | false> | T | undefined | null | false): Promise<T> {
  const end = Date.now() + 120_000;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${platform.run.output.slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
const mailTo = (to: string, subject: string) => () => smtp.received.find((r) => r.to.includes(to) && r.mail.subject === subject);
const smsTo = (to: string, text: string) => () => gateway.messages.find((m) => m.to === to && m.text.includes(text));

beforeAll(async () => {
  smtp = await startTestSmtp();
  gateway = await startSmsGateway({ token: smsToken });
  dovecot = await startDovecot();
  postman = new ImapFlow({
    host: dovecot.host,
    port: dovecot.port,
    secure: false,
    auth: { user: dovecot.user, pass: dovecot.password },
    logger: false,
  });
  await postman.connect();
  platform = await startRunningPlatform({
    SMTP_URL: smtp.url,
    SMS_GATEWAY_URL: gateway.url,
    SMS_GATEWAY_TOKEN: smsToken,
    MAIL_DOMAIN: mailDomain,
    MAIL_FROM: `sportello@${mailDomain}`,
    MAILBOX_PASSWORDS: JSON.stringify({ 'mi-protocollo': dovecot.password }),
    NOTIFICATIONS_POLL_MS: '200',
  });
  // The municipality's mailbox is configured in the database; the mail intake runs from the next start (docs/inbound-mail.md).
  await sql(
    `insert into mailboxes (id, name, municipality_ids, triage_service, host, port, tls, username)
     values ('mi-protocollo', 'Protocollo del Comune di Milano', '{milano}', null, $1, $2, false, $3)`,
    [dovecot.host, dovecot.port, dovecot.user],
  );
  expect(await platform.run.stop()).toBe(0);
  platform.run = startPlatform(platform.env);
  await platformReady(platform.run);
  base = `http://127.0.0.1:${platform.ports.api}`;
  browser = await launchChromium();
}, 600_000);
afterAll(async () => {
  await browser?.close();
  await platform?.run.stop();
  await postman?.logout().catch(() => {});
  await dovecot?.stop();
  await gateway?.close();
  await smtp?.stop();
}, 120_000);

describe("a citizen's request, from intake to the survey, on the real platform", () => {
  let operator: ApiFetch;
  let office: ApiFetch;
  let supervisor: ApiFetch;
  let caseId: string;
  let acknowledgement: Received;
  let pageUrl: string;
  let page: Page;
  let taskId: string;
  interface CaseDetail {
    stage: string;
    tasks: { id: string; waitingSince: string | null }[];
    events: { type: string; data: Record<string, unknown> }[];
  }
  const caseOf = async () => (await (await operator(`/api/cases/${caseId}`)).json()) as CaseDetail;
  const eventsOf = async () => (await caseOf()).events;

  it('acknowledges the intake by e-mail with the case number and the link, which opens the page in Chromium', async () => {
    operator = await logIn(base, 'giulia.rossi@020202.example', demoPassword);
    office = await logIn(base, 'marco.colombo@comune.milano.example', demoPassword);
    supervisor = await logIn(base, 'paolo.greco@020202.example', demoPassword);
    const designer = await logIn(base, 'elena.ricci@comune.milano.example', demoPassword);

    // The callback with the answer may be placed at any hour, so the chain runs whatever the time of the run.
    const current = (await (await designer('/api/definitions/tari-refund/versions/1')).json()) as {
      document: { callback: Record<string, unknown> };
    };
    const anyHour = { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '00:00', to: '23:59' };
    const draft = await designer('/api/definitions/tari-refund/drafts', {
      method: 'POST',
      body: JSON.stringify({ ...current.document, callback: { ...current.document.callback, window: anyHour } }),
    });
    expect(draft.status, await draft.clone().text()).toBe(201);
    const { version } = (await draft.json()) as { version: number };
    const published = await designer(`/api/definitions/tari-refund/versions/${version}/publish`, { method: 'POST', body: '{}' });
    expect(published.status, await published.clone().text()).toBe(200);

    const opened = await operator('/api/cases', {
      method: 'POST',
      body: JSON.stringify({
        municipalityId: 'milano',
        serviceCode: 'tari-refund',
        channel: 'phone',
        subject: 'Rimborso TARI pagata due volte',
        citizen,
        details: { taxYear: 2025, taxpayerFiscalCode: 'RSSMRA85T10A562S' },
      }),
    });
    expect(opened.status, await opened.clone().text()).toBe(201);
    caseId = ((await opened.json()) as { id: string }).id;
    expect((await eventsOf()).map((e) => e.type)).toEqual(['case.opened', 'citizen.acknowledged']);

    acknowledgement = await until('the acknowledgement at the SMTP server', mailTo(citizen.email, `Richiesta ${caseId}: ricevuta`));
    const { mail } = acknowledgement;
    expect(mail.text).toContain(`abbiamo ricevuto la sua richiesta ${caseId}`);
    expect(mail.messageId).toMatch(new RegExp(`^<msg-\\d+\\.${caseId}@${mailDomain}>$`));
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
    expect(mail.html).toContain('/c/');
    pageUrl = new RegExp(`${base}/c/[A-Za-z0-9_-]{40,}`).exec(mail.text ?? '')![0];

    page = await (await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'it-IT' })).newPage();
    expect((await page.goto(pageUrl))!.status()).toBe(200);
    await page.getByRole('heading', { level: 1, name: `La tua richiesta ${caseId}` }).waitFor();
  });

  it("the citizen solicits on the page and the office's reminder arrives at its mailbox", async () => {
    expect((await operator(`/api/cases/${caseId}/transfer`, { method: 'POST', body: '{}' })).status).toBe(200);
    taskId = (await caseOf()).tasks[0]!.id;
    expect((await office(`/api/tasks/${taskId}/claim`, { method: 'POST', body: '{}' })).status).toBe(200);

    await page.reload();
    await page.getByRole('button', { name: 'Invia un sollecito' }).click();
    await page.getByText("Sollecito inviato: l'ufficio ha ricevuto un promemoria.").waitFor();
    const reminder = await until('the reminder to the office', mailTo(officeMailbox, `Pratica ${caseId}: sollecito del cittadino`));
    expect(reminder.mail.text).toContain('il cittadino ha sollecitato la pratica');
  });

  it('the office asks for information; the citizen replies by e-mail through the mailbox and the case resumes', async () => {
    const asked = await office(`/api/tasks/${taskId}/request-information`, {
      method: 'POST',
      body: JSON.stringify({ question: 'la ricevuta del secondo pagamento' }),
    });
    expect(asked.status, await asked.clone().text()).toBe(200);
    expect((await caseOf()).stage).toBe('waiting-citizen');
    // The question goes on the citizen's first channel, SMS, with the page link.
    const question = await until('the question by SMS', smsTo(citizen.phone, 'la ricevuta del secondo pagamento'));
    expect(question.text).toContain(pageUrl);

    // The citizen answers the acknowledgement from their mail program; it lands in the municipality's mailbox.
    const reply = await new MailComposer({
      from: `${citizen.name} <${citizen.email}>`,
      to: `protocollo@${mailDomain}`,
      subject: `Re: ${acknowledgement.mail.subject}`,
      inReplyTo: acknowledgement.mail.messageId,
      references: acknowledgement.mail.messageId,
      messageId: `<reply.${Date.now()}@cittadini.example>`,
      text: 'Ricevuta n. 4455 del 3 marzo 2026, pagata alla posta.',
    })
      .compile()
      .build();
    await postman.append('INBOX', reply);

    const received = await until('the reply on the case', async () => (await eventsOf()).find((e) => e.type === 'information.received'));
    expect(received.data).toMatchObject({ channel: 'email', text: expect.stringContaining('Ricevuta n. 4455') });
    const resumed = await caseOf();
    expect(resumed.stage).toBe('office');
    expect(resumed.tasks[0]!.waitingSince).toBeNull();
  });

  it('the case is resolved; the survey answered on the page shows in the KPIs', async () => {
    const done = await office(`/api/tasks/${taskId}/complete`, {
      method: 'POST',
      body: JSON.stringify({ answer: 'Rimborso disposto', outcome: 'resolved' }),
    });
    expect(done.status, await done.clone().text()).toBe(200);
    await until('the survey stage', async () => (await caseOf()).stage === 'survey');

    await page.goto(pageUrl);
    await page.getByRole('heading', { name: 'Quanto sei soddisfatto del servizio?' }).waitFor();
    await page.locator('label[for=rating-5]').click();
    await page.getByLabel('Il motivo della tua valutazione').selectOption('complete');
    await page.getByRole('button', { name: 'Invia la valutazione' }).click();
    await page.getByText('Grazie per la tua valutazione.').waitFor();
    // The page relays the answer to the workflow as a signal: recorded a moment later.
    const answered = await until('the answer on the case', async () => (await eventsOf()).find((e) => e.type === 'survey.answered'));
    expect(answered.data).toMatchObject({ answers: { satisfaction: 5 } });

    const hour = 3_600_000;
    const from = new Date(Math.floor(Date.now() / hour) * hour - hour).toISOString();
    const to = new Date(Math.floor(Date.now() / hour) * hour + 2 * hour).toISOString();
    const totals = await until('the answer in the KPIs', async () => {
      const res = await supervisor(`/api/kpi/cases?bucket=hour&from=${from}&to=${to}&municipalityId=milano`);
      const { totals } = (await res.json()) as { totals: { surveyAnswers: number; satisfied: number; csat: number } };
      return totals.surveyAnswers > 0 && totals;
    });
    expect(totals).toMatchObject({ surveyAnswers: 1, satisfied: 1, csat: 1 });
  });

  it('a bounce of the acknowledgement (a DSN into the mailbox) falls back to SMS at the gateway', async () => {
    const ours = acknowledgement.mail.messageId!;
    const dsn = [
      'From: Mail Delivery System <MAILER-DAEMON@mx.cittadini.example>',
      `To: sportello@${mailDomain}`,
      'Subject: Undelivered Mail Returned to Sender',
      `Message-ID: <dsn.${Date.now()}@mx.cittadini.example>`,
      'Auto-Submitted: auto-replied',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain',
      '',
      'Your message could not be delivered.',
      '--b1',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.cittadini.example',
      '',
      `Final-Recipient: rfc822; ${citizen.email}`,
      'Action: failed',
      'Status: 5.2.2',
      `Diagnostic-Code: smtp; 552 5.2.2 <${citizen.email}>: mailbox full`,
      '--b1',
      'Content-Type: text/rfc822-headers',
      '',
      `From: sportello@${mailDomain}`,
      `To: ${citizen.email}`,
      `Subject: ${acknowledgement.mail.subject}`,
      `Message-ID: ${ours}`,
      '--b1--',
      '',
    ].join('\r\n');
    await postman.append('INBOX', dsn);

    const sms = await until('the acknowledgement again, by SMS', () =>
      gateway.messages.find((m) => m.clientRef === `${caseId}:acknowledgement:fallback:sms`),
    );
    expect(sms).toMatchObject({ to: citizen.phone, text: expect.stringContaining(`abbiamo ricevuto la sua richiesta ${caseId}`) });
    expect(sms.text).toContain(pageUrl);
    const rows = await sql<{ channel: string; status: string; last_error: string | null }>(
      `select channel, status, last_error from outbound_messages where case_id = $1 and dedup_key like $2 order by id`,
      [caseId, `${caseId}:acknowledgement%`],
    );
    expect(rows.map((r) => [r.channel, r.status])).toEqual([
      ['email', 'failed'],
      ['sms', 'sent'],
    ]);
    expect(rows[0]!.last_error).toContain('5.2.2');
  });
});
