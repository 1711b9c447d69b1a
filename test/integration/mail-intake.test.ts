import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ImapFlow } from 'imapflow';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { seedDemoReferenceData } from '../../scripts/seed.ts';
import { startMailIntake } from '../../notifications/inbound-mail/intake.ts';
import { rejectedFolder, rejectedKeyword } from '../../notifications/inbound-mail/reader.ts';
import type { MailResult } from '../../services/mail-intake.service.ts';
import { buildTestApp, staffClient, type StaffClient } from '../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { type Dovecot, startDovecot } from '../helpers/dovecot.ts';
import { NodeScript } from '../helpers/platform.ts';
import { startTestWorkers, testCitizenLinkSecret, testPayloadMasterKeyText, type TestWorkers } from '../helpers/temporal.ts';

/**
 * Inbound e-mail against a real IMAP server: a private Dovecot, mail delivered into its INBOX by
 * IMAP APPEND, read by the intake as `npm run mail-intake` runs it (IDLE), into the real case workflows.
 */
let t: TestDatabase;
let w: TestWorkers;
let app: FastifyInstance;
let dovecot: Dovecot;
let postman: ImapFlow;
let operator: StaffClient;
let backoffice: StaffClient;
let intake: Awaited<ReturnType<typeof startMailIntake>> | null = null;
const taken: (MailResult & { uid: number })[] = [];

const domain = 'comune.test';
const citizen = 'mario.rossi@cittadini.example';
let sequence = 0;

const config = () => ({
  MAIL_DOMAIN: domain,
  MAIL_FROM: `sportello@${domain}`,
  MAIL_FROM_BY_MUNICIPALITY: {},
  MAILBOX_PASSWORDS: { 'mi-protocollo': dovecot.password },
  MAIL_INTAKE_RESCAN_SECONDS: 300,
  CASE_TASK_QUEUE: w.taskQueue,
  TELEPHONY_TASK_QUEUE: w.telephonyTaskQueue,
  CASE_UPDATE_TIMEOUT_SECONDS: 30,
});
const startIntake = async () => {
  intake = await startMailIntake(config(), t.db, w.client, pino({ level: 'silent' }), (_id, r) => taken.push(r));
};

/** A message as a mail program writes it, with a Message-ID of its own; delivered into the INBOX. */
async function deliver(mail: Mail.Options & { messageId?: string }): Promise<string> {
  const messageId = mail.messageId ?? `<m${++sequence}.${Date.now()}@cittadini.example>`;
  const raw = await new MailComposer({ from: `Mario Rossi <${citizen}>`, to: 'protocollo@comune.test', ...mail, messageId })
    .compile()
    .build();
  await deliverRaw(raw);
  return messageId;
}
const deliverRaw = (raw: Buffer | string) => postman.append('INBOX', raw);
const messagesIn = async (folder: string) => {
  const status = await postman.status(folder, { messages: true });
  return status ? status.messages : undefined;
};

const until = async <T>(what: () => Promise<T | undefined | null | false>, timeoutMs = 20_000): Promise<T> => {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await what();
    if (value) return value;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
};
/** The intake's record of a message, once it has taken it. */
const outcomeOf = (messageId: string) =>
  until(() => t.db.selectFrom('inbound_mails').selectAll().where('message_id', '=', messageId).executeTakeFirst());
const eventsOf = (caseId: string, type: string) =>
  t.db.selectFrom('case_events').select(['data', 'seq']).where('case_id', '=', caseId).where('type', '=', type).orderBy('seq').execute();
