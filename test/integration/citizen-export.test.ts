import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { digest } from '../../db/audit-format.ts';
import { recordCallEvent } from '../../db/calls.repository.ts';
import { insertInboundMail } from '../../db/mailboxes.repository.ts';
import { CitizenExportSchema, type CitizenExport } from '../../contracts/citizen-export.ts';
import { createLetterAdapter } from '../../notifications/letter.ts';
import { storeAttachment } from '../../services/attachments.service.ts';
import { messageCitizen } from '../../services/messages/outbox.ts';
import { claimDue, markSent } from '../../services/outbox.service.ts';
import { expectProblem, staffClient, type StaffClient, startTestApi, type TestApi } from '../helpers/app.ts';

/**
 * The citizen's right of access: one record's everything, as JSON and as a PDF read back with
 * Poppler's pdftotext; only in the record's municipality, only for admin and auditor, audited.
 */
let api: TestApi;
let operator: StaffClient;
let supervisor: StaffClient;
let auditor: StaffClient;
let admin: StaffClient;
let florenceAdmin: StaffClient;
const dir = mkdtempSync(path.join(tmpdir(), 'citizen-export-'));

const lucia = { name: 'Lucia Ferrari', phone: '+393391234567', email: 'lucia.ferrari@example.org', fiscalCode: 'FRRLCU80A41F205X' };
const address = 'Via Torino 5\n20123 Milano MI';
/** 23:30 UTC on 30 November is 00:30 on 1 December in Rome. */
const callAt = '2026-11-30T23:30:00Z';
const ids = { a: '', b: '', c: '', florence: '', other: '', lucia: '', luciaFlorence: '', duplicate: '' };

