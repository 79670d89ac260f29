/**
 * What one run of a sweep keeps: per scope and epoch, each backend's weight, expected and observed
 * share, and the epoch's TVD — the numbers of the run's report (`groups[].epochs[]`), nothing
 * per request. A worker sends this back instead of the report, so a sweep holds a few kilobytes per
 * run whatever the request count.
 */
import { reportGroupKey } from '../report/distribution-compare.js';
import type { Report } from '../report/report-model.js';

export interface BackendSample {
  /** `ServerId:Port`. */
  readonly backend: string;
  readonly weight: number;
  readonly expected: number;
  readonly observed: number;
}

export interface EpochSample {
  readonly epoch: number;
  readonly cause: string;
  readonly fromUs: number;
  readonly toUs: number;
  readonly served: number;
  /** Total variation distance between observed and expected shares (the report's), null when nothing was served. */
  readonly tvd: number | null;
  readonly backends: readonly BackendSample[];
}

export interface ScopeSample {
  /** The scope label of the report (`<listener> <rule RuleName | source>`), unique in a run. */
  readonly scope: string;
  /** The group as `compare` keys it: VServerGroupId, MasterSlaveServerGroupId or `default@<LoadBalancerId>`. */
  readonly group: string;
  readonly groupName: string;
  readonly listener: string;
  readonly epochs: readonly EpochSample[];
}

export interface RunSample {
  readonly seed: string;
  readonly requests: number;
  /** Requests served (outcome ok). */
  readonly served: number;
  readonly partial: boolean;
  /** Expectation checks of the run, null when the scenario has none. */
  readonly expectations: { readonly passed: number; readonly failed: number } | null;
  readonly scopes: readonly ScopeSample[];
}

/** The sample of one run's report. */
export function sampleReport(report: Report): RunSample {
  return {
    seed: report.seed,
    requests: report.requests,
    served: report.outcomes.ok,
    partial: report.partial,
    expectations:
      report.expectations === null
        ? null
        : { passed: report.expectations.passed, failed: report.expectations.failed },
    scopes: report.groups.map((g) => ({
      scope: g.scope,
      group: reportGroupKey(g),
      groupName: g.groupName,
      listener: g.listener,
      epochs: g.epochs.map((e) => ({
        epoch: e.epoch,
        cause: e.cause,
        fromUs: e.fromUs,
        toUs: e.toUs,
        served: e.served,
        tvd: e.served > 0 ? e.fidelity.tvd : null,
        backends: e.backends.map((b) => ({
          backend: `${b.ServerId}:${b.Port}`,
          weight: b.Weight,
          expected: b.expectedShare,
          observed: b.observedShare,
        })),
      })),
    })),
  };
}
