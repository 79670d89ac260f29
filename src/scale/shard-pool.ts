/**
 * `slbsim run --workers N`: the run cut into N shards (engine/shard-cut.ts), shard 0 replayed on
 * this thread and the others on the N − 1 worker threads of a piscina pool, and their states merged
 * here into the report the run gives on one thread — byte for byte, whatever N (docs/SCALE.md). In
 * a synthetic run the shards draw every arrival once, together, on one board (engine/draw-board.ts)
 * and each routes its own; with a trace every shard reads it and routes only its own units' requests.
 * This thread replays a shard rather than wait for N workers: one thread fewer to start, and it is
 * otherwise idle during the run.
 */
import { boardSeated, createDrawBoard } from '../engine/draw-board.js';
import { planCut } from '../engine/shard-cut.js';
import type { Report } from '../report/report-model.js';
import { reportFromStates } from '../report/report-projection.js';
import type { Scenario } from '../scenario/scenario-model.js';
import { takeShardPool } from './shard-pool-start.js';
import { runShardTask, type ShardTask } from './shard-worker.js';

export interface ShardedRunOptions {
  /** The scenario as loaded and checked, the run's overrides (seed, requests, URL matching) applied. */
  readonly scenario: Scenario;
  /** The scenario file as the user typed it (the report's `scenario.file`). */
  readonly label: string;
  readonly seed?: string;
  readonly requests?: number;
  readonly workers: number;
  /** Polled while the shards run; true stops them (Ctrl-C): the report is then partial. */
  readonly stopped?: () => boolean;
}

/**
 * Replay the scenario as `workers` shards on as many threads (this one and `workers` − 1 workers)
 * and merge them into its report. In a
 * synthetic run (phases and a mix, `fed`) the shards draw the arrivals together on a board this
 * thread allocates (engine/draw-board.ts); with a trace every shard reads it.
 */
export async function replayOnWorkers(
  opts: ShardedRunOptions & { readonly fed: boolean },
): Promise<{ report: Report; interrupted: boolean }> {
  const count = opts.workers;
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const board = opts.fed ? createDrawBoard(count, planCut(opts.scenario, count).loads()) : null;
  // Started by the command's entry already when it asked for these workers (scale/shard-pool-start.ts);
  // none for one shard, which runs on this thread alone.
  const pool = count > 1 ? await takeShardPool(count) : null;
  let interrupted = false;
  const poll = setInterval(() => {
    if (!interrupted && opts.stopped?.()) {
      interrupted = true;
      Atomics.store(stop, 0, 1);
    }
  }, 50);
  const common = {
    scenario: opts.scenario,
    ...(opts.seed === undefined ? {} : { seed: opts.seed }),
    ...(opts.requests === undefined ? {} : { requests: opts.requests }),
    stop,
  };
  try {
    const task = (index: number): ShardTask => ({
      ...common,
      label: opts.label,
      index,
      count,
      ...(board === null ? {} : { board }),
    });
    const workers = pool === null ? [] : Array.from({ length: count - 1 }, (_, k) => pool.run(task(k + 1)));
    // Shard 0 on this thread, once the workers sit at the board (draw-board.ts: boardSeated).
    const here = (async () => {
      if (board !== null) await boardSeated(board, count - 1, stop);
      return runShardTask(task(0), true);
    })();
    const shards = Promise.all([here, ...workers]);
    // A shard that fails stops the others, which would otherwise wait for its draws forever.
    shards.catch(() => Atomics.store(stop, 0, 1));
    const states = await shards;
    const report = reportFromStates(states);
    // A shard may reach the end of its feed before it sees the stop: the run is partial all the same.
    return { report: interrupted ? { ...report, partial: true } : report, interrupted };
  } finally {
    clearInterval(poll);
    await pool?.destroy();
  }
}
