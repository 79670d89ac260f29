/**
 * The report: what `slbsim run`, `slbsim report` and `slbsim live` print and write. One plain,
 * JSON-ready object built from the journal alone, with a fixed key order and the rounding of
 * `round.ts`, so one journal always gives a byte-identical report. docs/REPORT.md documents every
 * field; this file is its type. Times are simulated µs since the scenario start.
 */
import type { MatchKind, OutcomeName, RouteSource } from '../routing/outcomes.js';
import type { ReportState } from './report-state.js';

export const REPORT_SCHEMA = 'slbsim-report/1';

export interface Report {
  readonly schema: typeof REPORT_SCHEMA;
  readonly slbsimVersion: string;
  readonly scenario: { readonly name: string; readonly file: string };
  readonly seed: string;
  readonly rng: string;
  /** Options that change results, keys sorted. */
  readonly options: Readonly<Record<string, unknown>>;
  /** True when the run was interrupted, or when the journal ended without RunFinished. */
  readonly partial: boolean;
  /** Simulated time at the end of the run. */
  readonly endUs: number;
  /** Routed rows: every request that arrived, whatever its outcome. */
  readonly requests: number;
  readonly outcomes: OutcomeCounts;
  /** Requests served through session persistence. */
  readonly sticky: number;
  /** Requests that needed more than one attempt. */
  readonly retried: number;
  readonly latency: LatencySummary | null;
  readonly listeners: readonly ListenerReport[];
  readonly groups: readonly GroupReport[];
  readonly faults: readonly FaultMarker[];
  readonly topologyEvents: readonly TopologyMarker[];
  /** Share-over-time buckets shared by every group's `timeline`. */
  readonly timeline: { readonly bucketUs: number; readonly buckets: number };
  readonly expectations: ExpectationsReport | null;
  /**
   * Only in the report of one shard of a run (`slbsim run --shard K/N`): which shard, the units it
   * owns, and its state, which `slbsim merge` adds to the other shards' to build the run's report.
   */
  readonly shard?: ShardSection;
}

export interface ShardSection {
  readonly index: number;
  readonly count: number;
  readonly units: readonly string[];
  readonly state: ReportState;
}

/**
 * Outcomes added after the report's first schema (issue 10: `bad-request`). A report lists them
 * only when some request had them, so reports of runs without them stay byte for byte as before.
 */
export const OUTCOMES_LISTED_WHEN_SEEN: ReadonlySet<OutcomeName> = new Set<OutcomeName>(['bad-request']);
type LaterOutcome = 'bad-request';

/** Counts by outcome, keys in OUTCOME_NAMES order; the later outcomes only when not zero. */
export type OutcomeCounts = { readonly [K in Exclude<OutcomeName, LaterOutcome>]: number } & {
  readonly [K in LaterOutcome]?: number;
};

