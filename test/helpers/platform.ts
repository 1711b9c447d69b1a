import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { tempDirForServer } from '../../platform/embedded-postgres.ts';
import { projectRoot } from '../../platform/paths.ts';
import { freePort, portTaken } from './ports.ts';

/** A platform run's embedded PostgreSQL as the application connects to it: its generated password is in the data directory. */
export function platformDatabaseUrl(dataDir: string, port: number): string {
  const { app } = JSON.parse(readFileSync(path.join(dataDir, 'postgres.credentials.json'), 'utf8')) as { app: string };
  return `postgres://sportello:${encodeURIComponent(app)}@127.0.0.1:${port}/sportello`;
}

/** One of the project's Node entry points run as its npm script runs it, its output collected. */
export class NodeScript {
  output = '';
  readonly exited: Promise<number | null>;
  readonly child: ChildProcess;

  constructor(script: string, env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, script)], {
      cwd: projectRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (c: Buffer) => {
      this.output += c.toString();
    };
    this.child.stdout!.on('data', collect);
    this.child.stderr!.on('data', collect);
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves once the output shows `text`; rejects if the process exits first, or its output matches `failOn`. */
  async waitFor(text: string, { timeoutMs = 180_000, failOn }: { timeoutMs?: number; failOn?: RegExp } = {}): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.output.includes(text)) {
      if (this.child.exitCode !== null) throw new Error(`exited with ${this.child.exitCode} before "${text}":\n${this.output}`);
      if (failOn?.test(this.output)) throw new Error(`${failOn} before "${text}":\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`no "${text}" after ${timeoutMs / 1000}s:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async stop(signal: NodeJS.Signals = 'SIGINT'): Promise<number | null> {
    if (this.running) this.child.kill(signal);
    return this.exited;
  }
}

export interface PlatformPorts {
  api: number;
  postgres: number;
  temporal: number;
  temporalUi: number;
}

/** `npm start` as a user runs it. */
export const startPlatform = (env: NodeJS.ProcessEnv) => new NodeScript('scripts/start.ts', { LOG_LEVEL: 'warn', ...env });
export const platformReady = (run: NodeScript) => run.waitFor('Sportello is running.');

export interface RunningPlatform {
  run: NodeScript;
  env: NodeJS.ProcessEnv;
  ports: PlatformPorts;
  dataDir: string;
}

/**
 * `npm start` on a data directory and ports of its own (with `extra` settings), once it is running.
 * A port someone took before the platform bound it means another start, on new ports.
 */
export async function startRunningPlatform(extra: NodeJS.ProcessEnv = {}, attempts = 3): Promise<RunningPlatform> {
  for (let attempt = 1; ; attempt++) {
    const setup = await platformEnv();
    const env = { ...setup.env, ...extra };
    const run = startPlatform(env);
    try {
      await run.waitFor('Sportello is running.', { failOn: portTaken });
      return { ...setup, env, run };
    } catch (err) {
      await run.stop();
      rmSync(setup.dataDir, { recursive: true, force: true });
      if (attempt >= attempts || !portTaken.test(run.output)) throw err;
    }
  }
}

/** A data directory and free ports of a platform run's own; external services unset, so embedded ones start. */
async function platformEnv(): Promise<{ env: NodeJS.ProcessEnv; ports: PlatformPorts; dataDir: string }> {
  const dataDir = tempDirForServer('sportello-e2e-');
  const [api, postgres, temporal, temporalUi] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const ports = { api, postgres, temporal, temporalUi };
  return {
    dataDir,
    ports,
    env: {
      DATA_DIR: dataDir,
      PORT: String(ports.api),
      EMBEDDED_POSTGRES_PORT: String(ports.postgres),
      TEMPORAL_DEV_PORT: String(ports.temporal),
      TEMPORAL_UI_PORT: String(ports.temporalUi),
      DATABASE_URL: '',
      TEMPORAL_ADDRESS: '',
      // The console's tests count the demo cases; the simulated history is platform.test.ts's to check.
      DEMO_HISTORY_MONTHS: '0',
      // E-mail goes to the run's own mail catcher, on a port the OS picks.
      SMTP_URL: '',
      MAIL_CATCHER_PORT: '0',
      // SMS to the run's own SMS catcher, likewise.
      SMS_GATEWAY_URL: '',
      SMS_CATCHER_PORT: '0',
    },
  };
}
