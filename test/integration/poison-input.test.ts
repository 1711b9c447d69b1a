import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classify } from '../../notifications/inbound-mail/classify.ts';
import { expectProblem, staffClient, type StaffClient, startTestApi, type TestApi, testApiKey } from '../helpers/app.ts';
import type { TestDatabase } from '../helpers/db.ts';

/**
 * Text PostgreSQL would refuse (a NUL) or that is not text at all (an unpaired surrogate) is refused
 * at the door with a 400 naming the field, on every surface that takes text, and nothing is written;
 * a citizen's e-mail is kept with the character replaced.
 */
let t: TestDatabase;
let api: TestApi;
let app: FastifyInstance;
let operator: StaffClient;
let portalKey: string;
beforeAll(async () => {
  api = await startTestApi();
  ({ t, app } = api);
  operator = await staffClient(app, t.db, { role: 'operator', municipalities: ['milano'] });
  ({ key: portalKey } = await testApiKey(t.db, 'operator', ['milano']));
});
afterAll(() => api?.stop());

const casesCount = async () => (await sql<{ n: number }>`select count(*)::int as n from cases`.execute(t.db)).rows[0]!.n;
const intake = {
  municipalityId: 'milano',
  serviceCode: 'general-information',
  channel: 'phone',
  subject: 'Orari della biblioteca',
  citizen: { phone: '+393471234567' },
  details: { topic: 'biblioteche' },
};

describe('text that cannot be stored', () => {
  it('staff API: a NUL in the subject and an unpaired surrogate in a nested field are a 400 naming both, at once, opening nothing', async () => {
    const before = await casesCount();
    const started = Date.now();
    const res = await operator.inject({
      method: 'POST',
      url: '/api/cases',
      payload: { ...intake, subject: 'a\u0000b', citizen: { phone: '+393471234567', name: 'Ann\ud800a' } },
    });
    const body = expectProblem(res, 400);
    expect(body.errors).toEqual([
      { path: 'body.subject', message: expect.stringContaining('U+0000') },
      { path: 'body.citizen.name', message: expect.stringContaining('U+D800') },
    ]);
    // Refused at the door, not after the 30 s the case engine is given.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await casesCount()).toBe(before);
    // The same request without the NUL opens the case: only the character was wrong.
    expect((await operator.inject({ method: 'POST', url: '/api/cases', payload: intake })).statusCode).toBe(201);
  });

  it('staff API: a NUL in a query parameter or a path segment is a 400 naming it', async () => {
    expect(expectProblem(await operator.inject({ url: '/api/cases?q=a%00b' }), 400).errors).toEqual([
      { path: 'querystring.q', message: expect.stringContaining('U+0000') },
    ]);
    expect(expectProblem(await operator.inject({ url: '/api/cases/C-2026-%00' }), 400).errors[0].path).toBe('params.id');
  });

  it('Open311: a NUL in a form field or a multipart field is a GeoReport 400 naming the field, opening nothing', async () => {
    const before = await casesCount();
    const fields = {
      api_key: portalKey,
      jurisdiction_id: 'milano',
      service_code: 'pothole-report',
      lat: '45.4978',
      long: '9.2247',
      description: 'Buca\u0000profonda',
      'attribute[address]': 'Via Padova 120',
      'attribute[danger]': 'true',
    };
    const form = await app.inject({
      method: 'POST',
      url: '/open311/v2/requests.json',
      payload: new URLSearchParams(fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.statusCode).toBe(400);
    expect(form.json()).toEqual([{ code: 400, description: expect.stringMatching(/description: holds U\+0000/) }]);

    const boundary = 'x-poison';
    const multipart = Object.entries(fields)
      .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
      .join('');
    const res = await app.inject({
      method: 'POST',
      url: '/open311/v2/requests.json',
      payload: `${multipart}--${boundary}--\r\n`,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()[0].description).toMatch(/description: holds U\+0000/);
    expect(await casesCount()).toBe(before);
  });

  it('CTI webhook: a NUL in the caller number is a 400 naming it, recording no call', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/cti/mi-020202?token=demo-cti-token-020202',
      payload: 'event=newCall&direction=in&from=347%00111&to=020202&callId=poison-1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(expectProblem(res, 400).errors).toEqual([{ path: 'body.from', message: expect.stringContaining('U+0000') }]);
    expect(await t.db.selectFrom('calls').select('id').where('id', 'like', '%poison-1%').execute()).toEqual([]);
  });

  it("e-mail intake: a citizen's mail with control characters is kept, each replaced by U+FFFD", async () => {
    const raw = Buffer.from(
      [
        'From: "Anna\u0001 Neri" <anna@example.org>',
        'To: sportello@comune.example',
        'Subject: Buca\u0000 in via Roma',
        'Message-ID: <poison-1@example.org>',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Una buca\u0000 profonda.',
      ].join('\r\n'),
    );
    const mail = await classify(raw, { domain: 'sportello.example', ownAddresses: ['sportello@comune.example'] });
    expect(mail).toMatchObject({
      kind: 'message',
      subject: 'Buca\ufffd in via Roma',
      text: expect.stringContaining('Una buca\ufffd profonda.'),
    });
    expect(JSON.stringify(mail)).not.toMatch(/\\u0000|\\u0001/);
  });
});
