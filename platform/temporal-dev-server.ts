import { type ChildProcess, spawn } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { searchAttributeRegistrations } from '../domain/search-attributes.ts';
import { stopChild } from './process.ts';

export interface DevServerHandle {
  address: string;
  /** Null when the web UI is off. */
  uiUrl: string | null;
  process: ChildProcess;
  stop: () => Promise<void>;
}

/**
 * The Temporal CLI's dev server on 127.0.0.1. With `dbFile` it persists to SQLite (WAL), without
 * it keeps everything in memory (tests). Resolves once the frontend answers and the project's
 * search attributes exist.
 */
export async function startTemporalDevServer(opts: {
  cli: string;
  port: number;
  /** The web UI's port; null: no UI (it shows every workflow's inputs to whoever reaches it). */
  uiPort: number | null;
  namespace: string;
  dbFile?: string;
  log: (line: string) => void;
}): Promise<DevServerHandle> {
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(opts.port),
    ...(opts.uiPort === null ? ['--headless'] : ['--ui-ip', '127.0.0.1', '--ui-port', String(opts.uiPort)]),
    '--namespace',
    opts.namespace,
    '--log-level',
    'warn',
    ...(opts.dbFile ? ['--db-filename', opts.dbFile, '--sqlite-pragma', 'journal_mode=WAL'] : []),
    ...searchAttributeRegistrations.flatMap((a) => ['--search-attribute', `${a.name}=${a.type}`]),
  ];
  const child = spawn(opts.cli, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stopping = false; // its complaints while shutting down are noise
  const forward = (chunk: Buffer) => {
    if (!stopping) for (const l of chunk.toString().split('\n')) if (l.trim()) opts.log(l.trim());
  };
  child.stdout.on('data', forward);
  child.stderr.on('data', forward);
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) =>
      reject(
        new Error(
          `temporal dev server exited during start-up (code ${code}, signal ${signal}); is port ${opts.port}${opts.uiPort === null ? '' : ` or ${opts.uiPort}`} taken?`,
        ),
      ),
    ),
  );
  exited.catch(() => {});
  const address = `127.0.0.1:${opts.port}`;
  const stop = async () => {
    stopping = true;
    await stopChild(child, 'SIGTERM', 15_000);
  };
  try {
    await Promise.race([exited, waitForFrontend(address, 120_000)]);
    await ensureSearchAttributesAt(address, opts.namespace);
  } catch (err) {
    await stop();
    throw err;
  }
  return { address, uiUrl: opts.uiPort === null ? null : `http://127.0.0.1:${opts.uiPort}`, process: child, stop };
}

async function waitForFrontend(address: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: '2s' });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`Temporal at ${address} did not answer within ${timeoutMs / 1000}s: ${String(err)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/**
 * Registers missing custom search attributes. The dev server's flag does so only when it creates
 * its database; this also covers an existing SQLite file, a self-hosted cluster and the test server.
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = searchAttributeRegistrations.filter((a) => !customAttributes?.[a.name]);
  if (missing.length > 0) await addSearchAttributes(connection, namespace, missing);
}

/** Adds search attributes without listing first (the time-skipping test server cannot list). */
export async function addSearchAttributes(
  connection: Connection,
  namespace: string,
  attributes = searchAttributeRegistrations,
): Promise<void> {
  await connection.operatorService.addSearchAttributes({
    namespace,
    // 2 = INDEXED_VALUE_TYPE_KEYWORD in Temporal's API enum.
    searchAttributes: Object.fromEntries(attributes.map((a) => [a.name, 2])),
  });
}

/** Same, given an address (a dev server or a self-hosted cluster without TLS). */
export async function ensureSearchAttributesAt(address: string, namespace: string): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    await ensureSearchAttributes(connection, namespace);
  } finally {
    await connection.close();
  }
}
