/**
 * One shard of a run, as a worker thread of `slbsim run --workers N` replays it: load the
 * scenario again (a Scenario does not cross threads), replay shard `index` of `count` and return
 * its report state — counts, epochs, pick streams, histograms — for the main thread to merge. The
 * module has no side effects: the pool calls the default export in its workers, and the same
 * function runs in-thread.
 */
import { drawArrivals } from '../engine/arrival-draw.js';
import type { FeedRing } from '../engine/arrival-feed.js';
import { replayScenario } from '../pipeline/replay.js';
import type { ReportState } from '../report/report-state.js';
import { loadScenario } from '../scenario/load.js';
import type { Scenario } from '../scenario/scenario-model.js';

export interface ShardTask {
  /** The scenario file as the user typed it (the report's `scenario.file`). */
  readonly file: string;
  readonly seed?: string;
  readonly requests?: number;
  readonly urlMatching?: Scenario['simulation']['urlMatching'];
  readonly index: number;
  readonly count: number;
  /** Set to 1 by the main thread to stop every shard (Ctrl-C): each returns a partial state. */
  readonly stop?: Int32Array;
  /** This shard's arrivals come from this ring (filled by a `DrawTask`), not from its own draws. */
  readonly feed?: FeedRing;
}

/** Draw every arrival of the run into the shards' rings (one thread, beside the shards). */
export interface DrawTask {
  readonly kind: 'draw';
  readonly file: string;
  readonly seed?: string;
  readonly requests?: number;
  readonly urlMatching?: Scenario['simulation']['urlMatching'];
  readonly rings: readonly FeedRing[];
  readonly stop?: Int32Array;
}

function scenarioOf(task: Omit<ShardTask, 'index' | 'count'>): Scenario {
  const overrides = {
    ...(task.seed === undefined ? {} : { seed: task.seed }),
    ...(task.requests === undefined ? {} : { requests: task.requests }),
  };
  const result = loadScenario(task.file, overrides);
  // The main thread checked the scenario before starting workers; a file changed since is a user mistake.
  if (!result.ok)
    throw new Error(
      `${task.file} no longer loads: ${result.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.code} ${d.message}`).join('; ')}`,
    );
  const s = result.scenario;
  return task.urlMatching === undefined
    ? s
    : { ...s, simulation: { ...s.simulation, urlMatching: task.urlMatching } };
}

/** Replay one shard of the scenario and return its report state. */
export async function runShardTask(task: ShardTask): Promise<ReportState> {
  const stop = task.stop;
  const { state } = await replayScenario(scenarioOf(task), {
    label: task.file,
    seed: task.seed,
    requests: task.requests,
    shard: { index: task.index, count: task.count },
    ...(task.feed === undefined ? {} : { feed: task.feed }),
    onSlice: stop === undefined ? undefined : () => Atomics.load(stop, 0) === 1,
  });
  return state;
}

/** Draw the run's arrivals into the rings; returns how many. */
export function runDrawTask(task: DrawTask): number {
  return drawArrivals(scenarioOf(task), {
    ...(task.seed === undefined ? {} : { seed: task.seed }),
    ...(task.requests === undefined ? {} : { requests: task.requests }),
    rings: task.rings,
    ...(task.stop === undefined ? {} : { stop: task.stop }),
  });
}

/** The pool's entry: a shard to replay, or the arrivals to draw. */
export default function run(task: ShardTask | DrawTask): Promise<ReportState> | number {
  return 'kind' in task ? runDrawTask(task) : runShardTask(task);
}
