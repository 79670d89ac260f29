/**
 * A fixed pool of worker threads (piscina), as the shards of `run --workers N` and the runs of a
 * sweep use it, and the thread count both default to.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import type { Piscina } from 'piscina';

/** Worker threads when the command line names none: the cores. */
export function defaultThreads(): number {
  return availableParallelism();
}

/**
 * `threads` workers of `filename`, started now. piscina is required here, not imported at
 * start-up: its module tree costs every other command ~40 ms; and synchronously, so that the early
 * start of `run --workers N` (shard-pool-start.ts) is not put off until the command has loaded.
 */
export function startWorkerPool<Task, Result>(filename: string, threads: number): Piscina<Task, Result> {
  const { Piscina } = createRequire(import.meta.url)('piscina') as typeof import('piscina');
  return new Piscina<Task, Result>({ filename, minThreads: threads, maxThreads: threads });
}
