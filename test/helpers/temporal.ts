import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { NativeConnection, Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { createCaseActivities } from '../../activities/case-activities.ts';
import type { Db } from '../../db/connection.ts';
import { ensureSearchAttributes } from '../../platform/temporal-dev-server.ts';
import { createTelephonyActivities } from '../../activities/telephony-activities.ts';
import { type Dialer, noDialer } from '../../domain/dialer.ts';
import { payloadMasterKey } from '../../platform/payload-master-key.ts';
import { workflowIdKey } from '../../platform/citizen-link-secret.ts';
import { dataConverter } from '../../services/payload-codec.ts';

/** The run's workflow code, bundled once by the global setup: give it to every test worker and replay. */
export const workflowBundle = () => ({ codePath: inject('workflowBundlePath') });

let runtimeInstalled = false;

/** Worker logs at WARN: the suite's output should show test results, not worker state changes. */
export function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  Runtime.install({ logger: new DefaultLogger('WARN') });
  runtimeInstalled = true;
}

/**
 * A namespace of this test file's own on the run's dev server, with the project's search
 * attributes. Case ids restart at 1 in every test database, and a case id is a workflow id: files
 * sharing a namespace would join each other's cases.
 */
export async function createTestNamespace(): Promise<string> {
  const namespace = `test-${randomBytes(5).toString('hex')}`;
  const connection = await Connection.connect({ address: inject('temporalAddress') });
  try {
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
    await ensureSearchAttributes(connection, namespace);
  } finally {
    await connection.close();
  }
  return namespace;
}

export interface TestWorkers {
  client: Client;
  namespace: string;
  taskQueue: string;
  telephonyTaskQueue: string;
  /** The payload encryption of the workers and client, for replaying their histories. */
  dataConverter?: ReturnType<typeof dataConverter>;
  stop: () => Promise<void>;
}

/** A client of the run's dev server and no workers: for API tests that start no workflow. */
export async function connectWithoutWorkers(): Promise<TestWorkers> {
  const connection = await Connection.connect({ address: inject('temporalAddress') });
  return {
    client: new Client({ connection }),
    namespace: 'default',
    taskQueue: 'cases',
    telephonyTaskQueue: 'telephony',
    stop: () => connection.close(),
  };
}

/**
 * The real case and telephony workers of this test file, in a namespace of its own on the run's
 * Temporal dev server, against this file's database. No dialer unless given: every callback goes to the written fallback.
 */
/** The secret the test workers derive the citizens' page links under; the test API is given the same. */
export const testCitizenLinkSecret = 'test-citizen-link-secret-0123456789abcdef';
/** The key the callbacks' workflow ids are made under, by the test API (derived from that secret) and the tests' own ingestion. */
export const testWorkflowIdKey = workflowIdKey(Buffer.from(testCitizenLinkSecret));

/** The master key the test workers, their client and the test API encrypt payloads under: each test file its own. */
export const testPayloadMasterKeyText = randomBytes(32).toString('base64');
export const testPayloadMasterKey = payloadMasterKey({ PAYLOAD_MASTER_KEY: testPayloadMasterKeyText, DATA_DIR: '' });

export async function startTestWorkers(db: Db, { dialer = noDialer }: { dialer?: Dialer } = {}): Promise<TestWorkers> {
  installQuietRuntime();
  const address = inject('temporalAddress');
  const namespace = await createTestNamespace();
  const taskQueue = 'cases';
  const telephonyTaskQueue = 'telephony';
  const nativeConnection = await NativeConnection.connect({ address });
  const converter = dataConverter(db, testPayloadMasterKey);
  const citizenLinks = { secret: Buffer.from(testCitizenLinkSecret), publicUrl: 'http://127.0.0.1:3000' };
  const caseWorker = await Worker.create({
    connection: nativeConnection,
    namespace,
    taskQueue,
    workflowBundle: workflowBundle(),
    activities: createCaseActivities({ db, citizenLinks }),
    dataConverter: converter,
  });
  const telephonyWorker = await Worker.create({
    connection: nativeConnection,
    namespace,
    taskQueue: telephonyTaskQueue,
    dataConverter: converter,
    activities: createTelephonyActivities({
      db,
      dialer,
      citizenLinks,
    }),
  });
  const running = Promise.all([caseWorker.run(), telephonyWorker.run()]);
  const connection = await Connection.connect({ address });
  return {
    client: new Client({ connection, namespace, dataConverter: converter }),
    dataConverter: converter,
    namespace,
    taskQueue,
    telephonyTaskQueue,
    stop: async () => {
      caseWorker.shutdown();
      telephonyWorker.shutdown();
      await running;
      await connection.close();
      await nativeConnection.close();
    },
  };
}
