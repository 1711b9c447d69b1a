import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffClient, type StaffClient, startTestApi, type TestApi, testApiKey } from '../helpers/app.ts';
import { escapeXml, toXml } from '../../api/open311/xml.ts';
import type { TestDatabase } from '../helpers/db.ts';

let t: TestDatabase;
let api: TestApi;
let app: FastifyInstance;
let keyId: string;
let milanoKey: string;
let auditorKey: string;
let operator: StaffClient;
beforeAll(async () => {
  api = await startTestApi();
  ({ t, app } = api);
  // A city portal's key, made as an admin makes it: it may open cases in Milan only.
  ({ id: keyId, key: milanoKey } = await testApiKey(t.db, 'operator', ['milano']));
  pothole = potholeReport(milanoKey);
  operator = await staffClient(app, t.db, { role: 'operator', municipalities: ['milano'] });
  ({ key: auditorKey } = await testApiKey(t.db, 'auditor', ['milano']));
});
afterAll(() => api?.stop());

const base = '/open311/v2';
const get = (path: string) => app.inject({ url: `${base}/${path}` });
/** A GET by an integration holding a key of the municipality, which sees its cases as they are. */
const getWithKey = (path: string) => get(`${path}${path.includes('?') ? '&' : '?'}api_key=${encodeURIComponent(auditorKey)}`);
/** A form-encoded POST, as most Open311 apps send it; repeated names for repeated values. */
const postForm = (path: string, fields: [string, string][], headers: Record<string, string> = {}) =>
  app.inject({
    method: 'POST',
    url: `${base}/${path}`,
    payload: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });

type Res = Awaited<ReturnType<typeof get>>;
function expectError(res: Res, code: number, description: RegExp) {
  expect(res.statusCode).toBe(code);
  if (res.headers['content-type']?.toString().startsWith('text/xml')) {
    expect(res.body).toMatch(new RegExp(`<errors><error><code>${code}</code><description>[^<]*</description></error></errors>$`));
    expect(res.body).toMatch(description);
  } else {
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual([{ code, description: expect.stringMatching(description) }]);
  }
}

// Known once the key exists (beforeAll).
let pothole: [string, string][];
const potholeReport = (apiKey: string): [string, string][] => [
  ['api_key', apiKey],
  ['jurisdiction_id', 'milano'],
  ['service_code', 'pothole-report'],
  ['lat', '45.4978'],
  ['long', '9.2247'],
  ['address_string', 'Via Padova 120, Milano'],
  ['email', 'segnalatore@example.org'],
  ['first_name', 'Anna'],
  ['last_name', 'Neri'],
  ['phone', '+39 347 123 4567'],
  ['description', 'Buca profonda sulla corsia di destra'],
  ['media_url', 'https://example.org/foto/buca.jpg'],
  ['attribute[address]', 'Via Padova 120'],
  ['attribute[danger]', 'true'],
];
const without = (fields: [string, string][], ...names: string[]) => fields.filter(([n]) => !names.includes(n));
const replacing = (fields: [string, string][], name: string, value: string): [string, string][] => [
  ...without(fields, name),
  [name, value],
];

async function openRequest(fields = pothole, headers: Record<string, string> = {}): Promise<string> {
  const res = await postForm('requests.json', fields, headers);
  expect(res.statusCode, res.body).toBe(200);
  return res.json()[0].service_request_id;
}

