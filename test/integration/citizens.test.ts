import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { expectProblem, staffClient, type StaffClient, startTestApi, type TestApi } from '../helpers/app.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { recordCallEvent } from '../../db/calls.repository.ts';
import type { CallEvent } from '../../domain/call-events.ts';

let t: TestDatabase;
let api: TestApi;
let app: FastifyInstance;
let frontOffice: StaffClient; // both cities
let milan: StaffClient; // an operator of Milan only
const opened: Record<'question' | 'fine' | 'florence', string> = { question: '', fine: '', florence: '' };

const citizen = { name: 'Giorgio Gallo', phone: '+393471234567', email: 'Giorgio.Gallo@Example.org', fiscalCode: 'GLLGRG80A01F205Z' };
const question = {
  municipalityId: 'milano',
  serviceCode: 'general-information',
  channel: 'phone',
  subject: 'Orari della biblioteca Sormani',
  citizen,
  details: { topic: 'biblioteche' },
};
const fine = {
  municipalityId: 'milano',
  serviceCode: 'area-c-fine-dispute',
  channel: 'web',
  subject: 'Multa Area C con permesso residenti',
  citizen: { phone: citizen.phone, fiscalCode: citizen.fiscalCode },
  details: { plate: 'FX123AB', violationNumber: 'AC-2026-0042', reason: 'resident-permit' },
};

/** Waits until the case's workflow has recorded an event of this type. */
const recorded = (id: string, type: string) =>
  vi.waitFor(
    async () => {
      const events = (await frontOffice.inject({ url: `/api/cases/${id}` })).json().events as { type: string }[];
      expect(events.map((e) => e.type)).toContain(type);
    },
    { timeout: 20_000, interval: 200 },
  );

