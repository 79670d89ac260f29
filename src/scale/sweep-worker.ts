/**
 * One run of a sweep, as a worker thread runs it: the loaded scenario comes with the task (plain
 * data, structured-cloned: a worker loads neither the YAML parser nor the schema, ~0.1 s of its
 * start), apply the task's change when it has one (a variant of `--vary`), replay it with the
 * task's seed and keep its sample (`run-sample.ts`), not its report or journal. The module has no
 * side effects: the pool calls the default export in its workers, and the same function runs
 * in-thread where no worker is wanted.
 */
import { simulateScenario } from '../pipeline/replay.js';
import { withChange } from '../plan/apply-change.js';
import type { Change } from '../plan/change-file.js';
import type { Scenario } from '../scenario/scenario-model.js';
import { type RunSample, sampleReport } from './run-sample.js';

export interface SweepTask {
  /** The scenario as loaded and checked, `--requests` applied. */
  readonly scenario: Scenario;
  /** The scenario file as the user typed it (the report's `scenario.file`). */
  readonly file: string;
  readonly seed: string;
  readonly requests?: number;
  /** The variant's change (checked by the sweep: CLB accepts every event of it); none: the scenario as is. */
  readonly change?: Change;
}

/** Replay one seed of the scenario and return its sample. */
export async function runSweepTask(task: SweepTask): Promise<RunSample> {
  const report = await simulateScenario(
    task.change === undefined ? task.scenario : withChange(task.scenario, task.change),
    {
      label: task.file,
      seed: task.seed,
      requests: task.requests,
    },
  );
  return sampleReport(report);
}

export default runSweepTask;
