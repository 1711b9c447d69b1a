import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoReferenceData } from '../../scripts/seed.ts';
import { buildTestApp, type StaffClient, staffClient } from '../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { startTestWorkers, type TestWorkers } from '../helpers/temporal.ts';

let t: TestDatabase;
let w: TestWorkers;
let app: FastifyInstance;
let milan: StaffClient;
beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemoReferenceData(t.db);
  w = await startTestWorkers(t.db);
  app = await buildTestApp(t.db, w);
  milan = await staffClient(app, t.db, { role: 'operator', municipalities: ['milano'] });
});
afterAll(async () => {
  await app?.close();
  await w?.stop();
  await t?.drop();
});

describe('GET /api/services/:id/intake', () => {
  it("gives an operator the published definition's intake fields and first-level rules", async () => {
    const res = await milan.inject({ url: '/api/services/milano:tari-refund/intake' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      serviceId: 'milano:tari-refund',
      definitionVersion: 1,
      operatorMayClose: false,
      knowledgeArticles: ['tari-rimborsi', 'tari-scadenze'],
    });
    expect(body.fields.map((f: { key: string }) => f.key)).toEqual(['taxYear', 'taxpayerFiscalCode', 'paymentNotice', 'iban']);
    expect(body.fields[0]).toEqual({ key: 'taxYear', label: 'Anno d’imposta', type: 'number', required: true });
    expect((await milan.inject({ url: '/api/services/milano:general-information/intake' })).json().operatorMayClose).toBe(true);
  });

  it('answers 404 for a service of another municipality or none, 400 for a malformed id', async () => {
    for (const id of ['firenze:nursery-enrolment', 'milano:nursery-enrolment', 'milano:nothing']) {
      const res = await milan.inject({ url: `/api/services/${id}/intake` });
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect((await milan.inject({ url: '/api/services/tari-refund/intake' })).statusCode).toBe(400);
  });
});
