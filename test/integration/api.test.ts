import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertDraft, publishDraft } from '../../db/definitions.repository.ts';
import { snapshotQuery } from '../../workflows/case.definitions.ts';
import { buildTestApp, expectProblem, staffClient, type StaffClient, startTestApi, type TestApi } from '../helpers/app.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { demoDefinition } from '../helpers/definitions.ts';

let t: TestDatabase;
let api: TestApi;
let app: FastifyInstance;
let operator: StaffClient;
beforeAll(async () => {
  api = await startTestApi();
  ({ t, app } = api);
  // A shared front office: it serves both cities.
  operator = await staffClient(app, t.db, { role: 'operator', municipalities: ['milano', 'firenze'] });
});
afterAll(() => api?.stop());

const intake = {
  municipalityId: 'milano',
  serviceCode: 'area-c-fine-dispute',
  channel: 'phone',
  subject: 'Multa Area C con permesso residenti',
  description: 'Il cittadino ha il permesso ma ha ricevuto la sanzione.',
  citizen: { name: 'Giorgio Gallo', phone: '+393471234567', fiscalCode: 'glLGRG80a01f205z' },
  details: { plate: 'FX123AB', violationNumber: 'AC-2026-0042', reason: 'resident-permit' },
};
// A request the operator may close at the first level.
const question = {
  municipalityId: 'milano',
  serviceCode: 'general-information',
  channel: 'phone',
  subject: 'Orari della biblioteca Sormani',
  citizen: { phone: '+393471234567' },
  details: { topic: 'biblioteche' },
};
const post = (body: unknown, headers: Record<string, string> = {}) =>
  operator.inject({ method: 'POST', url: '/api/cases', payload: body as object, headers });

