import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** A process started by the supervisor, recorded so a later start can stop it if the supervisor was killed. */
export interface RecordedProcess {
  name: string;
  pid: number;
  match: string;
  signal: NodeJS.Signals;
}
interface LockContent {
  pid: number;
  startedAt: string;
  processes: RecordedProcess[];
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const commandLine = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
};

export class AlreadyRunningError extends Error {}

/**
 * One running platform per data directory. The lock file names the supervisor and the servers
 * it started; a lock left by a killed supervisor is taken over after its leftovers are stopped.
 */
export class RunLock {
  private content: LockContent;
  private constructor(private readonly file: string) {
    this.content = { pid: process.pid, startedAt: new Date().toISOString(), processes: [] };
  }

  static async acquire(dataDir: string, log: (msg: string) => void): Promise<RunLock> {
    mkdirSync(dataDir, { recursive: true });
    const lock = new RunLock(path.join(dataDir, 'sportello.lock'));
    for (;;) {
      try {
        closeSync(openSync(lock.file, 'wx'));
        lock.save();
        return lock;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      let previous: LockContent | undefined;
      try {
        previous = JSON.parse(readFileSync(lock.file, 'utf8')) as LockContent;
      } catch {
        /* half-written: stale */
      }
      if (previous && alive(previous.pid) && previous.pid !== process.pid) {
        throw new AlreadyRunningError(
          `Sportello is already running from ${dataDir} (supervisor pid ${previous.pid}, since ${previous.startedAt}).\n` +
            `Stop it first (Ctrl-C in its terminal, or \`kill ${previous.pid}\`), or give this one another DATA_DIR.`,
        );
      }
      log(`previous run ended without stopping (pid ${previous?.pid ?? '?'}): cleaning up`);
      await stopLeftovers(previous?.processes ?? [], log);
      rmSync(lock.file, { force: true });
    }
  }

  record(p: RecordedProcess): void {
    this.content.processes.push(p);
    this.save();
  }

  release(): void {
    rmSync(this.file, { force: true });
  }

  private save(): void {
    writeFileSync(this.file, JSON.stringify(this.content, null, 2));
  }
}

async function stopLeftovers(processes: RecordedProcess[], log: (msg: string) => void): Promise<void> {
  for (const p of processes) {
    // A recycled pid belongs to someone else: only a process whose command line still matches is ours.
    if (!alive(p.pid) || !commandLine(p.pid).includes(p.match)) continue;
    log(`stopping leftover ${p.name} (pid ${p.pid})`);
    process.kill(p.pid, p.signal);
    const deadline = Date.now() + 30_000;
    while (alive(p.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    if (alive(p.pid)) process.kill(p.pid, 'SIGKILL');
  }
}