const intake = (subject: string, citizen: object, more: object = {}) => ({
  municipalityId: 'milano',
  serviceCode: 'general-information',
  channel: 'phone',
  subject,
  citizen,
  details: { topic: 'biblioteche' },
  ...more,
});
async function open(client: StaffClient, body: object): Promise<{ id: string; citizenId: string }> {
  const res = await client.inject({ method: 'POST', url: '/api/cases', payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}
const stageOf = async (id: string) => (await operator.inject({ url: `/api/cases/${id}` })).json().stage as string;
/** Polls the case (outside a test, where expect.poll is not available) until it reaches the stage. */
const untilStage = (id: string, stage: string) =>
  vi.waitFor(async () => expect(await stageOf(id)).toBe(stage), { timeout: 30_000, interval: 200 });

function pdfText(pdf: Buffer): string {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, pdf);
  // One line of words: what wraps in the layout does not matter to what it says.
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
}

async function call(id: string, caller: string) {
  await api.t.db.transaction().execute(async (trx) => {
    await recordCallEvent(trx, {
      callId: id,
      seq: 1,
      at: callAt,
      type: 'initiated',
      direction: 'inbound',
      caller,
      called: '020202',
      line: 'milano',
      linkedCallId: null,
    });
    await recordCallEvent(trx, { callId: id, seq: 2, at: callAt, type: 'ended', cause: 'abandoned' });
  });
}

beforeAll(async () => {
  api = await startTestApi();
  const { app, t } = api;
  operator = await staffClient(app, t.db, { role: 'operator', municipalities: ['milano'] });
  supervisor = await staffClient(app, t.db, { role: 'supervisor', municipalities: ['milano'] });
  auditor = await staffClient(app, t.db, { role: 'auditor', municipalities: ['milano'] });
  admin = await staffClient(app, t.db, { role: 'admin', municipalities: ['milano'] });
  florenceAdmin = await staffClient(app, t.db, { role: 'admin', municipalities: ['firenze'] });
  const florenceOperator = await staffClient(app, t.db, { role: 'operator', municipalities: ['firenze'] });

  // Case A: a question answered at once, with a note, then the satisfaction survey answered.
  const a = await open(
    operator,
    intake('Orari della biblioteca Sormani', lucia, {
      description: 'Chiede se la biblioteca apre il sabato',
      location: { address: 'Via Francesco Sforza 7, Milano' },
    }),
  );
  ids.a = a.id;
  ids.lucia = a.citizenId;
  expect(ids.lucia).toEqual(expect.any(String));
  const note = await operator.inject({
    method: 'POST',
    url: `/api/cases/${a.id}/notes`,
    payload: { text: 'Preferisce essere richiamata dopo le 15' },
  });
  expect(note.statusCode, note.body).toBe(200);
  expect((await operator.inject({ method: 'POST', url: `/api/cases/${a.id}/resolve`, payload: { outcome: 'resolved' } })).statusCode).toBe(
    200,
  );
  await untilStage(a.id, 'survey');
  const answered = await operator.inject({
    method: 'POST',
    url: `/api/cases/${a.id}/survey-answers`,
    payload: { answers: { satisfaction: 4, solved: true } },
  });
  expect(answered.statusCode, answered.body).toBe(202);
  await untilStage(a.id, 'closed');

  // Case B: her postal address, a letter, a file and an e-mail she sent.
  const b = await open(operator, intake('Certificato di residenza', { phone: '339 123 4567', address }));
  ids.b = b.id;
  expect(b.citizenId).toBe(ids.lucia);
  await messageCitizen(t.db, {
    caseId: b.id,
    dedupKey: `${b.id}:letter`,
    preferred: 'letter',
    message: { event: 'case.resolved', data: { outcome: 'resolved' } },
  });
  const claimed = (await claimDue(t.db, 100, 60)).find((m) => m.dedupKey === `${b.id}:letter`)!;
  await markSent(t.db, claimed.id, await createLetterAdapter(t.db).send(claimed));
  await storeAttachment(t.db, {
    caseId: b.id,
    municipalityId: 'milano',
    source: 'staff',
    fileName: 'delega.txt',
    contentType: 'text/plain',
    content: Buffer.from('Delega firmata'),
  });
  await t.db
    .insertInto('mailboxes')
    .values({
      id: 'mi-export',
      name: 'Protocollo',
      municipality_ids: ['milano'],
      triage_service: null,
      host: '127.0.0.1',
      port: 1,
      username: 'x',
    })
    .execute();
  await insertInboundMail(t.db, {
    mailboxId: 'mi-export',
    messageId: '<m1@example.org>',
    outcome: 'reply',
    caseId: b.id,
    reason: null,
    refusedAttachments: 0,
  });

  // A call from her number as the PBX presents it, and one from somebody else.
  await call('export-call-1', '3391234567');
  await call('export-call-2', '3398887777');

  // Case C opened with another e-mail made a second record: the supervisor merges it into hers.
  const c = await open(operator, intake('Tessera della biblioteca', { name: 'Lucia Ferrari', email: 'lucia.f@example.org' }));
  ids.c = c.id;
  ids.duplicate = c.citizenId;
  expect(ids.duplicate).not.toBe(ids.lucia);
  const merged = await supervisor.inject({
    method: 'POST',
    url: '/api/citizens/merges',
    payload: { targetId: ids.lucia, sourceId: ids.duplicate },
  });
  expect(merged.statusCode, merged.body).toBe(201);

  // Not hers: another Milanese, and her own record in Florence.
  ids.other = (await open(operator, intake('Passo carrabile', { name: 'Paolo Neri', phone: '+393398887777' }))).id;
  const f = await open(florenceOperator, { ...intake('Biblioteca delle Oblate', { phone: lucia.phone }), municipalityId: 'firenze' });
  ids.florence = f.id;
  ids.luciaFlorence = f.citizenId;
}, 180_000);
afterAll(async () => {
  await api?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const exports = () =>
  api.t.db
    .selectFrom('audit_log')
    .select(['actor', 'role', 'municipality_id', 'target_type', 'target_id', 'after_digest'])
    .where('action', '=', 'citizen.exported')
    .orderBy('id')
    .execute();

describe('GET /api/citizens/:id/export', () => {
  let body: CitizenExport;

  it('gives the auditor everything held about her in Milan, as a JSON download, and nothing of anyone else', async () => {
    const res = await auditor.inject({ url: `/api/citizens/${ids.lucia}/export` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="cittadino-${ids.lucia}.json"`);
    expect(res.headers['cache-control']).toBe('no-store');
    body = CitizenExportSchema.parse(res.json());

    expect(body).toMatchObject({
      format: 'sportello.citizen-export/v1',
      municipality: { id: 'milano', name: 'Comune di Milano' },
      citizen: {
        id: ids.lucia,
        municipalityId: 'milano',
        name: 'Lucia Ferrari',
        phones: ['+393391234567'],
        emails: ['lucia.f@example.org', 'lucia.ferrari@example.org'],
        fiscalCode: 'FRRLCU80A41F205X',
        address,
        mergedInto: null,
      },
    });
    expect(body.mergedRecords.map((r) => r.id)).toEqual([ids.duplicate]);
    expect(body.merges).toEqual([expect.objectContaining({ targetId: ids.lucia, sourceId: ids.duplicate, undoneAt: null })]);
    expect(body.cases.map((c) => c.id)).toEqual([ids.a, ids.b, ids.c]);

    const a = body.cases[0]!;
    expect(a).toMatchObject({
      subject: 'Orari della biblioteca Sormani',
      description: 'Chiede se la biblioteca apre il sabato',
      citizen: lucia,
      details: { topic: 'biblioteche' },
      location: { address: 'Via Francesco Sforza 7, Milano' },
      status: 'resolved',
      outcome: 'resolved',
      stage: 'closed',
    });
    // The timeline in the citizen's page's words where it shows the event, everything else as recorded.
    expect(a.timeline[0]).toMatchObject({ type: 'case.opened', public: 'Abbiamo ricevuto la tua richiesta' });
    expect(a.timeline.find((e) => e.type === 'note.added')).toMatchObject({
      public: null,
      data: { text: 'Preferisce essere richiamata dopo le 15' },
    });
    expect(a.timeline.find((e) => e.type === 'case.resolved')).toMatchObject({ public: 'La richiesta è stata risolta' });
    expect(body.surveyAnswers).toEqual([{ caseId: ids.a, at: expect.any(String), answers: { satisfaction: 4, solved: true } }]);

    expect(body.calls.map((c) => [c.id, c.caller, c.endCause])).toEqual([['export-call-1', '3391234567', 'abandoned']]);
    const sent = body.messages.map((m) => [m.caseId, m.channel, m.recipient]);
    expect(sent).toContainEqual([ids.a, 'email', 'lucia.ferrari@example.org']);
    expect(sent).toContainEqual([ids.b, 'letter', address]);
    expect(body.messages.find((m) => m.channel === 'email' && m.caseId === ids.a)!.text).toContain('abbiamo ricevuto');
    expect(body.letters).toEqual([
      expect.objectContaining({ caseId: ids.b, address, status: 'to-print', downloadPath: `/api/letters/${body.letters[0]!.id}/pdf` }),
    ]);
    expect(body.inboundMails).toEqual([{ caseId: ids.b, outcome: 'reply', receivedAt: expect.any(String) }]);
    expect(body.attachments).toEqual([
      expect.objectContaining({ caseId: ids.b, fileName: 'delega.txt', contentType: 'text/plain', size: 14, source: 'staff' }),
    ]);
    expect(body.attachments[0]!.downloadPath).toBe(`/api/attachments/${body.attachments[0]!.id}`);
    expect(body.citizenLinks.map((l) => l.caseId)).toContain(ids.a);

    // Nothing of the other citizen, of her Florentine record, nor the file's content or staff identities.
    const text = JSON.stringify(body);
    for (const absent of [
      '3398887777',
      'Paolo Neri',
      ids.other,
      ids.florence,
      ids.luciaFlorence,
      'Delega firmata',
      operator.id,
      supervisor.id,
    ]) {
      expect(text).not.toContain(absent);
    }
  });

  it('gives the admin the same as a readable Italian PDF: letterhead, a section per kind, dates in Rome', async () => {
    const res = await admin.inject({ url: `/api/citizens/${ids.lucia}/export.pdf` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="cittadino-${ids.lucia}.pdf"`);
    const text = pdfText(res.rawPayload);
    for (const said of [
      'Comune di Milano',
      'Accesso ai dati personali',
      'Dati anagrafici',
      'Nome: Lucia Ferrari',
      'Codice fiscale: FRRLCU80A41F205X',
      'Indirizzo: Via Torino 5, 20123 Milano MI',
      `Richiesta n. ${ids.a}: Orari della biblioteca Sormani`,
      'Descrizione: Chiede se la biblioteca apre il sabato',
      'E-mail indicata: lucia.ferrari@example.org',
      'Indirizzo indicato: Via Torino 5, 20123 Milano MI',
      'Abbiamo ricevuto la tua richiesta',
      'Nota sulla pratica: «Preferisce essere richiamata dopo le 15»',
      'La richiesta è stata risolta',
      'Telefonate',
      '1 dicembre 2026 alle ore 00:30 · in arrivo da 3391234567',
      'Messaggi inviati',
      'Lettere',
      'E-mail ricevute',
      'Risposte ai questionari',
      'Allegati',
      'delega.txt (text/plain, 14 byte)',
      'Unioni di schede',
      'pagina 1 di',
    ]) {
      expect(text).toContain(said);
    }
    expect(text).not.toContain('30 novembre 2026 alle ore 23:30');
    expect(text).not.toContain('Paolo Neri');
  });

  it('records each export in the audit trail, with its format', async () => {
    const rows = await exports();
    expect(rows.map((r) => [r.actor, r.role, r.municipality_id, r.target_type, r.target_id])).toEqual([
      [auditor.id, 'auditor', 'milano', 'citizen', ids.lucia],
      [admin.id, 'admin', 'milano', 'citizen', ids.lucia],
    ]);
    const counts = {
      cases: body.cases.length,
      calls: body.calls.length,
      messages: body.messages.length,
      attachments: body.attachments.length,
    };
    expect(rows.map((r) => r.after_digest)).toEqual([digest({ format: 'json', ...counts }), digest({ format: 'pdf', ...counts })]);
  });

  it("answers 404 for another municipality's citizen (as for none), 403 to an operator, and audits neither", async () => {
    for (const url of [`/api/citizens/${ids.lucia}/export`, `/api/citizens/${ids.lucia}/export.pdf`]) {
      expectProblem(await florenceAdmin.inject({ url }), 404);
      expectProblem(await operator.inject({ url }), 403);
    }
    expectProblem(await admin.inject({ url: `/api/citizens/${ids.luciaFlorence}/export` }), 404);
    expectProblem(await admin.inject({ url: '/api/citizens/no-such-citizen/export.pdf' }), 404);
    const florence = await florenceAdmin.inject({ url: `/api/citizens/${ids.luciaFlorence}/export` });
    expect(florence.statusCode).toBe(200);
    expect(florence.json().cases.map((c: { id: string }) => c.id)).toEqual([ids.florence]);
    expect((await exports()).map((r) => r.actor)).toEqual([auditor.id, admin.id, florenceAdmin.id]);
  });
});
