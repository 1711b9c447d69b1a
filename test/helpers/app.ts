import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { expect } from 'vitest';
import { buildApp } from '../../api/app.ts';
import { insertApiKey, newApiKeyId } from '../../db/credentials.repository.ts';
import { hashPassword } from '../../services/passwords.ts';
import type { StaffRole } from '../../domain/case.ts';
import { loadConfig } from '../../platform/config.ts';
import type { Db } from '../../db/connection.ts';
import { seedDemoReferenceData } from '../../scripts/seed.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';
import { connectWithoutWorkers, startTestWorkers, testCitizenLinkSecret, testPayloadMasterKeyText, type TestWorkers } from './temporal.ts';

/** The API as `npm run api` builds it, on a test database and the test workers' task queues. */
export function buildTestApp(db: Db, w: TestWorkers, env: Record<string, string> = {}): Promise<FastifyInstance> {
  const config = loadConfig({
    NODE_ENV: 'test',
    CASE_TASK_QUEUE: w.taskQueue,
    TELEPHONY_TASK_QUEUE: w.telephonyTaskQueue,
    BODY_LIMIT_BYTES: String(64 * 1024),
    RATE_LIMIT_PER_MINUTE: '100000',
    CITIZEN_LINK_SECRET: testCitizenLinkSecret,
    PAYLOAD_MASTER_KEY: testPayloadMasterKeyText,
    // The audit signing key and anchor are this app's own, beside no other test's.
    DATA_DIR: env.DATA_DIR ?? mkdtempSync(path.join(tmpdir(), 'sportello-test-')),
    ...env,
  });
  // A 500 shows its cause in the test output.
  return buildApp({ config, db, temporal: w.client, logger: pino({ level: 'error' }) });
}

export interface TestApi {
  t: TestDatabase;
  w: TestWorkers;
  app: FastifyInstance;
  /** The app's DATA_DIR: its audit signing key and anchor (`auditKeys({ DATA_DIR: dataDir })`). */
  dataDir: string;
  stop: () => Promise<void>;
}

/**
 * This test file's own database with the demo data, its Temporal workers (or only a client, for
 * files that start no workflow) and the API on them.
 */
export async function startTestApi({
  env = {},
  workers = true,
}: { env?: Record<string, string>; workers?: boolean } = {}): Promise<TestApi> {
  const t = await createTestDatabase();
  await seedDemoReferenceData(t.db);
  const w = workers ? await startTestWorkers(t.db) : await connectWithoutWorkers();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sportello-test-'));
  const app = await buildTestApp(t.db, w, { DATA_DIR: dataDir, ...env });
  return {
    t,
    w,
    app,
    dataDir,
    stop: async () => {
      await app.close();
      await w.stop();
      await t.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A refused request: problem+json with its status, and (when given) exactly these failing field paths. */
export function expectProblem(
  res: { statusCode: number; headers: Record<string, unknown>; json: () => any },
  status: number,
  paths?: string[],
) {
  expect(res.statusCode, res.statusCode === status ? undefined : JSON.stringify(res.json())).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.json();
  expect(body).toMatchObject({ status, type: expect.stringMatching(/^urn:sportello:problem:/), title: expect.any(String) });
  if (paths) expect(body.errors.map((e: { path: string }) => e.path).sort()).toEqual(paths);
  return body;
}

export interface StaffClient {
  id: string;
  inject: (opts: InjectOptions) => Promise<LightMyRequestResponse>;
}

const password = 'correct horse battery staple';
let created = 0;

/**
 * A staff member made for the test, logged in through `POST /api/session` like the console: its
 * requests carry the session cookie and the CSRF token.
 */
export async function staffClient(
  app: FastifyInstance,
  db: Db,
  who: { role: StaffRole; municipalities: string[]; officeId?: string | null },
): Promise<StaffClient> {
  const id = `test.${who.role}.${process.pid}.${++created}`;
  const email = `${id}@test.example`;
  await db
    .insertInto('staff_users')
    .values({
      id,
      display_name: id,
      email,
      role: who.role,
      office_id: who.officeId ?? null,
      password_hash: await hashPassword(password),
    })
    .execute();
  await db
    .insertInto('staff_user_municipalities')
    .values(who.municipalities.map((m) => ({ user_id: id, municipality_id: m })))
    .execute();
  const login = await app.inject({ method: 'POST', url: '/api/session', payload: { email, password } });
  if (login.statusCode !== 200) throw new Error(`test login failed: ${login.body}`);
  const cookie = login.cookies.find((c) => c.name === 'sportello_session')!;
  const headers = { cookie: `${cookie.name}=${cookie.value}`, 'x-csrf-token': login.json().csrfToken as string };
  return { id, inject: (opts) => app.inject({ ...opts, headers: { ...headers, ...opts.headers } }) };
}

/** An integration's API key, made directly (the admin route that makes them is tested on its own). */
export async function testApiKey(db: Db, role: StaffRole, municipalities: string[]): Promise<{ id: string; key: string }> {
  const id = newApiKeyId();
  return { id, key: await insertApiKey(db, id, { name: `test ${role}`, role, municipalities, expiresAt: null, createdBy: 'test' }) };
}
