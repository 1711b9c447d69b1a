import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app.ts';
import { loadConfig } from '../../platform/config.ts';
import { seedDemoReferenceData } from '../../scripts/seed.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { connectWithoutWorkers, testCitizenLinkSecret, type TestWorkers } from '../helpers/temporal.ts';
import type { FastifyInstance } from 'fastify';

/** The citizen's page's limits and logs, without a case: rate limits per address and per link, and no token in a log line. */
let t: TestDatabase;
let w: TestWorkers;
let app: FastifyInstance;
const lines: string[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemoReferenceData(t.db);
  w = await connectWithoutWorkers();
  const config = loadConfig({
    NODE_ENV: 'test',
    CITIZEN_LINK_SECRET: testCitizenLinkSecret,
    CITIZEN_PAGE_REQUESTS_PER_MINUTE: '3',
    RATE_LIMIT_PER_MINUTE: '100000',
  });
  const capture = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  app = await buildApp({ config, db: t.db, temporal: w.client, logger: pino({ level: 'info' }, capture) });
});
afterAll(async () => {
  await app?.close();
  await w?.stop();
  await t?.drop();
});

const get = (token: string, ip: string) => app.inject({ url: `/c/${token}`, remoteAddress: ip });

describe("the citizen's page limits", () => {
  it('limits requests per address, and per link from any address', async () => {
    const token = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
    for (let i = 0; i < 3; i++) expect((await get(`${token}${i}`, '10.0.0.1')).statusCode).toBe(404);
    const limited = await get(`${token}x`, '10.0.0.1');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^text\/html/);
    // One link from three other addresses: the fourth request is over the link's limit.
    const other = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
    for (const ip of ['10.0.0.2', '10.0.0.3', '10.0.0.4']) expect((await get(other, ip)).statusCode).toBe(404);
    expect((await get(other, '10.0.0.5')).statusCode).toBe(429);
  });

  it('logs requests with the token taken out', () => {
    const logs = lines.join('');
    expect(logs).toContain('/c/[token]');
    expect(logs).not.toContain('aaaaaaaaaaaaaaaaaaaa');
    expect(logs).not.toContain('bbbbbbbbbbbbbbbbbbbb');
  });
});
