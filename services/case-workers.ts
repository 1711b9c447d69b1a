import type { Client } from '@temporalio/client';

/**
 * A worker's long poll lasts about a minute and each poll refreshes its "last access" on the task
 * queue; the server remembers pollers for minutes after they are gone. Seen within this window: alive.
 */
const pollerFreshMs = 100_000;
const cacheMs = 5_000;

/** Whether some worker polls the case task queue, asked of Temporal at most every few seconds. */
export class CaseWorkerPresence {
  private cached?: { at: number; polling: Promise<boolean> };

  constructor(
    private readonly temporal: Client,
    private readonly taskQueue: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when a worker polled lately; false when none did; rejects when Temporal does not answer. */
  polling(): Promise<boolean> {
    const now = this.now();
    if (!this.cached || now - this.cached.at > cacheMs) {
      const polling = this.ask();
      this.cached = { at: now, polling };
      // A failed question is asked again next time, not remembered.
      polling.catch(() => {
        if (this.cached?.polling === polling) this.cached = undefined;
      });
    }
    return this.cached.polling;
  }

  private async ask(): Promise<boolean> {
    const { pollers } = await this.temporal.workflowService.describeTaskQueue({
      namespace: this.temporal.options.namespace,
      // TASK_QUEUE_KIND_NORMAL and TASK_QUEUE_TYPE_WORKFLOW of temporal.api.enums.v1.
      taskQueue: { name: this.taskQueue, kind: 1 },
      taskQueueType: 1,
    });
    const now = this.now();
    return (pollers ?? []).some((p) => {
      const seconds = Number(p.lastAccessTime?.seconds ?? 0);
      return now - seconds * 1000 < pollerFreshMs;
    });
  }
}