const caseCount = async () =>
  Number(
    (
      await t.db
        .selectFrom('cases')
        .select((e) => e.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const caseOf = async (id: string) => (await operator.inject({ method: 'GET', url: `/api/cases/${id}` })).json();

/** A case the e-mail opened, handed to Milan's registry office, who asks the citizen a question. */
async function caseAwaitingCitizen(): Promise<string> {
  const messageId = await deliver({ subject: 'Certificato di residenza', text: 'Vorrei sapere come ottenere il certificato.' });
  const caseId = (await outcomeOf(messageId)).case_id!;
  expect((await operator.inject({ method: 'POST', url: `/api/cases/${caseId}/transfer`, payload: {} })).statusCode).toBe(200);
  const task = `${caseId}:1`;
  expect((await backoffice.inject({ method: 'POST', url: `/api/tasks/${task}/claim`, payload: {} })).statusCode).toBe(200);
  const asked = await backoffice.inject({
    method: 'POST',
    url: `/api/tasks/${task}/request-information`,
    payload: { question: 'Per quale componente della famiglia?' },
  });
  expect(asked.statusCode, asked.body).toBe(200);
  return caseId;
}

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemoReferenceData(t.db);
  w = await startTestWorkers(t.db);
  app = await buildTestApp(t.db, w);
  operator = await staffClient(app, t.db, { role: 'operator', municipalities: ['milano'] });
  backoffice = await staffClient(app, t.db, { role: 'backoffice', municipalities: ['milano'], officeId: 'mi-anagrafe' });
  dovecot = await startDovecot();
  postman = new ImapFlow({
    host: dovecot.host,
    port: dovecot.port,
    secure: false,
    auth: { user: dovecot.user, pass: dovecot.password },
    logger: false,
  });
  await postman.connect();
  await t.db
    .insertInto('mailboxes')
    .values({
      id: 'mi-protocollo',
      name: 'Protocollo del Comune di Milano',
      municipality_ids: ['milano'],
      triage_service: null,
      host: dovecot.host,
      port: dovecot.port,
      tls: false,
      username: dovecot.user,
    })
    .execute();
  await startIntake();
});
afterAll(async () => {
  await intake?.stop();
  await postman?.logout().catch(() => {});
  await dovecot?.stop();
  await app?.close();
  await w?.stop();
  await t?.drop();
});

describe('inbound e-mail over IMAP (Dovecot)', () => {
  it('a new mail (HTML only) opens a case on the e-mail channel in the triage service, the citizen by address; a PDF is kept, a file over the limit refused', async () => {
    expect(intake!.readers).toBe(1);
    const pdf = Buffer.from('%PDF-1.4\n% test\n');
    const messageId = await deliver({
      subject: 'Buca in via Padova',
      html: '<p>Buongiorno,</p><p>c&#39;è una <b>buca</b> pericolosa in via Padova 12.</p>',
      attachments: [
        { filename: 'foto-buca.pdf', content: pdf, contentType: 'application/pdf' },
        { filename: 'video.pdf', content: Buffer.alloc(11 * 1024 * 1024, 1), contentType: 'application/pdf' },
      ],
    });
    const row = await outcomeOf(messageId);
    expect(row).toMatchObject({ outcome: 'case', refused_attachments: 1 });
    const opened = await caseOf(row.case_id!);
    expect(opened).toMatchObject({
      municipalityId: 'milano',
      serviceCode: 'general-information',
      channel: 'email',
      subject: 'Buca in via Padova',
      citizen: { email: citizen, name: 'Mario Rossi' },
      details: { topic: 'Buca in via Padova' },
    });
    expect(opened.description).toContain("Buongiorno,\n\nc'è una buca pericolosa in via Padova 12.");
    expect(opened.description).toContain('video.pdf: the file is larger than 10 MB');

    const files = await operator.inject({ method: 'GET', url: `/api/cases/${row.case_id}/attachments` });
    expect(files.statusCode).toBe(200);
    expect(files.json()).toEqual([
      expect.objectContaining({ fileName: 'foto-buca.pdf', contentType: 'application/pdf', size: pdf.length, source: 'email' }),
    ]);
    const download = await operator.inject({ method: 'GET', url: `/api/attachments/${files.json()[0].id}` });
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="foto-buca.pdf"/);
    expect(download.rawPayload.equals(pdf)).toBe(true);

    // Taken mail leaves the INBOX for Processed.
    expect(await messagesIn('INBOX')).toBe(0);
    expect(await messagesIn('Processed')).toBeGreaterThanOrEqual(1);
  });

  it('a reply with the case number in the subject, while the office waits on the citizen, is the information asked for: the task resumes', async () => {
    const caseId = await caseAwaitingCitizen();
    expect((await caseOf(caseId)).tasks[0].waitingSince).not.toBeNull();
    const messageId = await deliver({
      subject: `Re: Richiesta ${caseId}: Certificato di residenza`,
      text: 'Per mia figlia Anna.\n\nIl giorno lun 1 dic 2026, Comune di Milano ha scritto:\n> Per quale componente della famiglia?',
    });
    expect(await outcomeOf(messageId)).toMatchObject({ outcome: 'reply', case_id: caseId, reason: 'information requested' });
    const [received] = await until(
      async () => (await eventsOf(caseId, 'information.received')).length > 0 && eventsOf(caseId, 'information.received'),
    );
    expect(received!.data).toMatchObject({ text: 'Per mia figlia Anna.', channel: 'email' });
    const resumed = await until(async () => {
      const c = await caseOf(caseId);
      return c.tasks[0].waitingSince === null && c;
    });
    expect(resumed.stage).toBe('office');
  });

  it('a reply known only by its thread headers is attached to its case; the same words from another address open a new case', async () => {
    const caseId = await caseAwaitingCitizen();
    const inReplyTo = `<msg-17.${caseId}@${domain}>`;
    const reply = await deliver({
      subject: 'Re: la mia domanda',
      text: 'Per mio figlio Luca.',
      inReplyTo,
      references: [`<case-${caseId}@${domain}>`, inReplyTo],
    });
    expect(await outcomeOf(reply)).toMatchObject({ outcome: 'reply', case_id: caseId });
    await until(async () => (await eventsOf(caseId, 'information.received')).length === 1);

    const stranger = await deliver({
      from: 'altra.persona@cittadini.example',
      subject: 'Re: la mia domanda',
      text: 'Io invece…',
      inReplyTo,
    });
    const row = await outcomeOf(stranger);
    expect(row.outcome).toBe('case');
    expect(row.case_id).not.toBe(caseId);
    expect((await caseOf(row.case_id!)).description).toContain(`cita la pratica ${caseId}`);
  });

  it('auto-replies, loops and delivery reports touch no case; a bounce marks our message failed; a mail without From goes to Rejected', async () => {
    const caseId = await caseAwaitingCitizen();
    const ours = `<msg-${Date.now()}.${caseId}@${domain}>`;
    await t.db
      .insertInto('outbound_messages')
      .values({
        case_id: caseId,
        dedup_key: `test:${ours}`,
        channel: 'email',
        recipient: citizen,
        body: 'Per quale componente della famiglia?',
        status: 'sent',
        provider_message_id: ours,
      })
      .execute();
    const before = { cases: await caseCount(), events: (await eventsOf(caseId, 'information.received')).length };

    const autoReply = await deliver({
      subject: `Fuori sede: Re: Richiesta ${caseId}`,
      text: 'Sono in ferie fino al 10.',
      inReplyTo: ours,
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    const vacation = await deliver({ subject: `Re: ${caseId}`, text: 'Assente.', headers: { 'X-Autoreply': 'yes' } });
    const list = await deliver({ subject: `Re: ${caseId}`, text: 'Newsletter', headers: { Precedence: 'bulk' } });
    const loop = await deliver({ from: `sportello@${domain}`, subject: `Richiesta ${caseId}`, text: 'Il nostro messaggio' });
    const echo = await deliver({ subject: `Richiesta ${caseId}`, text: 'Il nostro messaggio', messageId: `<msg-99.${caseId}@${domain}>` });
    const dsnId = `<dsn.${Date.now()}@mx.cittadini.example>`;
    await deliverRaw(
      [
        'From: Mail Delivery System <MAILER-DAEMON@mx.cittadini.example>',
        `To: sportello@${domain}`,
        'Subject: Undelivered Mail Returned to Sender',
        `Message-ID: ${dsnId}`,
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
        `Final-Recipient: rfc822; ${citizen}`,
        'Action: failed',
        'Status: 5.1.1',
        `Diagnostic-Code: smtp; 550 5.1.1 <${citizen}>: Recipient address rejected: User unknown`,
        '--b1',
        'Content-Type: text/rfc822-headers',
        '',
        `From: sportello@${domain}`,
        `To: ${citizen}`,
        `Subject: Richiesta ${caseId}: Certificato di residenza`,
        `Message-ID: ${ours}`,
        '--b1--',
        '',
      ].join('\r\n'),
    );
    const malformedId = `<nofrom.${Date.now()}@cittadini.example>`;
    await deliverRaw(`To: protocollo@comune.test\r\nSubject: ${caseId}\r\nMessage-ID: ${malformedId}\r\n\r\nSenza mittente\r\n`);

    for (const id of [autoReply, vacation, list]) expect((await outcomeOf(id)).outcome).toBe('ignored');
    expect(await outcomeOf(loop)).toMatchObject({ outcome: 'ignored', reason: 'loop: from our own address' });
    expect(await outcomeOf(echo)).toMatchObject({ outcome: 'ignored', reason: 'loop: one of our own messages' });
    const bounce = await outcomeOf(dsnId);
    expect(bounce.outcome).toBe('bounce');
    expect(bounce.reason).not.toContain(citizen);
    expect(await outcomeOf(malformedId)).toMatchObject({ outcome: 'rejected', reason: 'no From address' });

    const sent = await t.db.selectFrom('outbound_messages').selectAll().where('provider_message_id', '=', ours).executeTakeFirstOrThrow();
    expect(sent.status).toBe('failed');
    expect(sent.last_error).toContain('5.1.1');
    expect(await caseCount()).toBe(before.cases);
    expect((await eventsOf(caseId, 'information.received')).length).toBe(before.events);
    expect((await caseOf(caseId)).tasks[0].waitingSince).not.toBeNull();

    // The malformed message is kept in Rejected, flagged.
    const lock = await postman.getMailboxLock(rejectedFolder);
    try {
      const kept = [];
      for await (const m of postman.fetch('1:*', { envelope: true, flags: true })) kept.push(m);
      expect(kept.find((m) => m.envelope?.messageId === malformedId)?.flags?.has(rejectedKeyword)).toBe(true);
    } finally {
      lock.release();
    }
  });

  it('a restarted reader reads what came while it was stopped, and nothing twice (even a message delivered again)', async () => {
    const first = await deliver({ subject: 'Prima del riavvio', text: 'Uno.' });
    const firstCase = (await outcomeOf(first)).case_id!;
    await intake!.stop();
    intake = null;

    const whileStopped = [
      await deliver({ subject: 'Durante la pausa', text: 'Due.' }),
      await deliver({ subject: 'Ancora in pausa', text: 'Tre.' }),
    ];
    // The same message again (a server that re-delivers, a re-scan after UIDVALIDITY changed).
    await deliver({ subject: 'Prima del riavvio', text: 'Uno.', messageId: first });
    const cases = await caseCount();
    const count = taken.length;
    // And the server rebuilt the folder meanwhile: a new UIDVALIDITY, so the reader reads it all again.
    await t.db.updateTable('mailboxes').set({ uidvalidity: 1 }).where('id', '=', 'mi-protocollo').execute();

    await startIntake();
    const rows = await Promise.all(whileStopped.map(outcomeOf));
    expect(rows.map((r) => r.outcome)).toEqual(['case', 'case']);
    await until(async () => taken.length === count + 3);
    expect(taken.slice(count).map((r) => [r.outcome, r.duplicate])).toEqual([
      ['case', false],
      ['case', false],
      ['case', true],
    ]);
    expect(taken.at(-1)!.caseId).toBe(firstCase);
    expect(await caseCount()).toBe(cases + 2);
    const state = await t.db
      .selectFrom('mailboxes')
      .select(['last_uid', 'uidvalidity'])
      .where('id', '=', 'mi-protocollo')
      .executeTakeFirstOrThrow();
    expect(state.last_uid).toBe(taken.at(-1)!.uid);
    expect(state.uidvalidity).not.toBe(1);
    expect(await messagesIn('INBOX')).toBe(0);
  });

  it('reconnects when the server goes away, and takes the mail that came meanwhile', async () => {
    await dovecot.restart();
    await postman.logout().catch(() => {});
    postman = new ImapFlow({
      host: dovecot.host,
      port: dovecot.port,
      secure: false,
      auth: { user: dovecot.user, pass: dovecot.password },
      logger: false,
    });
    await postman.connect();
    const messageId = await deliver({ subject: 'Dopo il riavvio del server', text: 'Quattro.' });
    expect((await outcomeOf(messageId)).outcome).toBe('case');
  });

  it('a mail the intake refuses (here: a triage service the municipality does not offer) goes to Rejected instead of holding up the mailbox', async () => {
    await intake!.stop();
    const setTriage = (service: string | null) =>
      t.db.updateTable('mailboxes').set({ triage_service: service }).where('id', '=', 'mi-protocollo').execute();
    await setTriage('no-such-service');
    try {
      await startIntake();
      const refused = await deliver({ subject: 'Una richiesta', text: 'Sei.' });
      expect(await outcomeOf(refused)).toMatchObject({
        outcome: 'rejected',
        reason: expect.stringMatching(/^refused by the intake \(unprocessable\)/),
      });
      const next = await deliver({ from: 'altra.persona@cittadini.example', subject: 'Re: C-2026-999999', text: 'Sette.' });
      expect((await outcomeOf(next)).outcome).toBe('rejected');
    } finally {
      await intake!.stop();
      await setTriage(null);
      await startIntake();
    }
  });

  it('runs as its own process (npm run mail-intake) and stops on SIGTERM', async () => {
    await intake?.stop();
    intake = null;
    const worker = new NodeScript('workers/mail-intake.ts', {
      DATABASE_URL: t.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: w.namespace,
      CASE_TASK_QUEUE: w.taskQueue,
      TELEPHONY_TASK_QUEUE: w.telephonyTaskQueue,
      MAIL_DOMAIN: domain,
      MAILBOX_PASSWORDS: JSON.stringify({ 'mi-protocollo': dovecot.password }),
      // The case worker must read what this process writes into Temporal.
      PAYLOAD_MASTER_KEY: testPayloadMasterKeyText,
      CITIZEN_LINK_SECRET: testCitizenLinkSecret,
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'sportello-mail-intake-')),
      LOG_LEVEL: 'info',
      NODE_ENV: 'production',
    });
    try {
      await worker.waitFor('mailbox open', { timeoutMs: 60_000 });
      const messageId = await deliver({ subject: 'Scritta al processo', text: 'Cinque.' });
      expect((await outcomeOf(messageId)).outcome).toBe('case');
    } finally {
      expect(await worker.stop('SIGTERM')).toBe(0);
    }
    // Its log names mailboxes and UIDs, never a citizen's address.
    expect(worker.output).not.toContain(citizen);
  });
});
