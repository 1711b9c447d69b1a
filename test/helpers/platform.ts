import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../platform/paths.ts';
import { freePort } from './ports.ts';

export interface PlatformPorts { api: number; postgres: number; temporal: number; temporalUi: number }

/** A platform started exactly as a user does (`npm start`'s script), on its own ports and data directory. */
export class PlatformRun {
  output = '';
  readonly exited: Promise<number | null>;
  private constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (c: Buffer) => { this.output += c.toString(); });
    child.stderr!.on('data', (c: Buffer) => { this.output += c.toString(); });
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static start(env: NodeJS.ProcessEnv): PlatformRun {
    return new PlatformRun(spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'scripts', 'start.ts')], {
      cwd: projectRoot, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    }));
  }

  /** Resolves when the supervisor prints its banner; rejects if it exits first. */
  async ready(timeoutMs = 180_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.output.includes('Sportello is running.')) {
      if (this.child.exitCode !== null) throw new Error(`platform exited with ${this.child.exitCode}:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`platform not ready after ${timeoutMs / 1000}s:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async stop(signal: NodeJS.Signals = 'SIGINT'): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}

export async function platformEnv(): Promise<{ env: NodeJS.ProcessEnv; ports: PlatformPorts; dataDir: string }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sportello-e2e-'));
  chmodSync(dataDir, 0o755); // the embedded PostgreSQL may run as another user (tests as root)
  const ports = { api: await freePort(), postgres: await freePort(), temporal: await freePort(), temporalUi: await freePort() };
  return {
    dataDir,
    ports,
    env: {
      DATA_DIR: dataDir, PORT: String(ports.api), EMBEDDED_POSTGRES_PORT: String(ports.postgres),
      TEMPORAL_DEV_PORT: String(ports.temporal), TEMPORAL_UI_PORT: String(ports.temporalUi),
      DATABASE_URL: '', TEMPORAL_ADDRESS: '',
    },
  };
}
