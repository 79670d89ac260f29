/**
 * The pool of shard workers `run --workers N` replays on, and its early start: a worker thread
 * takes ~0.1–0.2 s to boot and import the shard worker, the main thread about as long to load
 * the command and the scenario, so for an explicit `--workers N` the command's entry starts the
 * pool first (`prestartShardPool`, from argv, before the rest of the command is even loaded) and
 * the run takes it (`takeShardPool`). A pool nobody took (a bad option, a bad scenario) is
 * destroyed when the command ends (`releasePrestartedPool`).
 */
import type { Piscina } from 'piscina';
import type { ReportState } from '../report/report-state.js';
import { workerFile } from '../util/worker-file.js';
import type { ShardTask } from './shard-worker.js';
import { startWorkerPool } from './worker-pool.js';

export type ShardPool = Piscina<ShardTask, ReportState>;

/** Above this, `--workers` does not start threads before it is validated (the run still may). */
const PRESTART_MAX = 64;

let prestarted: { readonly count: number; readonly pool: ShardPool } | null = null;

/** The worker module (util/worker-file.ts: beside this file when built, else in dist/scale/). */
export function shardWorkerFile(): string {
  return workerFile(import.meta.url, 'shard-worker.js');
}

/** The pool of a run of `count` shards, started now: `count` − 1 workers (shard 0 runs on the pool's thread). */
export function startShardPool(count: number): ShardPool {
  return startWorkerPool<ShardTask, ReportState>(shardWorkerFile(), count - 1);
}

/** The explicit worker count of `slbsim run … --workers N` in `argv` (process.argv), or null. */
export function explicitRunWorkers(argv: readonly string[]): number | null {
  if (argv[2] !== 'run') return null;
  let value: string | undefined;
  for (let i = 3; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') break;
    if (a === '--workers') value = argv[i + 1];
    else if (a.startsWith('--workers=')) value = a.slice('--workers='.length);
  }
  if (value === undefined || !/^[0-9]+$/.test(value)) return null;
  return Number(value);
}

/**
 * Start the pool `argv` asks for (`run … --workers N`, 2 ≤ N ≤ 64), if it asks for one and none
 * is started yet; returns the pool started, or null.
 */
export function prestartShardPool(argv: readonly string[]): ShardPool | null {
  const count = explicitRunWorkers(argv);
  if (count === null || count < 2 || count > PRESTART_MAX || prestarted !== null) return null;
  try {
    prestarted = { count, pool: startShardPool(count) };
    return prestarted.pool;
  } catch {
    // Not built, or no threads: the run starts its own pool and reports what is wrong.
    return null;
  }
}

/** The prestarted pool when it is for `count` shards, else a new one (a prestarted pool of another size is destroyed first). */
export async function takeShardPool(count: number): Promise<ShardPool> {
  const early = prestarted;
  prestarted = null;
  if (early !== null && early.count === count) return early.pool;
  if (early !== null) await early.pool.destroy();
  return startShardPool(count);
}

/** Destroy a prestarted pool the command did not use. */
export async function releasePrestartedPool(): Promise<void> {
  const early = prestarted;
  prestarted = null;
  if (early !== null) await early.pool.destroy();
}
