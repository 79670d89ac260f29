/**
 * The spread of a sweep: the runs' samples folded into one answer to "how uneven can it get?".
 * Per scope (listener + rule or source, with its group) and epoch, each backend's expected share
 * and the min / median / max of its observed share over the runs, and the epoch's TVD — median,
 * worst, and the seed that gave the worst. The fold reads the samples in seed order only, so the
 * result does not depend on which worker finished first.
 */
import { round6 } from '../report/round.js';
import type { RunSample } from './run-sample.js';

export const SPREAD_SCHEMA = 'slbsim-sweep/1';

export interface Stat {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

export interface SpreadBackend {
  /** `ServerId:Port`. */
  readonly backend: string;
  /** The weight in the first run that had the backend in this epoch. */
  readonly weight: number;
  /** Expected share: min and max over the runs (equal unless the epoch's members differ by seed). */
  readonly expected: { readonly min: number; readonly max: number };
  readonly share: Stat;
}

export interface SpreadEpoch {
  readonly scope: string;
  readonly group: string;
  readonly groupName: string;
  readonly listener: string;
  readonly epoch: number;
  readonly cause: string;
  /** Runs in which this epoch served requests (the runs the figures are over). */
  readonly runs: number;
  readonly served: Stat;
  readonly backends: readonly SpreadBackend[];
  /** TVD between observed and expected shares over the runs, and the seed of the worst. */
  readonly tvd: (Stat & { readonly worstSeed: string }) | null;
}

export interface Spread {
  readonly schema: typeof SPREAD_SCHEMA;
  readonly slbsimVersion: string;
  readonly scenario: { readonly name: string; readonly file: string };
  /** Every seed run, in the order given. */
  readonly seeds: readonly string[];
  /** The `--requests` override, null when the scenario's own traffic ran. */
  readonly requests: number | null;
  readonly runs: number;
  readonly requestsPerRun: Stat;
  /** Runs whose expectations all passed / failed, and the failing seeds; null without expectations. */
  readonly expectations: {
    readonly runsPassed: number;
    readonly runsFailed: number;
    readonly failedSeeds: readonly string[];
  } | null;
  readonly epochs: readonly SpreadEpoch[];
}

/** min, median (mean of the two middle values for an even count) and max, rounded like the report. */
export function stat(values: readonly number[]): Stat {
  if (values.length === 0) return { min: 0, median: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { min: round6(sorted[0]), median: round6(median), max: round6(sorted[sorted.length - 1]) };
}

interface BackendAcc {
  weight: number;
  expectedMin: number;
  expectedMax: number;
  /** Observed share per contributing run (0 when the backend was absent from that run's epoch). */
  shares: number[];
}

interface EpochAcc {
  readonly scope: string;
  readonly group: string;
  readonly groupName: string;
  readonly listener: string;
  readonly epoch: number;
  readonly cause: string;
  readonly served: number[];
  readonly backends: Map<string, BackendAcc>;
  readonly tvds: { readonly seed: string; readonly tvd: number }[];
}

export interface SpreadHeader {
  readonly slbsimVersion: string;
  readonly scenario: { readonly name: string; readonly file: string };
  readonly requests: number | null;
}

/** Fold the samples of a sweep, given in seed order. */
export function spreadOf(header: SpreadHeader, samples: readonly RunSample[]): Spread {
  // Scopes (label + group) in order of first appearance; epochs within a scope by number, then cause.
  const scopes = new Map<string, Map<string, EpochAcc>>();
  for (const run of samples) {
    for (const s of run.scopes) {
      // A rule that changes group (SetRule) schedules a second scope under the same label.
      const scopeKey = `${s.scope}\u0000${s.group}`;
      let epochs = scopes.get(scopeKey);
      if (epochs === undefined) {
        epochs = new Map();
        scopes.set(scopeKey, epochs);
      }
      for (const e of s.epochs) {
        if (e.served === 0) continue;
        const key = `${e.epoch}\u0000${e.cause}`;
        let acc = epochs.get(key);
        if (acc === undefined) {
          acc = {
            scope: s.scope,
            group: s.group,
            groupName: s.groupName,
            listener: s.listener,
            epoch: e.epoch,
            cause: e.cause,
            served: [],
            backends: new Map(),
            tvds: [],
          };
          epochs.set(key, acc);
        }
        const before = acc.served.length;
        acc.served.push(e.served);
        if (e.tvd !== null) acc.tvds.push({ seed: run.seed, tvd: e.tvd });
        for (const b of e.backends) {
          let ba = acc.backends.get(b.backend);
          if (ba === undefined) {
            // Absent from the runs before this one: share 0 there.
            ba = {
              weight: b.weight,
              expectedMin: b.expected,
              expectedMax: b.expected,
              shares: Array(before).fill(0),
            };
            acc.backends.set(b.backend, ba);
          }
          ba.expectedMin = Math.min(ba.expectedMin, b.expected);
          ba.expectedMax = Math.max(ba.expectedMax, b.expected);
          ba.shares.push(b.observed);
        }
        // Absent from this run's epoch: share 0.
        for (const ba of acc.backends.values()) if (ba.shares.length === before) ba.shares.push(0);
      }
    }
  }
  const epochs: SpreadEpoch[] = [];
  for (const byKey of scopes.values()) {
    const ordered = [...byKey.values()].sort((a, b) =>
      a.epoch !== b.epoch ? a.epoch - b.epoch : a.cause < b.cause ? -1 : a.cause > b.cause ? 1 : 0,
    );
    for (const acc of ordered) epochs.push(finish(acc));
  }
  const failedSeeds = samples
    .filter((r) => r.expectations !== null && r.expectations.failed > 0)
    .map((r) => r.seed);
  const withExpectations = samples.filter((r) => r.expectations !== null).length;
  return {
    schema: SPREAD_SCHEMA,
    slbsimVersion: header.slbsimVersion,
    scenario: header.scenario,
    seeds: samples.map((r) => r.seed),
    requests: header.requests,
    runs: samples.length,
    requestsPerRun: stat(samples.map((r) => r.requests)),
    expectations:
      withExpectations === 0
        ? null
        : { runsPassed: withExpectations - failedSeeds.length, runsFailed: failedSeeds.length, failedSeeds },
    epochs,
  };
}

function finish(acc: EpochAcc): SpreadEpoch {
  let worst: { seed: string; tvd: number } | undefined;
  for (const t of acc.tvds) if (worst === undefined || t.tvd > worst.tvd) worst = t;
  return {
    scope: acc.scope,
    group: acc.group,
    groupName: acc.groupName,
    listener: acc.listener,
    epoch: acc.epoch,
    cause: acc.cause,
    runs: acc.served.length,
    served: stat(acc.served),
    backends: [...acc.backends].map(([backend, b]) => ({
      backend,
      weight: b.weight,
      expected: { min: round6(b.expectedMin), max: round6(b.expectedMax) },
      share: stat(b.shares),
    })),
    tvd: worst === undefined ? null : { ...stat(acc.tvds.map((t) => t.tvd)), worstSeed: worst.seed },
  };
}
