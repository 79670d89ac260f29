/**
 * One shard of a run, as a worker thread of `slbsim run --workers N` replays it: the loaded
 * scenario comes with the task (plain data: structured-cloned, not parsed again, so a worker loads
 * neither the YAML parser nor the schema), replay shard `index` of `count` and return its report
 * state — counts, epochs, pick streams, histograms — for the main thread to merge. The module has
 * no side effects: the pool calls the default export in its workers, and the same function runs
 * in-thread.
 */
import { BoardReader, type DrawBoard } from '../engine/draw-board.js';
import { replayScenario } from '../pipeline/replay.js';
import type { ReportState } from '../report/report-state.js';
import type { Scenario } from '../scenario/scenario-model.js';

export interface ShardTask {
  /** The scenario as loaded and checked, the run's overrides applied. */
  readonly scenario: Scenario;
  /** The scenario file as the user typed it (the report's `scenario.file`). */
  readonly label: string;
  readonly seed?: string;
  readonly requests?: number;
  readonly index: number;
  readonly count: number;
  /** Set to 1 by the main thread to stop every shard (Ctrl-C): each returns a partial state. */
  readonly stop?: Int32Array;
  /** The run's arrivals are drawn once, on this board, by the shards together (engine/draw-board.ts). */
  readonly board?: DrawBoard;
}

/**
 * Replay one shard of the scenario and return its report state. `inThread`: the shard runs on the
 * thread that runs the pool, and yields to its event loop between slices (for the pool's messages
 * and the poll of Ctrl-C). A shard that fails sets the stop flag itself: the others may be waiting
 * for its draws on the board, the pool's thread among them.
 */
export async function runShardTask(task: ShardTask, inThread = false): Promise<ReportState> {
  const stop = task.stop;
  const stopped = stop === undefined ? undefined : () => Atomics.load(stop, 0) === 1;
  try {
    const feed =
      task.board === undefined
        ? undefined
        : new BoardReader(task.board, task.index, task.scenario, {
            seed: task.seed ?? task.scenario.seed,
            requests: task.requests,
            stop,
          });
    const { state } = await replayScenario(task.scenario, {
      label: task.label,
      seed: task.seed,
      requests: task.requests,
      shard: { index: task.index, count: task.count },
      ...(feed === undefined ? {} : { feed }),
      onSlice:
        stopped === undefined || !inThread
          ? stopped
          : () => new Promise<boolean>((resolve) => setImmediate(() => resolve(stopped()))),
    });
    return state;
  } catch (err) {
    if (stop !== undefined) Atomics.store(stop, 0, 1);
    throw err;
  }
}

/** The pool's entry: a shard to replay. */
export default function run(task: ShardTask): Promise<ReportState> {
  return runShardTask(task);
}
