import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffClient, type StaffClient, startTestApi, type TestApi, testApiKey } from '../helpers/app.ts';

/**
 * Personal data planted in every field staff and apps can type, then every route anyone may call
 * without credentials is read: none may give any of it back. Potholes are published on Open311 (the
 * demo catalog), general information is not.
 */
let api: TestApi;
let app: FastifyInstance;
let operator: StaffClient;
let milanKey: string;
const caseIds: string[] = [];

const phone = '+393401112233';
const planted = [
  'PLANTED',
  '3401112233',
  '340 111 2233',
  'planted.citizen@example.org',
  'RSSMRA80A01F205X',
  'Mariella Piantata',
  'Padova 7',
  '45.49781',
  '9.22473',
];
const place = { address: 'Via Padova 7, interno 3, PLANTED-location', lat: 45.49781, long: 9.22473 };
const citizen = { name: 'Mariella Piantata', phone, email: 'planted.citizen@example.org', fiscalCode: 'RSSMRA80A01F205X' };

async function staffCase(serviceCode: string, details: Record<string, unknown>): Promise<string> {
  const res = await operator.inject({
    method: 'POST',
    url: '/api/cases',
    payload: {
      municipalityId: 'milano',
      serviceCode,
      channel: 'phone',
      subject: `PLANTED-subject richiamare ${phone}`,
      description: `PLANTED-description: richiamare il cittadino al ${phone}, planted.citizen@example.org`,
      citizen,
      details,
      location: place,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  const id = res.json().id as string;
  const note = await operator.inject({ method: 'POST', url: `/api/cases/${id}/notes`, payload: { text: `PLANTED-note ${phone}` } });
  expect(note.statusCode).toBe(200);
  return id;
}

beforeAll(async () => {
  api = await startTestApi();
  ({ app } = api);
  operator = await staffClient(app, api.t.db, { role: 'operator', municipalities: ['milano'] });
  ({ key: milanKey } = await testApiKey(api.t.db, 'operator', ['milano']));
  caseIds.push(await staffCase('pothole-report', { address: 'Via Padova 7 PLANTED-detail', danger: false }));
  caseIds.push(await staffCase('general-information', { topic: 'PLANTED-topic tributi' }));
  // And as an app reports it, with the reporter's own details and a photo link.
  const form = new URLSearchParams([
    ['api_key', milanKey],
    ['jurisdiction_id', 'milano'],
    ['service_code', 'pothole-report'],
    ['lat', String(place.lat)],
    ['long', String(place.long)],
    ['address_string', place.address],
    ['email', citizen.email],
    ['first_name', 'Mariella'],
    ['last_name', 'Piantata'],
    ['phone', '340 111 2233'],
    ['description', `PLANTED-app-description ${phone}`],
    ['attribute[address]', 'Via Padova 7 PLANTED-attribute'],
    ['attribute[danger]', 'true'],
  ]);
  const res = await app.inject({
    method: 'POST',
    url: '/open311/v2/requests.json',
    payload: form.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  expect(res.statusCode, res.body).toBe(200);
  caseIds.push(res.json()[0].service_request_id);
  const update = await app.inject({
    method: 'POST',
    url: '/open311/v2/servicerequestupdates.json',
    payload: new URLSearchParams([
      ['api_key', milanKey],
      ['jurisdiction_id', 'milano'],
      ['service_request_id', caseIds[2]!],
      ['description', `PLANTED-update, Mariella Piantata ${phone}`],
      ['email', citizen.email],
    ]).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  expect(update.statusCode, update.body).toBe(200);
  for (const id of caseIds.slice(0, 2))
    expect((await operator.inject({ method: 'POST', url: `/api/cases/${id}/transfer`, payload: {} })).statusCode).toBe(200);
});
afterAll(() => api?.stop());

/** Every route anyone may call without credentials, with the ids of the planted cases and of their services. */
function anonymousUrls(services: string[]): string[] {
  const urls = ['/health', '/ready', '/openapi.json', '/open311/discovery.json', '/open311/discovery.xml'];
  for (const format of ['json', 'xml']) {
    for (const j of ['milano', 'firenze']) {
      urls.push(`/open311/v2/services.${format}?jurisdiction_id=${j}`);
      urls.push(`/open311/v2/requests.${format}?jurisdiction_id=${j}`);
      urls.push(`/open311/v2/requests.${format}?jurisdiction_id=${j}&status=open,closed`);
      urls.push(`/open311/v2/servicerequestupdates.${format}?jurisdiction_id=${j}`);
    }
    for (const code of services) urls.push(`/open311/v2/services/${code}.${format}?jurisdiction_id=milano`);
    for (const id of caseIds) urls.push(`/open311/v2/requests/${id}.${format}?jurisdiction_id=milano`);
  }
  return urls;
}

describe('every route anyone may call', () => {
  it('gives back none of the personal data planted in every field that can be typed', async () => {
    const services = (await app.inject({ url: '/open311/v2/services.json?jurisdiction_id=milano' }))
      .json()
      .map((s: { service_code: string }) => s.service_code);
    const attachments = await api.t.db.selectFrom('attachments').select('id').execute();
    const urls = [...anonymousUrls(services), ...attachments.map((a) => `/open311/v2/media/${a.id}`)];
    let read = 0;
    for (const url of urls) {
      const res = await app.inject({ url });
      if (res.statusCode === 200) read += 1;
      for (const text of planted) expect(res.body, `${url} gives back "${text}"`).not.toContain(text);
    }
    // Not a vacuous pass: the published cases are listed, with their place roughly.
    expect(read).toBeGreaterThan(urls.length / 2);
    const listed = (await app.inject({ url: '/open311/v2/requests.json?jurisdiction_id=milano' })).json() as {
      service_request_id: string;
      address: string;
      lat: number;
    }[];
    expect(listed.map((r) => r.service_request_id)).toEqual(expect.arrayContaining([caseIds[0], caseIds[2]]));
    expect(listed.map((r) => r.service_request_id)).not.toContain(caseIds[1]);
    expect(listed.find((r) => r.service_request_id === caseIds[0])).toMatchObject({ address: 'Via Padova', lat: 45.498 });
  });

  it('shows the same cases as they are to an integration with a key of the municipality', async () => {
    const res = await app.inject({
      url: `/open311/v2/requests/${caseIds[1]}.json?jurisdiction_id=milano&api_key=${encodeURIComponent(milanKey)}`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()[0]).toMatchObject({ description: expect.stringContaining('PLANTED-description'), lat: place.lat });
  });
});