describe('POST /api/cases', () => {
  it('opens a case, readable at once with its first event', async () => {
    const res = await post(intake);
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({
      id: expect.stringMatching(/^C-\d{4}-\d{6}$/),
      status: 'open',
      stage: 'intake',
      municipalityName: 'Comune di Milano',
      serviceName: 'Contestazione multa Area C',
      definitionVersion: 1,
      details: intake.details,
    });
    // Normalised by the schema: the fiscal code is stored upper-case.
    expect(created.citizen.fiscalCode).toBe('GLLGRG80A01F205Z');
    expect(res.headers.location).toBe(`/api/cases/${created.id}`);
    const detail = (await operator.inject({ url: `/api/cases/${created.id}` })).json();
    expect(detail.events).toEqual([
      expect.objectContaining({ seq: 1, type: 'case.opened', stage: 'intake', definitionVersion: 1 }),
      // The citizen left a phone number only: the acknowledgement goes by SMS.
      expect.objectContaining({ seq: 2, type: 'citizen.acknowledged', data: { channel: 'sms', recipient: '+393471234567' } }),
    ]);
  });

  it('answers a repeated Idempotency-Key with the same case and starts nothing new', async () => {
    const headers = { 'idempotency-key': 'call-2026-11-24-0001' };
    const first = await post(intake, headers);
    const second = await post(intake, headers);
    expect(second.statusCode).toBe(201);
    expect(second.json()).toEqual(first.json());
    const { count } = await api.w.client.workflow.count(`WorkflowId = '${first.json().id}'`);
    expect(count).toBe(1);
    const rows = await t.db.selectFrom('cases').select('id').where('subject', '=', intake.subject).execute();
    expect(rows.filter((r) => r.id === first.json().id)).toHaveLength(1);
  });

  it('refuses a reused Idempotency-Key with another body (409), opening nothing', async () => {
    const headers = { 'idempotency-key': 'call-2026-11-24-0002' };
    await post(intake, headers);
    const before = await t.db
      .selectFrom('cases')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const body = expectProblem(await post({ ...intake, subject: 'Altro oggetto' }, headers), 409);
    expect(body.errors).toEqual([{ path: 'headers.idempotency-key', message: expect.any(String) }]);
    const after = await t.db
      .selectFrom('cases')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('burns no case number on repeated keys, concurrent repeats or refused requests: the next case takes the next number', async () => {
    const numberOf = (id: string) => Number(id.slice(-6));
    const first = (await post(intake, { 'idempotency-key': 'numbers-1' })).json();
    const repeats = await Promise.all([1, 2, 3].map(() => post(intake, { 'idempotency-key': 'numbers-1' })));
    expect(repeats.map((r) => r.json().id)).toEqual([first.id, first.id, first.id]);
    expectProblem(await post({ ...intake, subject: 'Altro' }, { 'idempotency-key': 'numbers-1' }), 409);
    const next = (await post(intake, { 'idempotency-key': 'numbers-2' })).json();
    expect(numberOf(next.id)).toBe(numberOf(first.id) + 1);
  });

  it('names every invalid field in a 400 problem', async () => {
    const body = expectProblem(
      await post({ ...intake, channel: 'fax', citizen: { fiscalCode: 'XYZ', email: 'not-an-email' }, subject: '' }),
      400,
    );
    const paths = body.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(['body.channel', 'body.citizen.email', 'body.citizen.fiscalCode', 'body.subject']);
  });

  it('rejects unknown fields, malformed JSON and unknown references with clear problems', async () => {
    expect(expectProblem(await post({ ...intake, priority: 'high' }), 400).errors[0].path).toBe('body');
    expectProblem(
      await operator.inject({
        method: 'POST',
        url: '/api/cases',
        payload: '{"municipalityId":',
        headers: { 'content-type': 'application/json' },
      }),
      400,
    );
    expect(expectProblem(await post({ ...intake, municipalityId: 'torino' }), 422).errors).toEqual([
      { path: 'body.municipalityId', message: expect.stringContaining('torino') },
    ]);
    expect(expectProblem(await post({ ...intake, municipalityId: 'firenze' }), 422).errors[0].path).toBe('body.serviceCode');
  });

  it("checks the details against the service's published definition, naming each field", async () => {
    const body = expectProblem(await post({ ...intake, details: { plate: 'fx123ab', reason: 'bored', colour: 'red' } }), 422);
    expect(body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'body.details.colour',
      'body.details.plate',
      'body.details.reason',
      'body.details.violationNumber',
    ]);
    expect(body.errors.find((e: { path: string }) => e.path === 'body.details.reason').message).toMatch(/one of resident-permit/);
  });

  it('refuses a body over the size limit with 413', async () => {
    expectProblem(await post({ ...intake, description: 'x'.repeat(70 * 1024) }), 413);
  });
});

describe('GET /api/cases (react-admin simple-rest)', () => {
  beforeAll(async () => {
    const cases = [
      { serviceCode: 'tari-refund', subject: 'Rimborso TARI Firenze', details: { taxYear: 2024, taxpayerFiscalCode: 'RSSMRA85T10A562S' } },
      {
        serviceCode: 'nursery-enrolment',
        subject: 'Asilo nido Rifredi',
        details: { childFiscalCode: 'VRDGLI24E50D612K', schoolYear: '2026/2027' },
      },
    ];
    for (const c of cases) expect((await post({ ...intake, municipalityId: 'firenze', ...c })).statusCode).toBe(201);
  });

  it('pages with Content-Range and sorts', async () => {
    const res = await operator.inject({ url: '/api/cases?sort=["id","ASC"]&range=[0,1]' });
    expect(res.statusCode).toBe(200);
    const total = Number(String(res.headers['content-range']).split('/')[1]);
    expect(res.headers['content-range']).toBe(`cases 0-1/${total}`);
    expect(total).toBeGreaterThanOrEqual(5);
    const ids = res.json().map((c: { id: string }) => c.id);
    expect(ids).toEqual([...ids].sort());
    const last = await operator.inject({ url: `/api/cases?sort=["id","ASC"]&range=[${total - 1},${total + 5}]` });
    expect(last.headers['content-range']).toBe(`cases ${total - 1}-${total - 1}/${total}`);
  });

  it('filters by municipality, status, text and ids', async () => {
    const byCity = await operator.inject({ url: `/api/cases?filter=${encodeURIComponent('{"municipalityId":"firenze"}')}` });
    expect(byCity.json().map((c: { municipalityId: string }) => c.municipalityId)).toEqual(['firenze', 'firenze']);
    const byText = await operator.inject({ url: `/api/cases?filter=${encodeURIComponent('{"q":"rifredi"}')}` });
    expect(byText.json().map((c: { subject: string }) => c.subject)).toEqual(['Asilo nido Rifredi']);
    const id = byText.json()[0].id;
    const byIds = await operator.inject({ url: `/api/cases?filter=${encodeURIComponent(JSON.stringify({ id: [id] }))}` });
    expect(byIds.json()).toHaveLength(1);
    const none = await operator.inject({
      url: `/api/cases?filter=${encodeURIComponent('{"status":"resolved","municipalityId":"firenze"}')}`,
    });
    expect(none.json()).toEqual([]);
    expect(none.headers['content-range']).toBe('cases */0');
  });

  it('answers bad list parameters with 400 naming the parameter', async () => {
    for (const [query, path] of [
      ['sort=["citizen","ASC"]', 'querystring.sort.0'],
      ['range=[10,2]', 'querystring.range'],
      ['filter={"status":"lost"}', 'querystring.filter.status'],
      ['filter={"colour":"red"}', 'querystring.filter'],
      ['filter=nope', 'querystring.filter'],
    ]) {
      const body = expectProblem(await operator.inject({ url: `/api/cases?${query}` }), 400);
      expect(body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
  });
});

describe('POST /api/cases/:id/resolve', () => {
  it('resolves through the workflow and the answer already shows it', async () => {
    const { id } = (await post(question)).json();
    const res = await operator.inject({
      method: 'POST',
      url: `/api/cases/${id}/resolve`,
      payload: { outcome: 'redirected', note: 'Competenza della Regione' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id, status: 'resolved', stage: 'resolved', outcome: 'redirected', resolvedAt: expect.any(String) });
    const detail = (await operator.inject({ url: `/api/cases/${id}` })).json();
    expect(detail.events.map((e: { type: string }) => e.type).slice(0, 3)).toEqual([
      'case.opened',
      'citizen.acknowledged',
      'case.resolved',
    ]);
  });

  it('transfers a case to its competent office as a task with its due instants; then only the office can close it', async () => {
    const { id } = (await post(intake)).json();
    const res = await operator.inject({
      method: 'POST',
      url: `/api/cases/${id}/transfer`,
      payload: { note: 'Verificare il permesso residenti' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id, stage: 'office', status: 'open', officeId: 'mi-mobilita' });
    const detail = (await operator.inject({ url: `/api/cases/${id}` })).json();
    expect(detail.tasks).toEqual([
      expect.objectContaining({
        officeId: 'mi-mobilita',
        officeName: 'Mobilità - Area C',
        status: 'open',
        assignee: null,
        slaState: 'on-track',
        escalated: false,
      }),
    ]);
    expect(Date.parse(detail.tasks[0].dueAt)).toBeGreaterThan(Date.parse(detail.tasks[0].warningAt));
    expect(detail.events.at(-1)).toMatchObject({
      type: 'case.transferred',
      data: { office: 'mi-mobilita', note: 'Verificare il permesso residenti' },
    });
    expect(expectProblem(await operator.inject({ method: 'POST', url: `/api/cases/${id}/transfer`, payload: {} }), 409).detail).toBe(
      'the case is already at stage office',
    );
    expect(
      expectProblem(await operator.inject({ method: 'POST', url: `/api/cases/${id}/resolve`, payload: { outcome: 'resolved' } }), 409)
        .detail,
    ).toBe('the case is with the office: its task is completed by the office');
    expectProblem(await operator.inject({ method: 'POST', url: `/api/cases/${id}/transfer`, payload: { priority: 1 } }), 400);
  });

  it("relays the citizen's solicitations and complaints; a complaint opens a linked case for the public relations office", async () => {
    const { id } = (await post(intake)).json();
    await operator.inject({ method: 'POST', url: `/api/cases/${id}/transfer`, payload: {} });
    const solicited = await operator.inject({ method: 'POST', url: `/api/cases/${id}/solicitations`, payload: { channel: 'phone' } });
    expect(solicited.statusCode).toBe(202);
    const complained = await operator.inject({
      method: 'POST',
      url: `/api/cases/${id}/complaints`,
      payload: { channel: 'email', text: 'Nessuna risposta da tre settimane' },
    });
    expect(complained.statusCode).toBe(202);

    const detail = async () => (await operator.inject({ url: `/api/cases/${id}` })).json();
    await expect
      .poll(async () => (await detail()).events.map((e: { type: string }) => e.type))
      .toEqual(['case.opened', 'citizen.acknowledged', 'case.transferred', 'citizen.solicited', 'complaint.opened']);
    const { events, solicitations } = await detail();
    expect(solicitations).toBe(1);
    const complaintId = events.at(-1).data.complaintCase;
    await expect.poll(async () => (await operator.inject({ url: `/api/cases/${complaintId}` })).statusCode).toBe(200);
    expect((await operator.inject({ url: `/api/cases/${complaintId}` })).json()).toMatchObject({
      serviceCode: 'complaint',
      status: 'open',
      municipalityId: 'milano',
      channel: 'email',
      description: 'Nessuna risposta da tre settimane',
      details: { relatedCase: id },
      citizen: { name: 'Giorgio Gallo' },
    });
    const reminded = await t.db
      .selectFrom('outbound_messages')
      .select('recipient')
      .where('dedup_key', '=', `${id}:solicitation:1`)
      .executeTakeFirst();
    expect(reminded).toEqual({ recipient: 'areac@comune.milano.example' });

    expect(
      expectProblem(
        await operator.inject({ method: 'POST', url: `/api/cases/${id}/complaints`, payload: { channel: 'pigeon', text: 'x' } }),
        400,
      )
        .errors.map((e: { path: string }) => e.path)
        .sort(),
    ).toEqual(['body.channel', 'body.text']);
    expectProblem(
      await operator.inject({ method: 'POST', url: '/api/cases/C-2026-999998/solicitations', payload: { channel: 'phone' } }),
      404,
    );

    // The office asks for information; the citizen's reply restarts the clock.
    const clerk = await staffClient(app, t.db, { role: 'backoffice', municipalities: ['milano'], officeId: 'mi-mobilita' });
    expect((await clerk.inject({ method: 'POST', url: `/api/tasks/${id}:1/claim`, payload: {} })).statusCode).toBe(200);
    expect(
      (await clerk.inject({ method: 'POST', url: `/api/tasks/${id}:1/request-information`, payload: { question: 'la foto del permesso' } }))
        .statusCode,
    ).toBe(200);
    expect((await detail()).stage).toBe('waiting-citizen');
    const informed = await operator.inject({
      method: 'POST',
      url: `/api/cases/${id}/information`,
      payload: { channel: 'email', text: 'Foto allegata' },
    });
    expect(informed.statusCode).toBe(202);
    await expect.poll(async () => (await detail()).stage).toBe('office');
    expect((await detail()).events.at(-1)).toMatchObject({
      type: 'information.received',
      data: { text: 'Foto allegata', channel: 'email' },
    });
  });

  it('answers 409 for a case its service does not let the operator close', async () => {
    const { id } = (await post(intake)).json();
    expect(
      expectProblem(await operator.inject({ method: 'POST', url: `/api/cases/${id}/resolve`, payload: { outcome: 'resolved' } }), 409)
        .detail,
    ).toBe('"Contestazione multa Area C" cannot be closed at the first level: transfer it to the competent office');
    expect((await operator.inject({ url: `/api/cases/${id}` })).json().status).toBe('open');
  });

  it("records the citizen's survey answers, then the case closes", async () => {
    const { id } = (await post(question)).json();
    await operator.inject({ method: 'POST', url: `/api/cases/${id}/resolve`, payload: { outcome: 'resolved' } });
    expectProblem(
      await operator.inject({ method: 'POST', url: `/api/cases/${id}/survey-answers`, payload: { answers: { 'Bad Key': 1 } } }),
      400,
    );
    const answered = await operator.inject({
      method: 'POST',
      url: `/api/cases/${id}/survey-answers`,
      payload: { answers: { satisfaction: 4, solved: true } },
    });
    expect(answered.statusCode).toBe(202);
    await expect.poll(async () => (await operator.inject({ url: `/api/cases/${id}` })).json().stage).toBe('closed');
    const { events } = (await operator.inject({ url: `/api/cases/${id}` })).json();
    expect(events.find((e: { type: string }) => e.type === 'survey.answered').data).toEqual({ answers: { satisfaction: 4, solved: true } });
    expect(
      expectProblem(
        await operator.inject({ method: 'POST', url: `/api/cases/${id}/complaints`, payload: { channel: 'web', text: 'Troppo tardi' } }),
        409,
      ).detail,
    ).toBe(`case ${id} is closed`);
  });

  it('answers 409 for an already resolved case, 404 for an unknown one, 400 for a bad id or outcome', async () => {
    const { id } = (await post(question)).json();
    await operator.inject({ method: 'POST', url: `/api/cases/${id}/resolve`, payload: { outcome: 'resolved' } });
    expect(
      expectProblem(await operator.inject({ method: 'POST', url: `/api/cases/${id}/resolve`, payload: { outcome: 'resolved' } }), 409)
        .detail,
    ).toMatch(/already resolved/);
    expectProblem(
      await operator.inject({ method: 'POST', url: '/api/cases/C-2026-999999/resolve', payload: { outcome: 'resolved' } }),
      404,
    );
    expect(
      expectProblem(await operator.inject({ method: 'POST', url: '/api/cases/42/resolve', payload: { outcome: 'resolved' } }), 400)
        .errors[0].path,
    ).toBe('params.id');
    expect(
      expectProblem(await operator.inject({ method: 'POST', url: `/api/cases/${id}/resolve`, payload: { outcome: 'maybe' } }), 400)
        .errors[0].path,
    ).toBe('body.outcome');
  });
});

describe('definition versions', () => {
  it('pin each case to the version it started on; publishing a new one changes no running case', async () => {
    const onV1 = (await post(intake)).json();
    const v2 = structuredClone(demoDefinition('area-c-fine-dispute').document);
    v2.intake.fields.push({ key: 'entryTime', label: 'Ora del transito', type: 'text', required: true, pattern: '[0-2][0-9]:[0-5][0-9]' });
    expect(await publishDraft(t.db, 'area-c-fine-dispute', await insertDraft(t.db, v2))).toBe(true);

    // New cases follow version 2 …
    expect(expectProblem(await post(intake), 422).errors).toEqual([
      { path: 'body.details.entryTime', message: 'Ora del transito is required' },
    ]);
    const onV2 = (await post({ ...intake, details: { ...intake.details, entryTime: '08:15' } })).json();
    expect(onV2.definitionVersion).toBe(2);
    // … while the running one keeps version 1 to its end.
    const running = await api.w.client.workflow.getHandle(onV1.id).query(snapshotQuery);
    expect(running.definitionVersion).toBe(1);
    expect((await operator.inject({ url: `/api/cases/${onV1.id}` })).json()).toMatchObject({
      definitionVersion: 1,
      events: [{ definitionVersion: 1 }, { type: 'citizen.acknowledged', definitionVersion: 1 }],
    });
  });
});

describe('operations', () => {
  it('is not ready while no case worker polls, and then answers case requests 503 at once instead of at the deadline', async () => {
    const orphan = await buildTestApp(t.db, api.w, { CASE_TASK_QUEUE: `nobody-polls-${Date.now()}`, CASE_UPDATE_TIMEOUT_SECONDS: '30' });
    try {
      const ready = await orphan.inject({ url: '/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json().checks).toEqual({ postgres: 'ok', temporal: 'ok', caseWorkers: 'no case worker polls the task queue' });
      const clerk = await staffClient(orphan, t.db, { role: 'operator', municipalities: ['milano'] });
      const started = Date.now();
      const res = await clerk.inject({
        method: 'POST',
        url: '/api/cases',
        payload: {
          municipalityId: 'milano',
          serviceCode: 'general-information',
          channel: 'phone',
          subject: 'Orari anagrafe',
          citizen: { phone: '+393401112233' },
          details: { topic: 'anagrafe' },
        },
      });
      expectProblem(res, 503);
      expect(res.json().detail).toMatch(/^no case worker is running\. The request is kept/);
      expect(res.headers['retry-after']).toBe('30');
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      await orphan.close();
    }
  });

  it('reports health, readiness, OpenAPI and unknown routes', async () => {
    expect((await operator.inject({ url: '/health' })).json()).toEqual({ status: 'ok' });
    expect((await operator.inject({ url: '/ready' })).json()).toEqual({
      status: 'ok',
      checks: { postgres: 'ok', temporal: 'ok', caseWorkers: 'ok' },
    });
    const spec = (await operator.inject({ url: '/openapi.json' })).json();
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/api/cases', '/api/cases/{id}', '/api/cases/{id}/resolve', '/health', '/ready']),
    );
    expect(spec.paths['/api/cases'].post.operationId).toBe('openCase');
    expectProblem(await operator.inject({ url: '/api/nothing-here' }), 404);
  });
});