describe('XML serializer', () => {
  it('escapes markup, drops characters XML cannot carry, and names list items', () => {
    expect(escapeXml(`<a href="x">Tom & Jerry's\u0001</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;');
    expect(
      toXml('errors', [
        { code: 400, description: 'a < b' },
        { code: 404, description: null },
      ]),
    ).toBe(
      '<?xml version="1.0" encoding="utf-8"?>\n<errors><error><code>400</code><description>a &lt; b</description></error>' +
        '<error><code>404</code><description/></error></errors>',
    );
  });
});

describe('GET services', () => {
  it("lists the municipality's services in JSON", async () => {
    const res = await get('services.json?jurisdiction_id=milano');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json; charset=utf-8/);
    const services = res.json();
    expect(services.map((s: { service_code: string }) => s.service_code)).not.toContain('nursery-enrolment');
    expect(services).toContainEqual({
      service_code: 'pothole-report',
      service_name: 'Segnalazione buca stradale',
      description: 'Buche e dissesti del manto stradale.',
      metadata: true,
      type: 'batch',
      keywords: expect.any(String),
      group: 'Manutenzione Strade',
    });
  });

  it('lists them in XML', async () => {
    const res = await get('services.xml?jurisdiction_id=firenze');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/xml; charset=utf-8/);
    expect(res.body).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<services><service><service_code>/);
    expect(res.body).toContain('<service_code>nursery-enrolment</service_code><service_name>Iscrizione asilo nido</service_name>');
    expect(res.body).toContain('<metadata>true</metadata><type>batch</type>');
  });

  it('needs a jurisdiction_id when there are several, and knows the unknown ones', async () => {
    expectError(await get('services.json'), 400, /jurisdiction_id was not provided/);
    expectError(await get('services.json?jurisdiction_id=torino'), 404, /torino/);
    expectError(await get('services.xml?jurisdiction_id=torino'), 404, /torino/);
  });

  it('answers an unknown format or path with the spec error body', async () => {
    expectError(await get('services.csv?jurisdiction_id=milano'), 400, /format/);
    expectError(await get('nothing-here.json'), 404, /no Open311 resource/);
  });
});

describe('GET services/{service_code}', () => {
  it("describes the intake fields of the service's published definition as attributes", async () => {
    const res = await get('services/area-c-fine-dispute.json?jurisdiction_id=milano');
    expect(res.statusCode).toBe(200);
    const { service_code, attributes } = res.json();
    expect(service_code).toBe('area-c-fine-dispute');
    expect(attributes[0]).toEqual({
      variable: true,
      code: 'plate',
      datatype: 'string',
      required: true,
      datatype_description: '',
      order: 1,
      description: 'Targa',
    });
    expect(attributes.find((a: { code: string }) => a.code === 'reason')).toMatchObject({
      datatype: 'singlevaluelist',
      order: 3,
      values: expect.arrayContaining([{ key: 'resident-permit', name: expect.any(String) }]),
    });
    const residence = (await get('services/change-of-residence.json?jurisdiction_id=milano')).json().attributes;
    expect(residence.map((a: { datatype: string }) => a.datatype)).toEqual(['string', 'datetime', 'singlevaluelist']);
    expect(residence[2].values).toEqual([
      { key: 'true', name: 'Sì' },
      { key: 'false', name: 'No' },
    ]);
  });

  it('writes the same in XML', async () => {
    const res = await get('services/pothole-report.xml?jurisdiction_id=milano');
    expect(res.body).toMatch(
      /^<\?xml[^>]*>\n<service_definition><service_code>pothole-report<\/service_code><attributes><attribute><variable>true<\/variable><code>address<\/code>/,
    );
    expect(res.body).toContain(
      '<values><value><key>true</key><name>Sì</name></value><value><key>false</key><name>No</name></value></values>',
    );
  });

  it('does not know a service the municipality does not offer', async () => {
    expectError(await get('services/nursery-enrolment.json?jurisdiction_id=milano'), 404, /nursery-enrolment/);
    expectError(await get('services/pothole-report.xml?jurisdiction_id=roma'), 404, /roma/);
  });
});

describe('POST requests', () => {
  it('opens a case from a form-encoded request with attributes and location', async () => {
    const res = await postForm('requests.json', pothole);
    expect(res.statusCode).toBe(200);
    const [created] = res.json();
    expect(created).toEqual({
      service_request_id: expect.stringMatching(/^C-\d{4}-\d{6}$/),
      service_notice: expect.any(String),
      account_id: null,
    });
    const row = await t.db
      .selectFrom('cases')
      .select(['channel', 'subject', 'description', 'citizen', 'details', 'location'])
      .where('id', '=', created.service_request_id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      channel: 'open311',
      subject: 'Segnalazione buca stradale – Via Padova 120, Milano',
      // The photo link is kept as its own field (test/integration/open311-apps.test.ts), not in the description.
      description: 'Buca profonda sulla corsia di destra',
      citizen: { name: 'Anna Neri', email: 'segnalatore@example.org', phone: '+393471234567' },
      details: { address: 'Via Padova 120', danger: true },
      location: { lat: 45.4978, long: 9.2247, address: 'Via Padova 120, Milano' },
    });
    const events = await t.db
      .selectFrom('case_events')
      .select(['type', 'actor'])
      .where('case_id', '=', created.service_request_id)
      .execute();
    expect(events[0]).toEqual({ type: 'case.opened', actor: `api-key:${keyId}` });
  });

  it('answers in XML, and takes a JSON body with typed values', async () => {
    const xml = await postForm('requests.xml', replacing(pothole, 'attribute[danger]', 'false'));
    expect(xml.statusCode).toBe(200);
    expect(xml.body).toMatch(
      /<service_requests><request><service_request_id>C-\d{4}-\d{6}<\/service_request_id><service_notice>[^<]+<\/service_notice><account_id\/><\/request><\/service_requests>$/,
    );
    const json = await app.inject({
      method: 'POST',
      url: `${base}/requests.json`,
      payload: {
        api_key: milanoKey,
        jurisdiction_id: 'milano',
        service_code: 'tari-refund',
        address_string: 'Viale Monza 1',
        attribute: { taxYear: 2025, taxpayerFiscalCode: 'BNCMRA70A41F205X' },
      },
    });
    expect(json.statusCode, json.body).toBe(200);
    const row = await t.db
      .selectFrom('cases')
      .select(['details', 'location'])
      .where('id', '=', json.json()[0].service_request_id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ details: { taxYear: 2025, taxpayerFiscalCode: 'BNCMRA70A41F205X' }, location: { address: 'Viale Monza 1' } });
  });

  it('converts form text to the field types: numbers and dates', async () => {
    const id = await openRequest([
      ['api_key', milanoKey],
      ['jurisdiction_id', 'milano'],
      ['service_code', 'change-of-residence'],
      ['lat', '45.46'],
      ['long', '9.19'],
      ['attribute[newAddress]', 'Via Larga 12'],
      ['attribute[moveDate]', '2026-11-02T00:00:00+01:00'],
      ['attribute[fromAbroad]', 'False'],
    ]);
    const row = await t.db.selectFrom('cases').select(['details', 'subject']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({
      details: { newAddress: 'Via Larga 12', moveDate: '2026-11-02', fromAbroad: false },
      subject: 'Cambio di residenza – 45.46, 9.19',
    });
  });

  it('returns the same request for a repeated Idempotency-Key', async () => {
    const headers = { 'idempotency-key': 'app-milano-0001' };
    expect(await openRequest(pothole, headers)).toBe(await openRequest(pothole, headers));
  });

  it("checks the attributes against the service's definition, naming each one", async () => {
    expectError(
      await postForm('requests.json', without(pothole, 'attribute[danger]')),
      400,
      /attribute\[danger\]: Pericolo immediato is required/,
    );
    expectError(
      await postForm('requests.json', replacing(pothole, 'attribute[danger]', 'forse')),
      400,
      /attribute\[danger\]: true or false/,
    );
    expectError(await postForm('requests.json', [...pothole, ['attribute[colour]', 'rosso']]), 400, /attribute\[colour\]: not a field/);
    expectError(await postForm('requests.json', [...pothole, ['attribute[__proto__]', 'x']]), 400, /attribute\[__proto__\]: not a field/);
    expectError(
      await postForm('requests.json', [...pothole, ['attribute[address]', 'Via Padova 122']]),
      400,
      /attribute\[address\]: takes one value/,
    );
    const tari = [
      ['api_key', milanoKey],
      ['jurisdiction_id', 'milano'],
      ['service_code', 'tari-refund'],
      ['address_string', 'Via Roma 1'],
      ['attribute[taxYear]', 'duemila'],
      ['attribute[taxpayerFiscalCode]', 'BNCMRA70A41F205X'],
    ] as [string, string][];
    expectError(await postForm('requests.json', tari), 400, /attribute\[taxYear\]: a number/);
  });

  it('needs a location and valid parameters', async () => {
    expectError(await postForm('requests.json', without(pothole, 'lat', 'long', 'address_string')), 400, /location is required/);
    expectError(await postForm('requests.json', without(pothole, 'long')), 400, /lat and long/);
    expectError(await postForm('requests.json', replacing(pothole, 'lat', '91')), 400, /^lat:/);
    expectError(await postForm('requests.json', replacing(pothole, 'long', 'east')), 400, /^long:/);
    expectError(await postForm('requests.json', replacing(pothole, 'email', 'not-an-email')), 400, /^email:/);
    expectError(await postForm('requests.json', without(pothole, 'service_code')), 400, /service_code was not provided/);
    expectError(await postForm('requests.json', replacing(pothole, 'service_code', 'nursery-enrolment')), 400, /nursery-enrolment/);
    expectError(
      await postForm('requests.xml', [...without(pothole, 'lat', 'long', 'address_string'), ['address_id', 'A-1']]),
      400,
      /address_id/,
    );
  });

  it('refuses a missing, unknown or out-of-scope api_key with 403, and an unknown jurisdiction with 404', async () => {
    expectError(await postForm('requests.json', without(pothole, 'api_key')), 403, /api_key was not provided/);
    expectError(await postForm('requests.xml', replacing(pothole, 'api_key', 'stolen')), 403, /api_key is invalid/);
    // A key whose role may not open cases, and a revoked one.
    expectError(await postForm('requests.json', replacing(pothole, 'api_key', auditorKey)), 403, /api_key is invalid/);
    const { key: revoked, id } = await testApiKey(t.db, 'operator', ['milano']);
    await t.db.updateTable('api_keys').set({ revoked_at: new Date() }).where('id', '=', id).execute();
    expectError(await postForm('requests.json', replacing(pothole, 'api_key', revoked)), 403, /api_key is invalid/);
    expectError(await postForm('requests.json', replacing(pothole, 'jurisdiction_id', 'firenze')), 403, /firenze/);
    expectError(await postForm('requests.json', replacing(pothole, 'jurisdiction_id', 'torino')), 404, /torino/);
    expectError(await app.inject({ method: 'POST', url: `${base}/requests.json` }), 403, /api_key/);
  });

  it('answers unreadable bodies with the spec error body', async () => {
    expectError(
      await app.inject({
        method: 'POST',
        url: `${base}/requests.json`,
        payload: '{"api_key":',
        headers: { 'content-type': 'application/json' },
      }),
      400,
      /JSON/,
    );
    expectError(
      await app.inject({ method: 'POST', url: `${base}/requests.xml`, payload: '<x/>', headers: { 'content-type': 'application/xml' } }),
      415,
      /./,
    );
    expectError(
      await app.inject({ method: 'POST', url: `${base}/requests.xml`, payload: 'x', headers: { 'content-type': 'text/plain' } }),
      400,
      /form fields/,
    );
    expectError(await app.inject({ method: 'POST', url: `${base}/requests.json`, payload: [1, 2] }), 400, /JSON object/);
  });
});

describe('GET requests', () => {
  let open: string;
  let resolved: string;
  let transferred: string;
  let florence: string;
  beforeAll(async () => {
    open = await openRequest();
    resolved = await openRequest([
      ['api_key', milanoKey],
      ['jurisdiction_id', 'milano'],
      ['service_code', 'general-information'],
      ['address_string', 'Piazza della Scala 2'],
      ['attribute[topic]', 'orari anagrafe'],
      ['description', 'Orari <anagrafe> & "servizi"'],
    ]);
    expect(
      (await operator.inject({ method: 'POST', url: `/api/cases/${resolved}/resolve`, payload: { outcome: 'resolved' } })).statusCode,
    ).toBe(200);
    transferred = await openRequest();
    expect((await operator.inject({ method: 'POST', url: `/api/cases/${transferred}/transfer`, payload: {} })).statusCode).toBe(200);
    const staff = await app.inject({
      method: 'POST',
      url: '/api/cases',
      payload: {
        municipalityId: 'firenze',
        serviceCode: 'general-information',
        channel: 'phone',
        subject: 'Orari biblioteca',
        details: { topic: 'biblioteche' },
      },
    });
    florence = staff.json().id;
  });

  it('gives one request by id, with status, office, times and location: to anyone a summary, to a key holder as it is', async () => {
    const res = await get(`requests/${open}.json?jurisdiction_id=milano`);
    expect(res.statusCode).toBe(200);
    const request = {
      service_request_id: open,
      status: 'open',
      status_notes: 'Ricevuta dal contact center',
      service_name: 'Segnalazione buca stradale',
      service_code: 'pothole-report',
      agency_responsible: 'Manutenzione Strade',
      service_notice: null,
      requested_datetime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0[12]:00$/),
      updated_datetime: expect.stringMatching(/\+0[12]:00$/),
      expected_datetime: null,
      address_id: null,
      zipcode: null,
      // Potholes show the photos apps send (the demo catalog's publication).
      media_url: 'https://example.org/foto/buca.jpg',
    };
    // Potholes are published on Open311: anyone reads what and roughly where, never the words typed.
    expect(res.json()).toEqual([
      { ...request, description: 'Segnalazione buca stradale', address: 'Via Padova', lat: 45.498, long: 9.225 },
    ]);
    expect((await getWithKey(`requests/${open}.json?jurisdiction_id=milano`)).json()).toEqual([
      { ...request, description: expect.stringContaining('Buca profonda'), address: 'Via Padova 120, Milano', lat: 45.4978, long: 9.2247 },
    ]);
  });

  it('shows the cases of services not published on Open311 only to a key of the municipality', async () => {
    expectError(await get(`requests/${resolved}.json?jurisdiction_id=milano`), 404, new RegExp(resolved));
    expect((await getWithKey(`requests/${resolved}.json?jurisdiction_id=milano`)).statusCode).toBe(200);
    expectError(await get(`requests/${resolved}.json?jurisdiction_id=milano&api_key=nope`), 403, /api_key is invalid/);
    const { key: florenceKey } = await testApiKey(t.db, 'auditor', ['firenze']);
    expectError(
      await get(`requests/${resolved}.json?jurisdiction_id=milano&api_key=${florenceKey}`),
      403,
      /not valid for jurisdiction_id "milano"/,
    );
  });

  it('maps a resolved case to closed with its outcome, and a transferred one to its due instant', async () => {
    expect((await getWithKey(`requests/${resolved}.json?jurisdiction_id=milano`)).json()[0]).toMatchObject({
      status: 'closed',
      status_notes: 'Richiesta risolta',
    });
    const [task] = await t.db.selectFrom('tasks').select('due_at').where('case_id', '=', transferred).execute();
    const [request] = (await get(`requests/${transferred}.json?jurisdiction_id=milano`)).json();
    expect(request).toMatchObject({
      status: 'open',
      status_notes: 'In lavorazione presso l’ufficio competente',
      agency_responsible: 'Manutenzione Strade',
    });
    // Whole seconds, as the spec's examples write them.
    expect(new Date(request.expected_datetime).getTime()).toBe(Math.floor(task!.due_at.getTime() / 1000) * 1000);
  });

  it('writes a request in XML, escaped', async () => {
    const res = await getWithKey(`requests/${resolved}.xml?jurisdiction_id=milano`);
    expect(res.body).toMatch(
      new RegExp(`^<\\?xml[^>]*>\\n<service_requests><request><service_request_id>${resolved}</service_request_id><status>closed</status>`),
    );
    expect(res.body).toContain('<description>Orari &lt;anagrafe&gt; &amp; &quot;servizi&quot;</description>');
    expect(res.body).toContain(
      '<address>Piazza della Scala 2</address><address_id/><zipcode/><lat/><long/><media_url/></request></service_requests>',
    );
  });

  it('does not know ids that do not exist or belong to another jurisdiction', async () => {
    expectError(await get('requests/C-2026-999999.json?jurisdiction_id=milano'), 404, /C-2026-999999/);
    expectError(await get(`requests/${florence}.xml?jurisdiction_id=milano`), 404, new RegExp(florence));
    const { key: florenceKey } = await testApiKey(t.db, 'auditor', ['firenze']);
    expect((await get(`requests/${florence}.json?jurisdiction_id=firenze&api_key=${florenceKey}`)).json()[0].service_request_id).toBe(
      florence,
    );
  });

  it("lists the jurisdiction's requests filtered by ids, status, service and dates", async () => {
    const ids = async (query: string) =>
      (await getWithKey(`requests.json?jurisdiction_id=milano&${query}`))
        .json()
        .map((r: { service_request_id: string }) => r.service_request_id);
    const all = await ids('');
    // Anyone sees only the published service's cases.
    const seenByAnyone = (await get('requests.json?jurisdiction_id=milano')).json() as {
      service_request_id: string;
      service_code: string;
    }[];
    expect(seenByAnyone.map((r) => r.service_request_id)).toEqual(expect.arrayContaining([open, transferred]));
    expect(new Set(seenByAnyone.map((r) => r.service_code))).toEqual(new Set(['pothole-report']));
    expect(all).toEqual(expect.arrayContaining([open, resolved, transferred]));
    expect(all).not.toContain(florence);
    expect(await ids(`service_request_id=${open},${resolved},${florence}`)).toEqual(expect.arrayContaining([open, resolved]));
    expect(await ids(`service_request_id=${open},${resolved},${florence}`)).toHaveLength(2);
    expect(await ids('status=closed')).toEqual([resolved]);
    expect(await ids('status=open')).not.toContain(resolved);
    expect(await ids('status=open,closed')).toHaveLength(all.length);
    expect(await ids('service_code=general-information')).toEqual([resolved]);
    const hour = 3600_000;
    const iso = (ms: number) => encodeURIComponent(new Date(ms).toISOString());
    expect(await ids(`start_date=${iso(Date.now() + hour)}`)).toEqual([]);
    expect(await ids(`end_date=${iso(Date.now() - hour)}`)).toEqual([]);
    expect(await ids(`start_date=${iso(Date.now() - hour)}&end_date=${encodeURIComponent('2099-01-01T00:00:00+01:00')}`)).toHaveLength(
      all.length,
    );
  });

  it('lists in XML and refuses bad filters with the spec error body', async () => {
    const xml = await getWithKey('requests.xml?jurisdiction_id=milano&status=closed');
    expect(xml.body).toMatch(
      /<service_requests><request><service_request_id>[^<]+<\/service_request_id><status>closed<\/status>.*<\/request><\/service_requests>$/,
    );
    expectError(await get('requests.json?jurisdiction_id=milano&status=pending'), 400, /^status/);
    expectError(await get('requests.json?jurisdiction_id=milano&start_date=yesterday'), 400, /^start_date/);
    expectError(
      await get('requests.xml?jurisdiction_id=milano&start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z'),
      400,
      /start_date is after end_date/,
    );
    expectError(await get('requests.json'), 400, /jurisdiction_id/);
  });
});

describe('the staff OpenAPI document', () => {
  it('still builds, without the Open311 routes', async () => {
    const res = await app.inject({ url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json().paths).some((p) => p.startsWith('/open311'))).toBe(false);
  });
});
