/**
 * A report's state before it is built: everything the report projections accumulated from one
 * journal, as JSON. A shard of a run (`slbsim run --shard K/N`) writes it into its report; `slbsim
 * merge` adds the shards' states and builds one report from the sum, with the same code that builds
 * an unsharded run's report from its own state — so where the cut is exact (docs/SCALE.md) the
 * merged report is the unsharded one, byte for byte.
 *
 * Counts add; per-epoch tables add slot by slot; each scheduler instance's pick stream (prefix
 * discrepancy, runs, whole-cycle checks) comes whole from the one shard that picked for it;
 * share-over-time series are put on the widest shard's bucket width first; HDR latency histograms
 * travel in HdrHistogram's compressed encoding and add bucket by bucket.
 */
import type { ControlEntry, RunFinished, RunStarted, ShardStarted } from '../journal/journal-rows.js';
import type { Expectation } from '../scenario/scenario-model.js';
import type { ScopeStateData } from './projections/scope.js';
import type { FaultMarker, TopologyMarker } from './report-model.js';

export const REPORT_STATE_SCHEMA = 'slbsim-report-state/1';

export interface ReportState {
  readonly schema: typeof REPORT_STATE_SCHEMA;
  readonly run: RunStarted | null;
  /** The shard this state is of (null: a whole run). */
  readonly shard: ShardStarted | null;
  /** The journal's definitions (listeners, templates, backends, scopes), in journal order. */
  readonly definitions: readonly ControlEntry[];
  /** Expectations given by the caller (null: the run's own, from RunStarted). */
  readonly expectations: readonly Expectation[] | null;
  readonly clock: { readonly step: number; readonly used: number };
  readonly listeners: { readonly requests: readonly number[]; readonly outcomes: readonly number[] };
  readonly outcomes: readonly number[];
  readonly requests: number;
  readonly sticky: number;
  readonly retried: number;
  readonly lastT: number;
  readonly finished: RunFinished | null;
  readonly faults: readonly FaultMarker[];
  readonly topology: readonly TopologyMarker[];
  /** Scope index → its state (null for an index no scope took). */
  readonly scopes: readonly (ScopeStateData | null)[];
}

/** Why two states cannot be merged exactly (they do not come from shards of one run). */
export class ReportMergeError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'ReportMergeError';
  }
}
