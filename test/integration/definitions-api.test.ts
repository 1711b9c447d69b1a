import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, staffClient, type StaffClient, startTestApi, type TestApi } from '../helpers/app.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { demoDefinition } from '../helpers/definitions.ts';

let t: TestDatabase;
let api: TestApi;
let app: FastifyInstance;
let designer: StaffClient;
let milanDesigner: StaffClient;
let florenceSupervisor: StaffClient;
let operator: StaffClient;
let backoffice: StaffClient;
beforeAll(async () => {
  api = await startTestApi();
  ({ t, app } = api);
  designer = await staffClient(app, t.db, { role: 'designer', municipalities: ['milano', 'firenze'] });
  milanDesigner = await staffClient(app, t.db, { role: 'designer', municipalities: ['milano'] });
  florenceSupervisor = await staffClient(app, t.db, { role: 'supervisor', municipalities: ['firenze'] });
  operator = await staffClient(app, t.db, { role: 'operator', municipalities: ['milano', 'firenze'] });
  backoffice = await staffClient(app, t.db, { role: 'backoffice', municipalities: ['milano'], officeId: 'mi-tributi' });
});
afterAll(() => api?.stop());

/** Version 1 of the TARI refund definition, changed by `edit`. */
function tari(edit: (d: ReturnType<typeof demoDefinition>['document']) => void = () => {}) {
  const d = structuredClone(demoDefinition('tari-refund').document);
  edit(d);
  return d;
}
const json = (res: { json: () => any }) => res.json();
const paths = (problem: { errors: { path: string }[] }) => problem.errors.map((e) => e.path).sort();

const get = (who: StaffClient, url: string) => who.inject({ url });
const post = (who: StaffClient, url: string, body?: unknown, headers: Record<string, string> = {}) =>
  who.inject({ method: 'POST', url, payload: body as object, headers });
const audit = (targetId: string) =>
  t.db
    .selectFrom('audit_log')
    .select(['action', 'actor', 'municipality_id', 'target_type', 'before_digest', 'after_digest'])
    .where('target_id', '=', targetId)
    .orderBy('seq')
    .execute();

describe('GET /api/definitions', () => {
  it('lists the versions of the services offered where the caller works, with their case counts', async () => {
    const res = await get(milanDesigner, '/api/definitions?sort=["serviceCode","ASC"]&range=[0,99]');
    expect(res.statusCode).toBe(200);
    const rows = json(res);
    expect(rows.map((r: { id: string }) => r.id)).toEqual([
      'area-c-fine-dispute@1',
      'change-of-residence@1',
      'complaint@1',
      'general-information@1',
      'pothole-report@1',
      'tari-refund@1',
    ]);
    expect(rows[5]).toEqual({
      id: 'tari-refund@1',
      serviceCode: 'tari-refund',
      serviceName: 'Rimborso TARI',
      version: 1,
      status: 'published',
      createdAt: expect.any(String),
      publishedAt: expect.any(String),
      caseCount: 0,
    });
    expect(res.headers['content-range']).toBe('definitions 0-5/6');
    // Florence offers nursery enrolment, not potholes or Area C.
    const florence = json(await get(florenceSupervisor, '/api/definitions?range=[0,99]')).map(
      (r: { serviceCode: string }) => r.serviceCode,
    );
    expect(florence).toContain('nursery-enrolment');
    expect(florence).not.toContain('pothole-report');
  });

  it('filters by service and status, refuses unknown filters, and is closed to the office staff', async () => {
    expect(json(await get(designer, '/api/definitions?filter={"serviceCode":"tari-refund"}')).map((r: { id: string }) => r.id)).toEqual([
      'tari-refund@1',
    ]);
    expect(json(await get(designer, '/api/definitions?filter={"status":"draft"}'))).toEqual([]);
    expect(paths(expectProblem(await get(designer, '/api/definitions?filter={"colour":"red"}'), 400))).toEqual(['querystring.filter']);
    expectProblem(await get(backoffice, '/api/definitions'), 403);
  });
});

