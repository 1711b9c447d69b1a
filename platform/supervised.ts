import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from './paths.ts';
import { stopChild } from './process.ts';

const colors = [36, 35, 33, 32, 34, 31];
let nextColor = 0;

/** Returns a function that writes each line of a process's output prefixed with its name. */
export function linePrefixer(name: string, width = 13): (chunk: Buffer | string) => void {
  const color = colors[nextColor++ % colors.length];
  const tag = process.stdout.isTTY ? `\x1b[${color}m${name.padEnd(width)}\x1b[0m│ ` : `${name.padEnd(width)}| `;
  let partial = '';
  return (chunk) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) process.stdout.write(`${tag}${line}\n`);
  };
}

/**
 * A Node process of the platform (API, case worker, telephony worker) run by `npm start`:
 * restarted with back-off if it crashes, stopped with SIGTERM, in its own process group.
 */
export class SupervisedProcess {
  private child?: ChildProcess;
  private stopping = false;
  private restarts = 0;
  private readonly print: (chunk: Buffer | string) => void;

  constructor(
    readonly name: string,
    private readonly script: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly onStart: (pid: number) => void,
  ) {
    this.print = linePrefixer(name);
  }

  start(): void {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, this.script)], {
      cwd: projectRoot,
      env: { ...process.env, ...this.env, ...(process.stdout.isTTY ? { FORCE_COLOR: '1' } : {}) },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      detached: true,
    });
    this.child = child;
    child.stdout?.on('data', this.print);
    child.stderr?.on('data', this.print);
    if (child.pid) this.onStart(child.pid);
    const startedAt = Date.now();
    child.once('exit', (code, signal) => {
      if (this.stopping) return;
      // A process that ran for a while gets a fresh back-off; one that keeps crashing waits up to 30 s.
      this.restarts = Date.now() - startedAt > 60_000 ? 0 : this.restarts + 1;
      const delay = Math.min(30_000, 500 * 2 ** this.restarts);
      this.print(`exited (${signal ?? `code ${code}`}); restarting in ${delay / 1000}s\n`);
      setTimeout(() => {
        if (!this.stopping) this.start();
      }, delay).unref();
    });
  }

  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const started = Date.now();
    const killed = await stopChild(child, 'SIGTERM', graceMs);
    this.print(killed ? `did not stop within ${graceMs / 1000}s: killed\n` : `stopped (${((Date.now() - started) / 1000).toFixed(1)}s)\n`);
  }
}
