import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, staffClient, type StaffClient, startTestApi, type TestApi } from '../helpers/app.ts';

/**
 * Administrators word their municipality's messages: the list of every event × language with the
 * template in use, an edit (validated, audited), a reset to the default (audited), a preview; and a
 * real case's message, written by the workflow's activity, worded by the municipality's template.
 */
let api: TestApi;
let milanAdmin: StaffClient;
let florenceAdmin: StaffClient;
let platformAdmin: StaffClient;
let supervisor: StaffClient;
let operator: StaffClient;

const base = '/api/municipalities/milano/message-templates';
const resolvedIt = `${base}/case.resolved/it`;
const ownResolved = {
  subject: 'Comune di Milano - pratica {caseId}',
  body: 'Gentile cittadino, la pratica {caseId} {outcome}. Dettagli: {pageUrl}',
};

beforeAll(async () => {
  api = await startTestApi();
  const { app, t } = api;
  milanAdmin = await staffClient(app, t.db, { role: 'admin', municipalities: ['milano'] });
  florenceAdmin = await staffClient(app, t.db, { role: 'admin', municipalities: ['firenze'] });
  platformAdmin = await staffClient(app, t.db, { role: 'admin', municipalities: ['milano', 'firenze'] });
  supervisor = await staffClient(app, t.db, { role: 'supervisor', municipalities: ['milano'] });
  operator = await staffClient(app, t.db, { role: 'operator', municipalities: ['milano', 'firenze'] });
});
afterAll(() => api?.stop());

const audits = (action: string) => api.t.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();