describe('validating a document', () => {
  const validate = (body: unknown, who = designer) => post(who, '/api/definitions/tari-refund/validate', body);

  it('answers valid for a good document and saves nothing', async () => {
    expect(
      json(
        await validate(
          tari((d) => {
            d.sla.office.targetHours = 100;
          }),
        ),
      ),
    ).toEqual({ valid: true, issues: [] });
    expect(await t.db.selectFrom('service_definitions').select('version').where('service_code', '=', 'tari-refund').execute()).toHaveLength(
      1,
    );
  });

  it('names each problem at its exact path in the body', async () => {
    const res = await validate(
      tari((d) => {
        d.sla.office.targetHours = -4;
        d.intake.fields[1]!.key = 'taxYear';
        d.callback.window.to = '08:00';
        (d as Record<string, unknown>).colour = 'red';
      }),
    );
    expect(res.statusCode).toBe(200);
    const { valid, issues } = json(res);
    expect(valid).toBe(false);
    expect(issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'body',
      'body.callback.window.to',
      'body.intake.fields.1.key',
      'body.reminders.officeAfterHours.1',
      'body.sla.office.targetHours',
      'body.sla.office.warningHours',
    ]);
    expect(issues.find((i: { path: string }) => i.path === 'body').message).toMatch(/colour/);
  });

  it("checks the service's code and the offices it names", async () => {
    const { issues } = json(
      await validate(
        tari((d) => {
          d.service.code = 'pothole-report';
          d.transfer.offices = { milano: 'fi-tributi', roma: 'rm-tributi' };
          d.sla.office.onBreach = { type: 'transfer-to-third-level', office: 'mi-nowhere' };
        }),
      ),
    );
    expect(issues).toEqual([
      { path: 'body.service.code', message: expect.stringContaining('"tari-refund"') },
      { path: 'body.transfer.offices.firenze', message: '"firenze" offers this service: name its competent office' },
      { path: 'body.transfer.offices.milano', message: '"milano" has no office "fi-tributi"' },
      { path: 'body.transfer.offices.roma', message: '"roma" has no office "rm-tributi"' },
      { path: 'body.sla.office.onBreach.office', message: 'no office "mi-nowhere"' },
    ]);
  });

  it('answers 404 for a service not offered where the caller works, and 403 to a supervisor', async () => {
    expectProblem(await post(designer, '/api/definitions/snow-removal/validate', tari()), 404);
    expectProblem(await post(milanDesigner, '/api/definitions/nursery-enrolment/validate', tari()), 404);
    expectProblem(await post(florenceSupervisor, '/api/definitions/tari-refund/validate', tari()), 403);
  });
});

