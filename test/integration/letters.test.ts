import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertCase } from '../../db/case-events.repository.ts';
import { CaseIntakeSchema, type Citizen } from '../../domain/case.ts';
import { createLetterAdapter } from '../../notifications/letter.ts';
import { messageCitizen } from '../../services/messages/outbox.ts';
import { claimDue, markSent } from '../../services/outbox.service.ts';
import { expectProblem, staffClient, type StaffClient, startTestApi, type TestApi } from '../helpers/app.ts';

let api: TestApi;
let backoffice: StaffClient;
let florentine: StaffClient;
const dir = mkdtempSync(path.join(tmpdir(), 'letters-'));

/** The PDF's text as a reader extracts it (Poppler's pdftotext, installed by scripts/test-setup.ts). */
function pdfText(pdf: Buffer): string {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

let cases = 0;
async function openCase(citizen: Citizen, municipalityId = 'milano'): Promise<string> {
  const id = `${municipalityId === 'milano' ? 'MI' : 'FI'}-2026-9${String(++cases).padStart(5, '0')}`;
  const intake = CaseIntakeSchema.parse({
    municipalityId,
    serviceCode: 'tari-refund',
    channel: 'phone',
    subject: 'Rimborso TARI',
    citizen,
  });
  await insertCase(api.t.db, {
    id,
    intake,
    definitionVersion: 1,
    status: 'resolved',
    stage: 'callback',
    outcome: 'resolved',
    at: new Date().toISOString(),
  });
  return id;
}

/** The case's outcome as the callback's `fallback: letter` words it, through the dispatcher's steps with the letter adapter. */
async function letterFor(caseId: string) {
  const { db } = api.t;
  const notice = await messageCitizen(db, {
    caseId,
    dedupKey: `${caseId}:resolution`,
    preferred: 'letter',
    message: { event: 'case.resolved', data: { outcome: 'resolved' } },
  });
  const claimed = (await claimDue(db, 50, 60)).find((m) => m.dedupKey === `${caseId}:resolution`)!;
  const sent = await createLetterAdapter(db).send(claimed);
  await markSent(db, claimed.id, sent);
  return { notice, claimed, sent };
}
const message = (id: number) =>
  api.t.db
    .selectFrom('outbound_messages')
    .select(['status', 'provider_message_id', 'delivered_at'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

beforeAll(async () => {
  api = await startTestApi({ workers: false });
  backoffice = await staffClient(api.app, api.t.db, { role: 'backoffice', municipalities: ['milano'], officeId: 'mi-tributi' });
  florentine = await staffClient(api.app, api.t.db, { role: 'supervisor', municipalities: ['firenze'] });
});
afterAll(async () => {
  await api?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the callback fallback `letter`', () => {
  it('writes a letter when the citizen gave a postal address', async () => {
    const caseId = await openCase({ name: 'Maria Rossi', phone: '+393401112233', address: 'Via Dante 12\n20121 Milano MI' });
    const { notice, claimed, sent } = await letterFor(caseId);
    expect(notice).toEqual({ channel: 'letter', recipient: 'Via Dante 12\n20121 Milano MI' });
    expect(claimed).toMatchObject({ channel: 'letter', subject: `Richiesta ${caseId}: esito` });
    expect(sent.status).toBe('sent');
    expect(await message(claimed.id)).toMatchObject({ status: 'sent', provider_message_id: sent.providerMessageId });
  });

  it('without an address sends an SMS (or else an e-mail) instead, and says so', async () => {
    const { db } = api.t;
    const bySms = await openCase({ phone: '+393401112244' });
    const notice = await messageCitizen(db, {
      caseId: bySms,
      dedupKey: `${bySms}:resolution`,
      preferred: 'letter',
      message: { event: 'case.resolved', data: { outcome: 'resolved' } },
    });
    expect(notice).toEqual({ channel: 'sms', recipient: '+393401112244', reason: 'no postal address on file for a letter' });
    const byMail = await openCase({ email: 'senza.indirizzo@example.org' });
    expect(
      await messageCitizen(db, {
        caseId: byMail,
        dedupKey: `${byMail}:resolution`,
        preferred: 'letter',
        message: { event: 'case.resolved', data: { outcome: 'resolved' } },
      }),
    ).toMatchObject({ channel: 'email', reason: 'no postal address on file for a letter' });
  });

  it('queues one letter per message however often the dispatcher sends it', async () => {
    const caseId = await openCase({ name: 'Luca Bianchi', address: 'Corso Buenos Aires 3\n20124 Milano MI' });
    const { claimed, sent } = await letterFor(caseId);
    expect(await createLetterAdapter(api.t.db).send({ ...claimed, attempts: 2 })).toEqual(sent);
    expect(await api.t.db.selectFrom('letters').select('id').where('message_id', '=', claimed.id).execute()).toHaveLength(1);
  });
});

describe('the print queue', () => {
  it('lists the letters to print, serves the printable PDF, and marking one posted makes its message delivered (audited)', async () => {
    const caseId = await openCase({ name: 'Giulia Verdi', address: 'Piazza della Scala 2\n20121 Milano MI' });
    const { claimed, sent } = await letterFor(caseId);
    const letterId = sent.providerMessageId;

    const queue = await backoffice.inject({ method: 'GET', url: `/api/letters?filter=${encodeURIComponent('{"status":"to-print"}')}` });
    expect(queue.statusCode, queue.body).toBe(200);
    expect(queue.json()).toContainEqual(
      expect.objectContaining({ id: letterId, caseId, municipalityId: 'milano', recipientName: 'Giulia Verdi', status: 'to-print' }),
    );
    expect(queue.headers['content-range']).toMatch(/^letters 0-\d+\/\d+$/);

    const pdf = await backoffice.inject({ method: 'GET', url: `/api/letters/${letterId}/pdf` });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const text = pdfText(pdf.rawPayload);
    const today = new Intl.DateTimeFormat('it-IT', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Rome' }).format(
      new Date(),
    );
    for (const line of [
      'Comune di Milano',
      'Giulia Verdi',
      'Piazza della Scala 2',
      '20121 Milano MI',
      today,
      `Richiesta n. ${caseId}`,
      `Oggetto: Richiesta ${caseId}: esito`,
      `la sua richiesta ${caseId} è stata risolta.`,
    ]) {
      expect(text, line).toContain(line);
    }

    const posted = await backoffice.inject({ method: 'POST', url: `/api/letters/${letterId}/posted`, payload: {} });
    expect(posted.statusCode, posted.body).toBe(200);
    expect(posted.json()).toMatchObject({ id: letterId, status: 'posted', postedBy: backoffice.id, postedAt: expect.any(String) });
    expect(await message(claimed.id)).toMatchObject({ status: 'delivered', delivered_at: expect.any(Date) });
    // Posting it again changes nothing, and writes no second audit record.
    expect((await backoffice.inject({ method: 'POST', url: `/api/letters/${letterId}/posted`, payload: {} })).json().postedAt).toBe(
      posted.json().postedAt,
    );
    const audit = await api.t.db.selectFrom('audit_log').select(['action', 'actor']).where('target_id', '=', letterId).execute();
    expect(audit).toEqual([{ action: 'letter.posted', actor: backoffice.id }]);

    const toPrint = await backoffice.inject({ method: 'GET', url: `/api/letters?filter=${encodeURIComponent('{"status":"to-print"}')}` });
    expect(toPrint.json().map((l: { id: string }) => l.id)).not.toContain(letterId);
  });

  it("keeps another municipality's letters out of sight: not listed, 404 for the PDF and for posting", async () => {
    const caseId = await openCase({ name: 'Anna Neri', address: 'Via Torino 5\n20123 Milano MI' });
    const { sent } = await letterFor(caseId);
    const listed = await florentine.inject({ method: 'GET', url: '/api/letters' });
    expect(listed.json().map((l: { id: string }) => l.id)).not.toContain(sent.providerMessageId);
    expectProblem(await florentine.inject({ method: 'GET', url: `/api/letters/${sent.providerMessageId}/pdf` }), 404);
    expectProblem(await florentine.inject({ method: 'POST', url: `/api/letters/${sent.providerMessageId}/posted`, payload: {} }), 404);
    expectProblem(await backoffice.inject({ method: 'GET', url: '/api/letters?filter={"status":"lost"}' }), 400, [
      'querystring.filter.status',
    ]);
  });
});
