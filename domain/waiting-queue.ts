import type { QueuePriority } from './line.ts';

/**
 * Where a caller joins a queue: profiled (high priority) callers behind the profiled ones already
 * waiting and ahead of everyone else, the others at the end. Inserts and returns the 1-based position.
 */
export function joinQueue<T>(waiting: T[], caller: T, priority: QueuePriority, priorityOf: (c: T) => QueuePriority): number {
  const index = priority === 'high' ? waiting.filter((c) => priorityOf(c) === 'high').length : waiting.length;
  waiting.splice(index, 0, caller);
  return index + 1;
}