beforeAll(async () => {
  api = await startTestApi();
  ({ t, app } = api);
  frontOffice = await staffClient(app, t.db, { role: 'operator', municipalities: ['milano', 'firenze'] });
  milan = await staffClient(app, t.db, { role: 'operator', municipalities: ['milano'] });
  const open = async (body: object) => {
    const res = await frontOffice.inject({ method: 'POST', url: '/api/cases', payload: body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  // A question answered at once: the citizen is told by SMS and answers the survey.
  opened.question = await open(question);
  await frontOffice.inject({ method: 'POST', url: `/api/cases/${opened.question}/resolve`, payload: { outcome: 'resolved' } });
  await recorded(opened.question, 'survey.sent');
  await frontOffice.inject({
    method: 'POST',
    url: `/api/cases/${opened.question}/survey-answers`,
    payload: { answers: { satisfaction: 4, solved: true } },
  });
  // A fine dispute: the citizen solicits it and sends more information.
  opened.fine = await open(fine);
  await frontOffice.inject({ method: 'POST', url: `/api/cases/${opened.fine}/solicitations`, payload: { channel: 'phone' } });
  await recorded(opened.fine, 'citizen.solicited');
  await frontOffice.inject({
    method: 'POST',
    url: `/api/cases/${opened.fine}/information`,
    payload: { channel: 'email', text: 'Foto del permesso allegata' },
  });
  // The same citizen in Florence: outside Milan's scope.
  opened.florence = await open({ ...question, municipalityId: 'firenze', channel: 'counter', citizen: { phone: citizen.phone } });
  await recorded(opened.question, 'case.closed');
  await recorded(opened.fine, 'information.received');
}, 120_000);
afterAll(() => api?.stop());

/** A call as the SIP adapter records it: initiated, queued, then abandoned or answered and ended. */
async function recordCall(callId: string, line: string, caller: string, answered: boolean, at: string) {
  const events: CallEvent[] = [
    {
      callId,
      seq: 1,
      at,
      type: 'initiated',
      direction: 'inbound',
      caller,
      called: line === 'milano' ? '020202' : '055055',
      line,
      linkedCallId: null,
    },
    { callId, seq: 2, at, type: 'queued', queue: 'generale', position: 3 },
    answered
      ? { callId, seq: 3, at, type: 'connected', agent: 'giulia.operatrice' }
      : { callId, seq: 3, at, type: 'abandoned', phase: 'queued', waitSeconds: 221 },
    { callId, seq: 4, at, type: 'ended', cause: answered ? 'normal' : 'abandoned' },
  ];
  await t.db.transaction().execute(async (trx) => {
    for (const e of events) await recordCallEvent(trx, e);
  });
}

describe('calls', () => {
  it("are listed and read within the caller's municipalities, and are part of the citizen's contact history", async () => {
    await recordCall('sip-call-milano-1', 'milano', citizen.phone, false, '2026-11-20T09:15:00+01:00');
    await recordCall('sip-call-firenze-1', 'firenze', citizen.phone, true, '2026-11-21T10:00:00+01:00');
    const listed = (
      await milan.inject({ url: `/api/calls?filter=${encodeURIComponent(JSON.stringify({ number: citizen.phone }))}` })
    ).json();
    expect(listed).toEqual([
      expect.objectContaining({
        id: 'sip-call-milano-1',
        municipalityId: 'milano',
        state: 'ended',
        endCause: 'abandoned',
        waitSeconds: 221,
        queue: 'generale',
      }),
    ]);
    const detail = await milan.inject({ url: '/api/calls/sip-call-milano-1' });
    expect(detail.json().events.map((e: { type: string }) => e.type)).toEqual(['initiated', 'queued', 'abandoned', 'ended']);
    expectProblem(await milan.inject({ url: '/api/calls/sip-call-firenze-1' }), 404);
    // A call on a number that is no known line belongs to no municipality: only administrators see it.
    await recordCallEvent(t.db, {
      callId: 'sip-call-unknown',
      seq: 1,
      at: '2026-11-22T08:00:00+01:00',
      type: 'initiated',
      direction: 'inbound',
      caller: citizen.phone,
      called: '0299999',
      line: null,
      linkedCallId: null,
    });
    expectProblem(await milan.inject({ url: '/api/calls/sip-call-unknown' }), 404);
    const admin = await staffClient(app, t.db, { role: 'admin', municipalities: ['milano'] });
    expect((await admin.inject({ url: '/api/calls/sip-call-unknown' })).statusCode).toBe(200);

    const { contacts } = (await milan.inject({ url: `/api/citizens/lookup?phone=${encodeURIComponent(citizen.phone)}` })).json();
    const calls = contacts.filter((c: { type: string }) => c.type === 'call');
    expect(calls).toEqual([
      expect.objectContaining({
        callId: 'sip-call-milano-1',
        caseId: null,
        direction: 'inbound',
        channel: 'phone',
        text: expect.stringContaining('abandoned · attesa 221 s'),
      }),
    ]);
  });
});

describe('GET /api/citizens/lookup', () => {
  it("finds the citizen by a phone number as typed: their cases in the caller's municipalities and every contact, in time order", async () => {
    const res = await milan.inject({ url: `/api/citizens/lookup?phone=${encodeURIComponent('+39 347 123 4567')}` });
    expect(res.statusCode, res.body).toBe(200);
    const found = res.json();
    expect(found.citizen).toEqual({
      id: expect.any(String),
      records: [{ id: found.citizen.id, municipalityId: 'milano' }],
      name: 'Giorgio Gallo',
      phones: ['+393471234567'],
      emails: ['giorgio.gallo@example.org'],
      fiscalCodes: ['GLLGRG80A01F205Z'],
      address: null,
    });
    expect(found.cases.map((c: { id: string }) => c.id)).toEqual([opened.fine, opened.question]);

    const contacts = found.contacts as {
      at: string;
      caseId: string;
      direction: string;
      channel: string | null;
      type: string;
      text: string | null;
    }[];
    expect(contacts.map((c) => c.at)).toEqual(contacts.map((c) => c.at).sort());
    expect(contacts.filter((c) => c.caseId === opened.florence)).toEqual([]);
    const ofQuestion = contacts.filter((c) => c.caseId === opened.question);
    expect(ofQuestion).toEqual([
      expect.objectContaining({ direction: 'inbound', type: 'case.opened', channel: 'phone', text: 'Orari della biblioteca Sormani' }),
      // The acknowledgement goes by e-mail when the citizen gave an address; the rest by SMS first.
      expect.objectContaining({
        direction: 'outbound',
        type: 'message',
        channel: 'email',
        text: expect.stringContaining('abbiamo ricevuto'),
      }),
      expect.objectContaining({ direction: 'outbound', type: 'message', channel: 'sms', text: expect.stringContaining('è stata risolta') }),
      expect.objectContaining({ direction: 'outbound', type: 'message', channel: 'sms', text: expect.stringContaining("com'è andata") }),
      expect.objectContaining({ direction: 'inbound', type: 'survey.answered', channel: null, text: 'satisfaction: 4, solved: true' }),
    ]);
    const ofFine = contacts.filter((c) => c.caseId === opened.fine);
    expect(ofFine.map((c) => [c.direction, c.type, c.channel])).toEqual([
      ['inbound', 'case.opened', 'web'],
      ['outbound', 'message', 'sms'],
      ['inbound', 'citizen.solicited', null],
      ['inbound', 'information.received', 'email'],
    ]);
    expect(ofFine.at(-1)!.text).toBe('Foto del permesso allegata');
    // The office's reminders share the outbox but are not contacts with the citizen.
    expect(contacts.some((c) => c.text?.includes('sollecitato'))).toBe(false);
  });

  it('finds them by fiscal code in lower case and e-mail in upper case; the other city shows with its scope', async () => {
    const byCode = (await milan.inject({ url: '/api/citizens/lookup?fiscalCode=gllgrg80a01f205z' })).json();
    expect(byCode.cases.map((c: { id: string }) => c.id)).toEqual([opened.fine, opened.question]);
    // One citizen, one record: the e-mail finds the person, and so the fine too (opened with phone and fiscal code only).
    const byEmail = (await milan.inject({ url: '/api/citizens/lookup?email=GIORGIO.GALLO@EXAMPLE.ORG' })).json();
    expect(byEmail.cases.map((c: { id: string }) => c.id)).toEqual([opened.fine, opened.question]);
    expect(byEmail.citizen.id).toBe(byCode.citizen.id);
    const everywhere = (await frontOffice.inject({ url: '/api/citizens/lookup?phone=%2B393471234567' })).json();
    expect(everywhere.cases.map((c: { id: string }) => c.id)).toEqual([opened.florence, opened.fine, opened.question]);
    expect(everywhere.contacts).toContainEqual(
      expect.objectContaining({ caseId: opened.florence, type: 'case.opened', channel: 'counter' }),
    );
  });

  it('answers 400 naming the field for a missing, doubled or malformed key; 404 for nobody; 403 for a role without cases', async () => {
    expectProblem(await milan.inject({ url: '/api/citizens/lookup' }), 400, [
      'querystring.email',
      'querystring.fiscalCode',
      'querystring.phone',
    ]);
    expectProblem(await milan.inject({ url: '/api/citizens/lookup?phone=3471234567&email=a@b.example' }), 400, ['querystring.email']);
    expectProblem(await milan.inject({ url: '/api/citizens/lookup?phone=abc' }), 400, ['querystring.phone']);
    expectProblem(await milan.inject({ url: '/api/citizens/lookup?fiscalCode=XYZ' }), 400, ['querystring.fiscalCode']);
    expectProblem(await milan.inject({ url: '/api/citizens/lookup?email=nope' }), 400, ['querystring.email']);
    expectProblem(await milan.inject({ url: '/api/citizens/lookup?name=Gallo' }), 400);
    // A number that is no valid number is bad input; a valid one nobody has is a 404.
    expectProblem(await milan.inject({ url: '/api/citizens/lookup?phone=0000000000' }), 400, ['querystring.phone']);
    expectProblem(await milan.inject({ url: `/api/citizens/lookup?phone=${encodeURIComponent('02 9999 9999')}` }), 404);
    const designer = await staffClient(app, t.db, { role: 'designer', municipalities: ['milano'] });
    expectProblem(await designer.inject({ url: '/api/citizens/lookup?phone=%2B393471234567' }), 403);
  });
});

describe('GET /api/survey-answers', () => {
  it('lists the answers of the municipalities the reviewer serves, with filters; refuses operators', async () => {
    const supervisor = await staffClient(app, t.db, { role: 'supervisor', municipalities: ['milano'] });
    const res = await supervisor.inject({ url: '/api/survey-answers' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual([
      {
        id: expect.stringMatching(new RegExp(`^${opened.question}:\\d+$`)),
        caseId: opened.question,
        municipalityId: 'milano',
        serviceCode: 'general-information',
        outcome: 'resolved',
        answeredAt: expect.any(String),
        answers: { satisfaction: 4, solved: true },
      },
    ]);
    expect(res.headers['content-range']).toBe('survey-answers 0-0/1');
    const filtered = async (filter: object) =>
      (await supervisor.inject({ url: `/api/survey-answers?filter=${encodeURIComponent(JSON.stringify(filter))}` })).json();
    expect(await filtered({ serviceCode: 'tari-refund' })).toEqual([]);
    expect(await filtered({ answeredFrom: '2000-01-01T00:00:00Z', answeredTo: '2999-01-01T00:00:00Z' })).toHaveLength(1);
    expect(await filtered({ answeredFrom: '2999-01-01T00:00:00Z' })).toEqual([]);
    expectProblem(await supervisor.inject({ url: '/api/survey-answers?filter={"colour":"red"}' }), 400);

    const florenceAuditor = await staffClient(app, t.db, { role: 'auditor', municipalities: ['firenze'] });
    expect((await florenceAuditor.inject({ url: '/api/survey-answers' })).json()).toEqual([]);
    expectProblem(await milan.inject({ url: '/api/survey-answers' }), 403);
  });
});