describe('designing a new version', () => {
  const nextTari = tari((d) => {
    d.sla.office.targetHours = 80;
    d.sla.office.warningHours = 60;
    d.reminders.officeAfterHours = [40];
    d.intake.fields.push({ key: 'note', label: 'Nota', type: 'textarea', required: false });
  });
  let firstCase: string;

  it('refuses an invalid draft with 422 at exact paths, creating nothing', async () => {
    const problem = expectProblem(
      await post(
        designer,
        '/api/definitions/tari-refund/drafts',
        tari((d) => {
          d.sla.office.targetHours = 0;
        }),
      ),
      422,
    );
    expect(problem.errors).toEqual([
      { path: 'body.sla.office.targetHours', message: expect.any(String) },
      { path: 'body.sla.office.warningHours', message: 'must come before the target (0 business hours)' },
      { path: 'body.reminders.officeAfterHours.1', message: 'a reminder must come before the target, which the breach handles' },
    ]);
    expect(json(await get(designer, '/api/definitions?filter={"status":"draft"}'))).toEqual([]);
  });

  it('opens a case on version 1 before anything changes', async () => {
    const res = await post(operator, '/api/cases', {
      municipalityId: 'milano',
      serviceCode: 'tari-refund',
      channel: 'phone',
      subject: 'TARI pagata due volte',
      citizen: { phone: '+393471234567' },
      details: { taxYear: 2024, taxpayerFiscalCode: 'RSSMRA85T10A562S' },
    });
    expect(res.statusCode).toBe(201);
    expect(json(res).definitionVersion).toBe(1);
    firstCase = json(res).id;
  });

  it('creates the next version as a draft, once per Idempotency-Key, audited', async () => {
    const headers = { 'idempotency-key': 'design-tari-2' };
    const res = await post(designer, '/api/definitions/tari-refund/drafts', nextTari, headers);
    expect(res.statusCode).toBe(201);
    expect(res.headers.location).toBe('/api/definitions/tari-refund/versions/2');
    expect(json(res)).toMatchObject({
      id: 'tari-refund@2',
      version: 2,
      status: 'draft',
      publishedAt: null,
      caseCount: 0,
      casesByStatus: { open: 0, resolved: 0 },
      document: { sla: { office: { targetHours: 80 } } },
    });
    const again = await post(designer, '/api/definitions/tari-refund/drafts', nextTari, headers);
    expect(again.statusCode).toBe(200);
    expect(json(again).id).toBe('tari-refund@2');
    expect(paths(expectProblem(await post(designer, '/api/definitions/tari-refund/drafts', tari(), headers), 409))).toEqual([
      'headers.idempotency-key',
    ]);
    expect(await audit('tari-refund@2')).toEqual([
      {
        action: 'service-definition.drafted',
        actor: designer.id,
        municipality_id: null,
        target_type: 'service-definition',
        before_digest: null,
        after_digest: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);
  });

  it('keeps one open draft per service: another is a 409 pointing at the draft', async () => {
    const problem = expectProblem(await post(designer, '/api/definitions/tari-refund/drafts', tari()), 409);
    expect(problem.detail).toMatch(/version 2 of "tari-refund" is an open draft/);
    expectProblem(await post(operator, '/api/definitions/tari-refund/drafts', tari()), 403);
  });

  it('edits the draft in place; a published version or an unknown one cannot be edited', async () => {
    nextTari.sla.office.warningHours = 64;
    const res = await designer.inject({ method: 'PUT', url: '/api/definitions/tari-refund/versions/2', payload: nextTari });
    expect(res.statusCode).toBe(200);
    expect(json(res).document.sla.office.warningHours).toBe(64);
    expect((await audit('tari-refund@2')).map((a) => a.action)).toEqual(['service-definition.drafted', 'service-definition.draft-updated']);
    expect(
      expectProblem(await designer.inject({ method: 'PUT', url: '/api/definitions/tari-refund/versions/1', payload: nextTari }), 409)
        .detail,
    ).toMatch(/published and cannot change/);
    expectProblem(await designer.inject({ method: 'PUT', url: '/api/definitions/tari-refund/versions/9', payload: nextTari }), 404);
    const invalid = await designer.inject({
      method: 'PUT',
      url: '/api/definitions/tari-refund/versions/2',
      payload: tari((d) => {
        d.survey.questions = [];
      }),
    });
    expect(paths(expectProblem(invalid, 422))).toEqual(['body.survey.questions']);
  });

  it('lets a designer change only the offices of the municipalities they serve', async () => {
    const florenceMoved = structuredClone(nextTari);
    florenceMoved.transfer.offices.firenze = 'fi-anagrafe';
    const problem = expectProblem(
      await milanDesigner.inject({ method: 'PUT', url: '/api/definitions/tari-refund/versions/2', payload: florenceMoved }),
      403,
    );
    expect(problem.errors).toEqual([{ path: 'body.transfer.offices.firenze', message: expect.stringContaining('fi-tributi') }]);
    const milanMoved = structuredClone(nextTari);
    milanMoved.transfer.offices.milano = 'mi-anagrafe';
    expect(
      (await milanDesigner.inject({ method: 'PUT', url: '/api/definitions/tari-refund/versions/2', payload: milanMoved })).statusCode,
    ).toBe(200);
    expect((await designer.inject({ method: 'PUT', url: '/api/definitions/tari-refund/versions/2', payload: nextTari })).statusCode).toBe(
      200,
    );
  });

  it('diffs two versions leaf by leaf', async () => {
    const res = await get(florenceSupervisor, '/api/definitions/tari-refund/diff?from=1&to=2');
    expect(res.statusCode).toBe(200);
    expect(json(res)).toEqual([
      { path: 'intake.fields.4', op: 'added', to: { key: 'note', label: 'Nota', type: 'textarea', required: false } },
      { path: 'sla.office.targetHours', op: 'changed', from: 120, to: 80 },
      { path: 'sla.office.warningHours', op: 'changed', from: 96, to: 64 },
      { path: 'reminders.officeAfterHours.1', op: 'removed', from: 80 },
    ]);
    expect(json(await get(designer, '/api/definitions/tari-refund/diff?from=2&to=2'))).toEqual([]);
    expectProblem(await get(designer, '/api/definitions/tari-refund/diff?from=1&to=3'), 404);
    expect(paths(expectProblem(await get(designer, '/api/definitions/tari-refund/diff?from=one&to=2'), 400))).toEqual(['querystring.from']);
    expectProblem(await get(milanDesigner, '/api/definitions/nursery-enrolment/diff?from=1&to=1'), 404);
  });

  it('publishes the draft once; new cases start on it, running cases keep version 1', async () => {
    const res = await post(designer, '/api/definitions/tari-refund/versions/2/publish');
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ id: 'tari-refund@2', status: 'published', publishedAt: expect.any(String) });
    expect(expectProblem(await post(designer, '/api/definitions/tari-refund/versions/2/publish'), 409).detail).toMatch(/published already/);
    expectProblem(await post(designer, '/api/definitions/tari-refund/versions/7/publish'), 404);
    expect((await audit('tari-refund@2')).at(-1)).toMatchObject({ action: 'service-definition.published', municipality_id: null });

    const second = await post(operator, '/api/cases', {
      municipalityId: 'firenze',
      serviceCode: 'tari-refund',
      channel: 'email',
      subject: 'Rimborso TARI 2025',
      citizen: { email: 'anna@example.org' },
      details: { taxYear: 2025, taxpayerFiscalCode: 'RSSMRA85T10A562S', note: 'pagato due volte' },
    });
    expect(second.statusCode).toBe(201);
    expect(json(second).definitionVersion).toBe(2);
    expect(json(await get(operator, `/api/cases/${firstCase}`)).definitionVersion).toBe(1);

    // A new draft may follow, numbered 3.
    expect(json(await post(designer, '/api/definitions/tari-refund/drafts', nextTari)).version).toBe(3);
  });

  it("shows which cases run on each version, within the caller's municipalities", async () => {
    const v1 = json(await get(designer, '/api/definitions/tari-refund/versions/1'));
    expect(v1).toMatchObject({
      status: 'published',
      caseCount: 1,
      casesByStatus: { open: 1, resolved: 0 },
      document: { sla: { office: { targetHours: 120 } } },
    });
    const cases = await get(designer, '/api/definitions/tari-refund/versions/1/cases');
    expect(cases.headers['content-range']).toBe('cases 0-0/1');
    expect(json(cases)).toEqual([
      {
        id: firstCase,
        municipalityId: 'milano',
        municipalityName: 'Comune di Milano',
        subject: 'TARI pagata due volte',
        status: 'open',
        stage: expect.any(String),
        createdAt: expect.any(String),
      },
    ]);
    const onTwo = json(await get(designer, '/api/definitions/tari-refund/versions/2/cases'));
    expect(onTwo.map((c: { municipalityId: string }) => c.municipalityId)).toEqual(['firenze']);
    // Florence's supervisor sees Florence's case only, in counts and lists alike.
    expect(json(await get(florenceSupervisor, '/api/definitions/tari-refund/versions/1')).caseCount).toBe(0);
    expect(json(await get(florenceSupervisor, '/api/definitions/tari-refund/versions/1/cases'))).toEqual([]);
    const listed = json(await get(florenceSupervisor, '/api/definitions?filter={"serviceCode":"tari-refund"}&sort=["version","ASC"]'));
    expect(listed.map((r: { id: string; caseCount: number; status: string }) => [r.id, r.status, r.caseCount])).toEqual([
      ['tari-refund@1', 'published', 0],
      ['tari-refund@2', 'published', 1],
      ['tari-refund@3', 'draft', 0],
    ]);
    expectProblem(await get(milanDesigner, '/api/definitions/nursery-enrolment/versions/1/cases'), 404);
    expectProblem(await get(backoffice, '/api/definitions/tari-refund/versions/1'), 403);
  });
});

describe('the API description', () => {
  it('documents the definitions routes and the definition document', async () => {
    const spec = json(await get(designer, '/openapi.json'));
    expect(spec.paths['/api/definitions/{serviceCode}/drafts'].post.operationId).toBe('createDefinitionDraft');
    expect(spec.paths['/api/definitions/{serviceCode}/versions/{version}/publish'].post.responses).toHaveProperty('409');
    expect(spec.components.schemas.ServiceDefinition.properties).toHaveProperty('sla');
  });
});
