/**
 * The spread of a sweep over variants (`slbsim sweep --vary`): the scenario as is (the baseline)
 * and with each variant's change, each over the same seeds, folded into one spread per variant
 * (`spread.ts`) and a summary that compares them — per variant the worst TVD (where and at which
 * seed), each backend's max share over every epoch and run against its expected share, and how
 * many runs failed an expectation. Samples are folded in variant then seed order, so the result
 * does not depend on which worker finished first.
 */

import type { RunSample } from './run-sample.js';
import type { Stat } from './spread.js';
import { type Spread, type SpreadHeader, spreadOf, stat } from './spread.js';

export const VARIANT_SPREAD_SCHEMA = 'slbsim-sweep-variants/1';

/** A variant as the spread names it; the baseline has no source and no events. */
export interface VariantInfo {
  readonly name: string;
  readonly description: string | null;
  /** The change file, or `file:line:col` of the inline change in the variants file; null for the baseline. */
  readonly source: string | null;
  /** The change's OpenAPI calls (0 for the baseline). */
  readonly events: number;
}

/** The epoch with the worst TVD of a variant, and the seed that gave it. */
export interface VariantWorstTvd {
  readonly tvd: number;
  readonly seed: string;
  readonly scope: string;
  readonly group: string;
  readonly epoch: number;
  readonly cause: string;
}

/** A backend's largest observed share in a scope, over every epoch and run of a variant. */
export interface VariantMaxShare {
  readonly scope: string;
  readonly group: string;
  /** `ServerId:Port`. */
  readonly backend: string;
  /** Expected share over the epochs: min and max (equal when no epoch changed it). */
  readonly expected: { readonly min: number; readonly max: number };
  readonly max: number;
}

export interface VariantResult extends VariantInfo {
  readonly baseline: boolean;
  readonly spread: Spread;
  readonly worstTvd: VariantWorstTvd | null;
  readonly maxShares: readonly VariantMaxShare[];
  /** Runs of this variant that failed an expectation; null when the scenario has none. */
  readonly runsFailed: number | null;
}

export interface VariantSpread {
  readonly schema: typeof VARIANT_SPREAD_SCHEMA;
  readonly slbsimVersion: string;
  readonly scenario: { readonly name: string; readonly file: string };
  /** The variants file as the user typed it. */
  readonly variantsFile: string;
  /** The seeds every variant ran with, in the order given. */
  readonly seeds: readonly string[];
  /** `option`: `--seeds`; `scenario`: the scenario's own seed (no `--seeds`). */
  readonly seedsFrom: 'option' | 'scenario';
  /** The `--requests` override, null when the scenario's own traffic ran. */
  readonly requests: number | null;
  /** Every run: variants (with the baseline) × seeds. */
  readonly runs: number;
  readonly requestsPerRun: Stat;
  /** Runs that passed / failed an expectation over all variants; null without expectations. */
  readonly expectations: {
    readonly runsPassed: number;
    readonly runsFailed: number;
    /** The variants with a failed run, in order. */
    readonly failedVariants: readonly string[];
  } | null;
  /** The baseline first, then the variants in file order. */
  readonly variants: readonly VariantResult[];
}

export interface VariantSpreadHeader extends SpreadHeader {
  readonly variantsFile: string;
  readonly seedsFrom: 'option' | 'scenario';
}

/** The worst TVD of a spread: the epoch whose worst run is worst (the first such epoch on a tie). */
export function worstTvdOf(spread: Spread): VariantWorstTvd | null {
  let worst: VariantWorstTvd | null = null;
  for (const e of spread.epochs)
    if (e.tvd !== null && (worst === null || e.tvd.max > worst.tvd))
      worst = {
        tvd: e.tvd.max,
        seed: e.tvd.worstSeed,
        scope: e.scope,
        group: e.group,
        epoch: e.epoch,
        cause: e.cause,
      };
  return worst;
}

/** Each backend's max share per scope over the spread's epochs, in order of first appearance. */
export function maxSharesOf(spread: Spread): VariantMaxShare[] {
  const byKey = new Map<
    string,
    { scope: string; group: string; backend: string; min: number; exp: number; max: number }
  >();
  for (const e of spread.epochs)
    for (const b of e.backends) {
      const key = `${e.scope}\u0000${e.group}\u0000${b.backend}`;
      const acc = byKey.get(key);
      if (acc === undefined)
        byKey.set(key, {
          scope: e.scope,
          group: e.group,
          backend: b.backend,
          min: b.expected.min,
          exp: b.expected.max,
          max: b.share.max,
        });
      else {
        acc.min = Math.min(acc.min, b.expected.min);
        acc.exp = Math.max(acc.exp, b.expected.max);
        acc.max = Math.max(acc.max, b.share.max);
      }
    }
  return [...byKey.values()].map((a) => ({
    scope: a.scope,
    group: a.group,
    backend: a.backend,
    expected: { min: a.min, max: a.exp },
    max: a.max,
  }));
}

/**
 * Fold a variant sweep: `samples[v]` are the runs of `variants[v]` in seed order (the baseline is
 * `variants[0]`, named and sourced by the caller).
 */
export function variantSpreadOf(
  header: VariantSpreadHeader,
  variants: readonly VariantInfo[],
  samples: readonly (readonly RunSample[])[],
): VariantSpread {
  const spreadHeader: SpreadHeader = {
    slbsimVersion: header.slbsimVersion,
    scenario: header.scenario,
    requests: header.requests,
  };
  const results: VariantResult[] = variants.map((v, i) => {
    const spread = spreadOf(spreadHeader, samples[i]);
    return {
      ...v,
      baseline: i === 0,
      spread,
      worstTvd: worstTvdOf(spread),
      maxShares: maxSharesOf(spread),
      runsFailed: spread.expectations === null ? null : spread.expectations.runsFailed,
    };
  });
  const all = samples.flat();
  const withExpectations = all.filter((r) => r.expectations !== null).length;
  const runsFailed = all.filter((r) => r.expectations !== null && r.expectations.failed > 0).length;
  return {
    schema: VARIANT_SPREAD_SCHEMA,
    slbsimVersion: header.slbsimVersion,
    scenario: header.scenario,
    variantsFile: header.variantsFile,
    seeds: results[0]?.spread.seeds ?? [],
    seedsFrom: header.seedsFrom,
    requests: header.requests,
    runs: all.length,
    requestsPerRun: stat(all.map((r) => r.requests)),
    expectations:
      withExpectations === 0
        ? null
        : {
            runsPassed: withExpectations - runsFailed,
            runsFailed,
            failedVariants: results.filter((r) => (r.runsFailed ?? 0) > 0).map((r) => r.name),
          },
    variants: results,
  };
}