describe('message templates', () => {
  it('lists every event in both languages, default until the municipality words its own', async () => {
    const res = await milanAdmin.inject({ url: base });
    expect(res.statusCode, res.body).toBe(200);
    const list = res.json() as { id: string; custom: boolean; placeholders: string[]; audience: string; body: string }[];
    expect(list.length % 2).toBe(0);
    expect(list.every((t) => !t.custom)).toBe(true);
    expect(list.find((t) => t.id === 'case.resolved:it')).toMatchObject({
      event: 'case.resolved',
      language: 'it',
      audience: 'citizen',
      body: 'Comune - la sua richiesta {caseId} {outcome}.',
      defaultBody: 'Comune - la sua richiesta {caseId} {outcome}.',
      subject: 'Richiesta {caseId}: esito',
      placeholders: ['caseId', 'outcome', 'pageUrl'],
      updatedAt: null,
    });
    expect(list.find((t) => t.id === 'citizen.solicited:en')).toMatchObject({ audience: 'office', placeholders: ['caseId', 'count'] });
  });

  it('refuses unknown placeholders and a subject without the case number, naming the field', async () => {
    const body = expectProblem(
      await milanAdmin.inject({ method: 'PUT', url: resolvedIt, payload: { subject: 'Esito', body: 'Pratica {caseId}: {question}' } }),
      400,
      ['body.body', 'body.subject'],
    );
    expect(body.errors.find((e: { path: string }) => e.path === 'body.body').message).toContain('{question}');
    expectProblem(await milanAdmin.inject({ method: 'PUT', url: resolvedIt, payload: { body: '' } }), 400, ['body.body']);
    expectProblem(
      await milanAdmin.inject({ method: 'PUT', url: resolvedIt, payload: { subject: 'Riga\nnuova {caseId}', body: 'x' } }),
      400,
      ['body.subject'],
    );
    expectProblem(await milanAdmin.inject({ method: 'PUT', url: `${base}/case.resolved/fr`, payload: { body: 'x' } }), 400, [
      'params.language',
    ]);
    expectProblem(await milanAdmin.inject({ method: 'PUT', url: `${base}/case.unknown/it`, payload: { body: 'x' } }), 404);
    expectProblem(
      await milanAdmin.inject({
        method: 'POST',
        url: `${base}/citizen.solicited/it/preview`,
        payload: { body: 'Pratica {caseId} {pageUrl}' },
      }),
      400,
      ['body.body'],
    );
    expect(await api.t.db.selectFrom('message_templates').selectAll().execute()).toEqual([]);
  });

  it('previews a template with sample data and a sample page link, saving nothing', async () => {
    const res = await milanAdmin.inject({ method: 'POST', url: `${resolvedIt}/preview`, payload: ownResolved });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      subject: 'Comune di Milano - pratica C-2026-000042',
      body: expect.stringMatching(/^Gentile cittadino, la pratica C-2026-000042 è stata risolta\. Dettagli: http:\/\/\S+\/c\/\S+$/),
    });
    // Without {pageUrl} the link ends the message on its own line.
    const plain = await milanAdmin.inject({ method: 'POST', url: `${resolvedIt}/preview`, payload: { body: 'Pratica {caseId}.' } });
    expect(plain.json()).toEqual({
      subject: 'Richiesta C-2026-000042: esito',
      body: expect.stringMatching(/^Pratica C-2026-000042\.\nSegua la richiesta: http:\/\/\S+\/c\/\S+$/),
    });
    expect(await api.t.db.selectFrom('message_templates').selectAll().execute()).toEqual([]);
  });

  it("keeps to the caller's municipality and to administrators", async () => {
    for (const [method, url, payload] of [
      ['GET', base, undefined],
      ['PUT', resolvedIt, ownResolved],
      ['DELETE', resolvedIt, undefined],
      ['POST', `${resolvedIt}/preview`, ownResolved],
    ] as const) {
      expectProblem(await florenceAdmin.inject({ method, url, ...(payload ? { payload } : {}) }), 404);
      expectProblem(await supervisor.inject({ method, url, ...(payload ? { payload } : {}) }), 403);
    }
    expect(await api.t.db.selectFrom('message_templates').selectAll().execute()).toEqual([]);
  });

  it("words a real case's message by the municipality's template, audited; others keep the default; reset brings it back", async () => {
    const saved = await milanAdmin.inject({ method: 'PUT', url: resolvedIt, payload: ownResolved });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({ custom: true, ...ownResolved, updatedBy: milanAdmin.id, updatedAt: expect.any(String) });
    const updated = await audits('message_template.updated');
    expect(updated).toEqual([
      expect.objectContaining({
        actor: milanAdmin.id,
        municipality_id: 'milano',
        target_type: 'message_template',
        target_id: 'milano:case.resolved:it',
        before_digest: expect.any(String),
        after_digest: expect.any(String),
      }),
    ]);
    expect(updated[0]!.before_digest).not.toBe(updated[0]!.after_digest);
    // A platform administrator sees Milan's own wording; Florence's stays the default.
    const milanList = (await platformAdmin.inject({ url: base })).json() as { id: string; custom: boolean }[];
    expect(milanList.filter((t) => t.custom).map((t) => t.id)).toEqual(['case.resolved:it']);
    const florenceList = (await platformAdmin.inject({ url: '/api/municipalities/firenze/message-templates' })).json();
    expect(florenceList.filter((t: { custom: boolean }) => t.custom)).toEqual([]);

    // Cases resolved at the first level: the workflow's activity writes the outcome to the citizen.
    const resolve = async (municipalityId: string, email: string) => {
      const opened = await operator.inject({
        method: 'POST',
        url: '/api/cases',
        payload: {
          municipalityId,
          serviceCode: 'general-information',
          channel: 'phone',
          subject: 'Orari della biblioteca',
          citizen: { email },
          details: { topic: 'biblioteche' },
        },
      });
      expect(opened.statusCode, opened.body).toBe(201);
      const id = opened.json().id as string;
      const res = await operator.inject({ method: 'POST', url: `/api/cases/${id}/resolve`, payload: { outcome: 'resolved' } });
      expect(res.statusCode, res.body).toBe(200);
      const message = () =>
        api.t.db
          .selectFrom('outbound_messages')
          .select(['channel', 'recipient', 'event', 'subject', 'body'])
          .where('dedup_key', '=', `${id}:resolution`)
          .executeTakeFirst();
      await expect.poll(message, { timeout: 30_000 }).toBeDefined();
      return { id, message: (await message())! };
    };
    const milan = await resolve('milano', 'cittadina@example.org');
    expect(milan.message).toMatchObject({
      channel: 'email',
      recipient: 'cittadina@example.org',
      event: 'case.resolved',
      subject: `Comune di Milano - pratica ${milan.id}`,
    });
    expect(milan.message.body).toMatch(
      new RegExp(`^Gentile cittadino, la pratica ${milan.id} è stata risolta\\. Dettagli: http://127\\.0\\.0\\.1:3000/c/[A-Za-z0-9_-]+$`),
    );
    // The link in the message opens the citizen's page of that case.
    const link = milan.message.body.split('Dettagli: ')[1]!;
    expect((await api.app.inject({ url: new URL(link).pathname })).statusCode).toBe(200);

    const florence = await resolve('firenze', 'cittadino@example.org');
    expect(florence.message.subject).toBe(`Richiesta ${florence.id}: esito`);
    expect(florence.message.body).toMatch(
      new RegExp(`^Comune - la sua richiesta ${florence.id} è stata risolta\\.\nSegua la richiesta: http://127\\.0\\.0\\.1:3000/c/\\S+$`),
    );

    // Reset: the default again, audited; a second reset changes nothing and records nothing.
    const reset = await milanAdmin.inject({ method: 'DELETE', url: resolvedIt });
    expect(reset.statusCode, reset.body).toBe(200);
    expect(reset.json()).toMatchObject({ custom: false, body: 'Comune - la sua richiesta {caseId} {outcome}.', updatedAt: null });
    expect((await milanAdmin.inject({ method: 'DELETE', url: resolvedIt })).statusCode).toBe(200);
    expect(await audits('message_template.reset')).toEqual([
      expect.objectContaining({ actor: milanAdmin.id, municipality_id: 'milano', target_id: 'milano:case.resolved:it' }),
    ]);
    const again = await resolve('milano', 'altra@example.org');
    expect(again.message.subject).toBe(`Richiesta ${again.id}: esito`);
  });
});
