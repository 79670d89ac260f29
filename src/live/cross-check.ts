/**
 * The live cross-check: the requests a live run (or a probe) routed, replayed by the simulation —
 * the same requests in the same order, with their arrival times, against the same topology,
 * timeline and faults — and the two per-backend distributions compared as `slbsim compare` does
 * (per group: share differences, χ² homogeneity, TVD; pass when no share differs by more than
 * `maxDiff`). In exact mode with one connection and no failures the two agree request for request.
 */
import { Simulation } from '../engine/simulation.js';
import {
  type CompareResult,
  compareDistributions,
  type Distribution,
  distributionFromReport,
} from '../report/distribution-compare.js';
import type { Report } from '../report/report-model.js';
import { createReportProjections } from '../report/report-projection.js';
import type { Scenario } from '../scenario/scenario-model.js';
import { SINGLE_CLIENT } from '../scenario/traffic-defaults.js';

/** The scenario with its traffic replaced by a trace file (NDJSON). */
export function withTrace(scenario: Scenario, tracePath: string): Scenario {
  const traffic = scenario.traffic;
  const pos = { file: tracePath, line: 1, col: 1 };
  return {
    ...scenario,
    traffic: {
      phases: [],
      mix: traffic?.mix ?? [],
      clients: traffic?.clients ?? SINGLE_CLIENT,
      service: traffic?.service ?? { groups: {}, backends: {} },
      trace: { file: tracePath, format: 'ndjson', pos },
    },
  };
}

/** Replay a trace of requests through the simulation and return its report. */
export function simulateTrace(scenario: Scenario, tracePath: string, seed: string): Report {
  const sim = new Simulation(withTrace(scenario, tracePath), { seed });
  const projections = createReportProjections();
  sim.journal$.subscribe({
    next: (batch) => projections.sink.onBatch(batch),
    complete: () => projections.sink.onEnd?.(),
  });
  while (!sim.run(250_000)) {
    /* synchronous: a trace is finite */
  }
  return projections.build();
}

export interface CrossCheck {
  readonly compare: CompareResult;
  /** Requests the simulation replayed. */
  readonly simulated: number;
  readonly simulatedReport: Report;
}

/** Compare an observed distribution (a live run, a probe) with the simulation of the same requests. */
export function crossCheck(
  scenario: Scenario,
  tracePath: string,
  seed: string,
  observed: Distribution,
  maxDiff: number,
  label = 'live',
): CrossCheck {
  const simulatedReport = simulateTrace(scenario, tracePath, seed);
  const compare = compareDistributions(
    distributionFromReport(simulatedReport),
    observed,
    { maxDiff },
    {
      a: 'model',
      b: label,
    },
  );
  return { compare, simulated: simulatedReport.requests, simulatedReport };
}
