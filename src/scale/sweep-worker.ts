/**
 * One run of a sweep, as a worker thread runs it: load the scenario (once per worker and
 * request count), apply the task's change when it has one (a variant of `--vary`), replay it with
 * the task's seed and keep its sample (`run-sample.ts`), not its report or journal. The module has no side effects: the pool calls the default export in
 * its workers, and the same function runs in-thread where no worker is wanted.
 */
import { simulateScenario } from '../pipeline/replay.js';
import { withChange } from '../plan/apply-change.js';
import type { Change } from '../plan/change-file.js';
import { loadScenario } from '../scenario/load.js';
import type { Scenario } from '../scenario/scenario-model.js';
import { type RunSample, sampleReport } from './run-sample.js';

export interface SweepTask {
  /** The scenario file as the user typed it (the report's `scenario.file`). */
  readonly file: string;
  readonly seed: string;
  readonly requests?: number;
  /** The variant's change (checked by the sweep: CLB accepts every event of it); none: the scenario as is. */
  readonly change?: Change;
}

const loaded = new Map<string, Scenario>();

function scenarioOf(task: SweepTask): Scenario {
  const key = `${task.requests ?? ''}\u0000${task.file}`;
  let scenario = loaded.get(key);
  if (scenario === undefined) {
    const result = loadScenario(task.file, task.requests === undefined ? {} : { requests: task.requests });
    // The sweep checked the scenario before starting workers; a file changed since is a user mistake.
    if (!result.ok)
      throw new Error(
        `${task.file} no longer loads: ${result.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.code} ${d.message}`).join('; ')}`,
      );
    scenario = result.scenario;
    loaded.set(key, scenario);
  }
  return scenario;
}

/** Replay one seed of the scenario and return its sample. */
export async function runSweepTask(task: SweepTask): Promise<RunSample> {
  const scenario = scenarioOf(task);
  const report = await simulateScenario(
    task.change === undefined ? scenario : withChange(scenario, task.change),
    {
      label: task.file,
      seed: task.seed,
      requests: task.requests,
    },
  );
  return sampleReport(report);
}

export default runSweepTask;
