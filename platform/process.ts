import type { ChildProcess } from 'node:child_process';

/**
 * Child processes of `npm start` get an IPC channel; when the supervisor dies (even by SIGKILL)
 * the channel closes and the child stops itself instead of lingering as an orphan. The channel
 * itself must not keep a stopped process alive.
 */
export function stopWhenSupervisorGoes(stop: () => unknown): void {
  if (!process.send) return;
  process.channel?.unref();
  process.once('disconnect', () => void stop());
}

/**
 * Sends `signal` to a child and waits for it to exit; SIGKILL after `killAfterMs` if given.
 * Resolves to whether it had to be killed.
 */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals, killAfterMs?: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return false;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  let killed = false;
  const timer =
    killAfterMs === undefined
      ? undefined
      : setTimeout(() => {
          killed = true;
          child.kill('SIGKILL');
        }, killAfterMs);
  await exited;
  clearTimeout(timer);
  return killed;
}
