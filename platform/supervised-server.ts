import type { ChildProcess } from 'node:child_process';

export interface ServerHandle {
  process: ChildProcess;
  stop: () => Promise<void>;
}

/**
 * A server `npm start` owns (embedded PostgreSQL, the Temporal dev server): started again, on the
 * same port and data, when it dies unexpectedly, with back-off while it keeps failing. Its clients
 * (API, workers) reconnect by themselves and answer 503 meanwhile.
 */
export class SupervisedServer<H extends ServerHandle> {
  private current?: H;
  private stopping = false;
  private failures = 0;

  constructor(
    readonly name: string,
    private readonly launch: () => Promise<H>,
    private readonly say: (msg: string) => void,
    private readonly onStart: (handle: H) => void,
  ) {}

  /** The first start: a failure here is a failed start-up. */
  async start(): Promise<H> {
    const handle = await this.launch();
    this.watch(handle);
    return handle;
  }

  private watch(handle: H): void {
    this.current = handle;
    this.onStart(handle);
    const startedAt = Date.now();
    handle.process.once('exit', (code, signal) => {
      if (this.stopping || this.current !== handle) return;
      this.failures = Date.now() - startedAt > 60_000 ? 0 : this.failures + 1;
      this.say(`${this.name} exited (${signal ?? `code ${code}`}): starting it again`);
      void this.restart();
    });
  }

  private async restart(): Promise<void> {
    for (;;) {
      const delay = Math.min(30_000, 250 * 2 ** this.failures);
      await new Promise((r) => setTimeout(r, delay));
      if (this.stopping) return;
      try {
        this.watch(await this.launch());
        this.say(`${this.name} is back`);
        return;
      } catch (err) {
        this.failures += 1;
        this.say(`${this.name} did not start again (${err instanceof Error ? err.message : String(err)}); retrying`);
      }
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.current?.stop();
  }
}
