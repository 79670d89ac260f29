/**
 * `planChange`: what a change will do to a scenario's traffic, before anyone touches production
 * (CLB's API has no DryRun). The scenario is replayed twice with one seed — as it is, and with the
 * change's events applied at their times — in lock-step, and the two journals are compared
 * request by request (`TrafficDiff`); the after-run is also reported like `slbsim run` reports, so
 * the scenario's expectations are checked on it.
 *
 * A change that CLB would refuse in any of its calls is not applied at all: the result lists
 * every rejection with its CLB code at its position, and nothing is run.
 */
import { Simulation } from '../engine/simulation.js';
import { createReportProjections } from '../report/report-projection.js';
import { stateAt } from '../scenario/fold-at.js';
import type { Diagnostic, Scenario } from '../scenario/scenario-model.js';
import { changeRejections, changeSpan, withChange } from './apply-change.js';
import type { Change } from './change-file.js';
import { attach, runLockstep } from './lockstep.js';
import { buildPlan } from './plan-build.js';
import { AFTER, BEFORE, PlanKeys } from './plan-keys.js';
import type { PlanReport } from './plan-model.js';
import { RunTap } from './run-tap.js';
import { TrafficDiff } from './traffic-diff.js';

export interface PlanOptions {
  /** Overrides the scenario's seed (both runs use the same). */
  readonly seed?: string;
  /** Overrides the scenario's request count. */
  readonly requests?: number;
  /** The scenario's name in the plan (its path as the user typed it). */
  readonly label?: string;
  /** Fail (`passed: false`) when more than this fraction of the compared requests move. */
  readonly maxMoved?: number;
}

export type PlanResult =
  | { readonly ok: true; readonly plan: PlanReport }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/** Plan a change on a loaded, checked scenario (see `loadScenario`, `checkScenario`, `loadChange`). */
export function planChange(scenario: Scenario, change: Change, opts: PlanOptions = {}): PlanResult {
  const rejected = changeRejections(scenario, change);
  if (rejected.length > 0) return { ok: false, diagnostics: rejected };
  const changed = withChange(scenario, change);
  const { fromUs, settledUs } = changeSpan(change);
  const run = { seed: opts.seed, requests: opts.requests, scenarioLabel: opts.label };
  const before = new Simulation(scenario, run);
  const after = new Simulation(changed, run);
  const keys = new PlanKeys();
  const taps = [new RunTap(keys, BEFORE, settledUs), new RunTap(keys, AFTER, settledUs)] as const;
  const projections = [createReportProjections(), createReportProjections()] as const;
  attach(before, [taps[BEFORE], projections[BEFORE].sink]);
  attach(after, [taps[AFTER], projections[AFTER].sink]);
  const diff = new TrafficDiff(fromUs);
  runLockstep(before, after, taps[BEFORE], taps[AFTER], diff);
  const plan = buildPlan({
    keys,
    diff,
    taps,
    reports: [projections[BEFORE].build(), projections[AFTER].build()],
    states: [stateAt(scenario, settledUs).state, stateAt(changed, settledUs).state],
    change,
    fromUs,
    settledUs,
    compile: { ruleMatching: scenario.simulation.ruleMatching, l4Order: scenario.simulation.l4Order },
    maxMoved: opts.maxMoved ?? null,
  });
  return { ok: true, plan };
}