export interface LatencySummary {
  readonly count: number;
  readonly min: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

export interface ShareCount {
  readonly count: number;
  readonly share: number;
}

export interface RuleReport extends ShareCount {
  readonly RuleId: string;
  readonly RuleName: string;
  readonly matchKind: MatchKind;
  /** Groups the rule forwarded to, in order of first use (more than one when SetRule changed it). */
  readonly VServerGroupIds: readonly string[];
}

export interface ListenerReport {
  /** `<LoadBalancerId>:<protocol>:<port>`. */
  readonly listener: string;
  readonly layer: 4 | 7;
  readonly requests: number;
  readonly rules: readonly RuleReport[];
  readonly fallbacks: {
    readonly listenerGroup: ShareCount;
    readonly defaultPool: ShareCount;
    /** Layer 4 only; null on layer 7 listeners. */
    readonly masterSlave: ShareCount | null;
  };
  readonly failures: {
    readonly noEligibleBackend: number;
    readonly listenerStopped: number;
    readonly noSuchListener: number;
    readonly backendError: number;
    /** Layer 7, only when not zero: rejected with 400 before routing (`bad-request`). */
    readonly badRequest?: number;
    readonly total: number;
  };
  readonly latency: LatencySummary | null;
}

export interface GroupBackendTotal {
  readonly ServerId: string;
  readonly Port: number;
  readonly count: number;
  readonly share: number;
  readonly sticky: number;
  readonly failed: number;
}

/** One scope: a server group as one listener (or one rule of it) schedules it. */
export interface GroupReport {
  /** Readable scope label: `<listener> <rule RuleName | source>`. */
  readonly scope: string;
  /** The VServer group, or null (primary/secondary group or default pool). */
  readonly VServerGroupId: string | null;
  readonly MasterSlaveServerGroupId: string | null;
  /** True for the load balancer's default server pool. */
  readonly defaultPool: boolean;
  readonly groupName: string;
  readonly listener: string;
  readonly source: RouteSource;
  readonly RuleId: string | null;
  readonly RuleName: string | null;
  readonly matchKind: MatchKind | null;
  readonly scheduler: string;
  readonly layer: 4 | 7;
  readonly deterministic: boolean;
  readonly stickySession: 'off' | 'insert' | 'server' | 'source-ip';
  /** Requests routed to this scope, any outcome. */
  readonly requests: number;
  /** Requests served (outcome ok). */
  readonly served: number;
  readonly stickyServed: number;
  readonly failed: number;
  readonly noEligibleBackend: number;
  /** Per backend over the whole run, in order of first appearance in the scope. */
  readonly backends: readonly GroupBackendTotal[];
  readonly epochs: readonly EpochReport[];
  readonly health: readonly HealthMarker[];
  readonly latency: LatencySummary | null;
  /** Served count per time bucket and backend (`backends` order), and failures per bucket. */
  readonly timeline: {
    readonly backends: readonly string[];
    readonly served: readonly (readonly number[])[];
    readonly failed: readonly number[];
  };
}

export interface EpochBackend {
  readonly ServerId: string;
  readonly Port: number;
  readonly Weight: number;
  readonly eligible: boolean;
  /** False for a backend that served in this epoch without being a member (persistence to a removed server). */
  readonly member: boolean;
  readonly expectedShare: number;
  readonly observedShare: number;
  readonly absDeviation: number;
  /** Requests served (outcome ok), sticky ones included. */
  readonly count: number;
  readonly sticky: number;
  /** Attempts that failed on this backend (outcome backend-error). */
  readonly failed: number;
  /** Scheduler picks (not sticky), failed attempts included. */
  readonly picks: number;
}

export interface Fidelity {
  readonly chiSquare: number | null;
  readonly df: number;
  readonly pValue: number | null;
  readonly minExpected: number | null;
  readonly tvd: number | null;
  readonly maxAbsDeviation: number | null;
}

export interface SequenceStats {
  /** max over prefixes t and members i of |count_i(t) − t·w_i/W|, in picks; max over instances. */
  readonly maxPrefixDiscrepancy: number;
  /** Longest run of consecutive picks of one member; max over instances. */
  readonly longestRun: number;
  readonly cycleLength: number;
  /** Σ over instances of complete cycles of picks. */
  readonly completeCycles: number;
  /**
   * True when at every cycle boundary of every instance each member's count was exactly
   * cycles × its per-cycle share; false at the first boundary that was not; null when no boundary
   * was reached (or no cycle length).
   */
  readonly cyclesExact: boolean | null;
}

export interface InstanceReport {
  readonly node: number;
  readonly worker: number;
  readonly picks: number;
  /** Picks per backend, in the epoch's `backends` order. */
  readonly counts: readonly number[];
  readonly maxPrefixDiscrepancy: number | null;
  readonly longestRun: number | null;
  readonly completeCycles: number | null;
  readonly cyclesExact: boolean | null;
}

export interface EpochReport {
  readonly epoch: number;
  readonly cause: string;
  readonly fromUs: number;
  readonly toUs: number;
  readonly requests: number;
  readonly served: number;
  readonly noEligibleBackend: number;
  /** Members in scheduling order, then non-members that served. */
  readonly backends: readonly EpochBackend[];
  readonly fidelity: Fidelity;
  /** Deterministic schedulers only, else null. */
  readonly sequence: SequenceStats | null;
  /** Per node × worker scheduler instance, sorted by node then worker. */
  readonly instances: readonly InstanceReport[];
}

export interface HealthMarker {
  readonly t: number;
  readonly ServerId: string;
  readonly Port: number;
  readonly healthy: boolean;
}

export interface FaultMarker {
  readonly t: number;
  readonly fault: 'BackendFailed' | 'BackendRecovered';
  readonly ServerId: string;
  readonly Port: number | null;
}

export interface TopologyMarker {
  readonly t: number;
  readonly action: string;
  /** null when applied, else the CLB error code. */
  readonly error: string | null;
}

export interface ExpectationResult {
  readonly kind: 'shares' | 'ruleShare' | 'maxFailed' | 'minPValue';
  /** `file:line:col` of the expectation in the scenario. */
  readonly pos: string;
  readonly passed: boolean;
  /** What was checked, e.g. `rsp-web i-1:80`. */
  readonly subject: string;
  readonly expected: number;
  readonly observed: number | null;
  readonly tolerance: number | null;
  readonly message: string;
}

export interface ExpectationsReport {
  readonly passed: number;
  readonly failed: number;
  readonly results: readonly ExpectationResult[];
}
