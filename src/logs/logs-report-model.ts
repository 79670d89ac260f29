/**
 * The report of `slbsim logs` (`--format json` prints it as is; docs/LOGS.md documents each
 * field). Schema id `slbsim-logs/1`; numbers follow the run report's rounding (6 decimals for
 * shares and statistics, 6 significant digits for p-values); times are ISO 8601 UTC.
 */

export type CauseName =
  | 'few-requests'
  | 'stickiness-few-clients'
  | 'health-flapping'
  | 'wlc-stickiness'
  | 'cluster';

/** One of CLB's documented causes of uneven distribution, tested where the log and scenario allow. */
export interface CauseReport {
  readonly cause: CauseName;
  /** Whether the cause can apply to this group (e.g. stickiness needs a sticky group). */
  readonly applies: boolean;
  /** true: it explains the deviation; false: it does not; null: it could not be tested. */
  readonly explains: boolean | null;
  readonly detail: string;
}

export interface BackendShare {
  /** `ServerId:Port`. */
  readonly backend: string;
  /** `IP:port` the log names it by. */
  readonly address: string;
  readonly count: number;
  readonly expected: number;
  readonly observed: number;
  /** observed − expected. */
  readonly diff: number;
  /** Attempts that failed on it before a retry elsewhere (earlier addresses of `upstream_addr`). */
  readonly failedAttempts: number;
  /** Rows it answered with an upstream status ≥ 500. */
  readonly upstream5xx: number;
}

/** Observed vs expected shares of one group over the whole log or one time window. */
export interface ShareReport {
  /** ISO time of the window start (null for the whole log). */
  readonly from: string | null;
  readonly to: string | null;
  readonly requests: number;
  readonly backends: readonly BackendShare[];
  readonly chiSquare: number | null;
  readonly df: number;
  readonly pValue: number | null;
  readonly minExpected: number | null;
  readonly tvd: number | null;
  readonly maxAbsDeviation: number | null;
  /** maxAbsDeviation > --max-diff. */
  readonly exceeded: boolean;
  /** Exceeded and not explained by the number of requests (χ² p < α): counts as a failure. */
  readonly flagged: boolean;
  /** The causes tested (only when exceeded). */
  readonly causes: readonly CauseReport[];
  /** The first cause that explains the deviation, null when none does. */
  readonly explainedBy: CauseName | null;
}

export interface GroupShares {
  /** VServerGroupId or `default@<LoadBalancerId>`. */
  readonly group: string;
  readonly groupName: string;
  readonly scheduler: string;
  readonly sticky: string;
  readonly total: ShareReport;
  readonly windows: {
    readonly count: number;
    readonly exceeded: number;
    readonly flagged: number;
    /** The exceeded windows (flagged first), at most `listLimit`. */
    readonly listed: readonly ShareReport[];
  };
}

export interface DisagreementReport {
  readonly kind: 'group' | 'outside' | 'no-listener' | 'listener-stopped';
  readonly file: string;
  readonly line: number;
  readonly time: string;
  readonly host: string;
  readonly path: string;
  readonly upstream: string;
  readonly modelRoute: string;
  readonly modelGroup: string | null;
  readonly actualGroups: readonly string[];
  readonly elsewhere: readonly string[];
}

export interface PatternReport {
  readonly kind: DisagreementReport['kind'];
  readonly count: number;
  readonly host: string;
  readonly modelRoute: string;
  readonly modelGroup: string | null;
  readonly actualGroups: readonly string[];
  readonly elsewhere: readonly string[];
  /** `file:line` of the first such row. */
  readonly first: string;
}

export interface ListenerLogReport {
  readonly listener: string;
  /** Whether the scenario has this listener (at some time). */
  readonly known: boolean;
  readonly rows: number;
  readonly agree: number;
  /** Agreeing rows whose IP:port is in several groups of the listener. */
  readonly ambiguous: number;
  readonly disagreements: {
    readonly group: number;
    readonly outside: number;
    readonly noListener: number;
    readonly listenerStopped: number;
    readonly total: number;
  };
  readonly patterns: readonly PatternReport[];
  readonly listed: readonly DisagreementReport[];
  /** Disagreeing rows counted but not listed (beyond `--list`). */
  readonly unlisted: number;
  readonly noUpstream: {
    readonly count: number;
    /** status → rows, keys sorted. */
    readonly byStatus: Readonly<Record<string, number>>;
    /** Of those, rows for which the model had eligible backends. */
    readonly modelHadBackends: number;
  };
  readonly retried: number;
  /** Rows whose `scheme` is not the listener's protocol. */
  readonly schemeMismatch: number;
  readonly groups: readonly GroupShares[];
}

export interface LogsReport {
  readonly schema: 'slbsim-logs/1';
  readonly slbsimVersion: string;
  readonly scenario: { readonly name: string; readonly file: string };
  readonly logs: readonly string[];
  readonly passed: boolean;
  readonly options: {
    readonly maxDiff: number;
    readonly alpha: number;
    readonly windowMs: number;
    readonly cluster: string;
    readonly list: number;
  };
  /** Scenario time 0, and the first and last row time. */
  readonly origin: string | null;
  readonly first: string | null;
  readonly last: string | null;
  /** Whether rows came in time order (the cluster re-run needs it). */
  readonly ordered: boolean;
  readonly rows: number;
  readonly badRows: { readonly count: number; readonly samples: readonly string[] };
  readonly summary: {
    readonly agree: number;
    readonly disagree: number;
    readonly ambiguous: number;
    readonly noUpstream: number;
    readonly retried: number;
    readonly exceededGroups: number;
    readonly flaggedGroups: number;
    readonly flaggedWindows: number;
  };
  /** Backends the scenario gives no IP for (no row can be matched to them). */
  readonly unaddressed: readonly string[];
  readonly listeners: readonly ListenerLogReport[];
}
