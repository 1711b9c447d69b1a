import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { expect } from 'vitest';
import { buildApp } from '../../api/app.ts';
import { createApiKey } from '../../api/auth/credentials.repository.ts';
import { hashPassword } from '../../api/auth/passwords.ts';
import type { StaffRole } from '../../domain/case.ts';
import { loadConfig } from '../../platform/config.ts';
import type { Db } from '../../platform/db.ts';
import type { TestWorkers } from './temporal.ts';

/** The API as `npm run api` builds it, on a test database and the test workers' task queues. */
export function buildTestApp(db: Db, w: TestWorkers, env: Record<string, string> = {}): Promise<FastifyInstance> {
  const config = loadConfig({
    NODE_ENV: 'test', CASE_TASK_QUEUE: w.taskQueue, TELEPHONY_TASK_QUEUE: w.telephonyTaskQueue, BODY_LIMIT_BYTES: String(64 * 1024),
    RATE_LIMIT_PER_MINUTE: '100000', ...env,
  });
  // A 500 shows its cause in the test output.
  return buildApp({ config, db, temporal: w.client, logger: pino({ level: 'error' }) });
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
export async function staffClient(app: FastifyInstance, db: Db, who: { role: StaffRole; municipalities: string[]; officeId?: string | null }): Promise<StaffClient> {
  const id = `test.${who.role}.${process.pid}.${++created}`;
  const email = `${id}@test.example`;
  await db.insertInto('staff_users').values({
    id, display_name: id, email, role: who.role, office_id: who.officeId ?? null, password_hash: await hashPassword(password),
  }).execute();
  await db.insertInto('staff_user_municipalities').values(who.municipalities.map((m) => ({ user_id: id, municipality_id: m }))).execute();
  const login = await app.inject({ method: 'POST', url: '/api/session', payload: { email, password } });
  if (login.statusCode !== 200) throw new Error(`test login failed: ${login.body}`);
  const cookie = login.cookies.find((c) => c.name === 'sportello_session')!;
  const headers = { cookie: `${cookie.name}=${cookie.value}`, 'x-csrf-token': login.json().csrfToken as string };
  return { id, inject: (opts) => app.inject({ ...opts, headers: { ...headers, ...opts.headers } }) };
}

/** An integration's API key, made directly (the admin route that makes them is tested on its own). */
export async function testApiKey(db: Db, role: StaffRole, municipalities: string[]): Promise<{ id: string; key: string }> {
  return createApiKey(db, { name: `test ${role}`, role, municipalities, expiresAt: null, createdBy: 'test' }, async () => {});
}

/** An RFC 9457 problem answer with this status; returns its body for the detail and field paths. */
export function expectProblem(res: LightMyRequestResponse, status: number): { detail?: string; errors?: { path: string; message: string }[] } {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.json();
  expect(body).toMatchObject({ status, type: expect.stringMatching(/^urn:sportello:problem:/), title: expect.any(String) });
  return body;
}
