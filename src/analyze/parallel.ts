// Independent questions asked at once. DuckDB runs the queries of separate connections in parallel,
// while most of analysis's queries are too small for DuckDB to spread one over several threads:
// asking two at a time is what keeps both cores of a laptop busy.

import os from 'node:os';
import type { Bundle } from '../bundle/reader.ts';

/** How many queries analysis runs at once: one per core, at most four (beyond that they wait on
 * each other's memory more than they gain). */
export function analysisWidth(): number {
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

export interface ParallelOptions<T> {
  /** At most this many at once (analysisWidth() by default). */
  width?: number;
  /** Whether an item may start now (its inputs are there); by default every item may. An item that
   * is not ready waits for a running task to finish. */
  ready?: (item: T) => boolean;
}

/**
 * `task(connection, item)` for every item, at most `width` at a time, each on a connection of its
 * own to `bundle`, starting with the first ready item in the list's order. Results come back in the
 * items' order, whatever order they finish in; the first failure is thrown once the running tasks
 * have stopped.
 */
export async function onConnections<T, R>(
  bundle: Bundle,
  items: readonly T[],
  task: (connection: Bundle, item: T) => Promise<R>,
  options: ParallelOptions<T> = {},
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  const ready = options.ready ?? (() => true);
  const lanes = Math.max(1, Math.min(options.width ?? analysisWidth(), items.length));
  const forks = await Promise.all(Array.from({ length: lanes - 1 }, () => bundle.fork()));
  const connections = [bundle, ...forks];
  const todo = new Set(items.keys());
  let failure: { error: unknown } | null = null;
  // Resolved whenever a task finishes, for lanes waiting for an item to become ready.
  let finished: () => void = () => {};
  let aTaskFinished = new Promise<void>((resolve) => {
    finished = resolve;
  });
  let running = 0;
  try {
    await Promise.all(
      connections.map(async (connection) => {
        while (failure === null && todo.size > 0) {
          const index = [...todo].find((i) => ready(items[i]!));
          if (index === undefined) {
            if (running === 0) throw new Error('onConnections: no item can ever become ready');
            await aTaskFinished;
            continue;
          }
          todo.delete(index);
          running++;
          try {
            results[index] = await task(connection, items[index]!);
          } catch (error) {
            failure ??= { error };
          } finally {
            running--;
            finished();
            aTaskFinished = new Promise<void>((resolve) => {
              finished = resolve;
            });
          }
        }
      }),
    );
  } finally {
    for (const fork of forks) fork.close();
  }
  if (failure) throw (failure as { error: unknown }).error;
  return results;
}

/**
 * `work`, and `aside(connection)` at the same time on a connection of its own: questions that do not
 * depend on `work` fill the moments its own leave a core idle (a last query that runs alone), instead
 * of waiting for it and running alone themselves. Both results once both are done; when either
 * fails, the other is waited for (the connection closed) before the first failure is thrown.
 */
export async function alongside<A, W>(
  bundle: Bundle,
  aside: (connection: Bundle) => Promise<A>,
  work: () => Promise<W>,
): Promise<[A, W]> {
  const asking = (async () => {
    const connection = await bundle.fork();
    try {
      return await aside(connection);
    } finally {
      connection.close();
    }
  })();
  const [asked, done] = await Promise.allSettled([asking, work()]);
  if (done.status === 'rejected') throw done.reason;
  if (asked.status === 'rejected') throw asked.reason;
  return [asked.value, done.value];
}
