/**
 * The journal: one ordered log of everything a run does — topology events, faults, health
 * changes, epochs, arrivals with their routing decision, and completions. The engine writes rows
 * into column batches (struct of arrays, no object per request) and emits each full batch on an
 * rxjs Observable; reports, record writers and the `--journal` file are subscribers.
 *
 * A batch is valid only during the `next()` call that delivers it: the engine reuses its arrays.
 * Subscribers copy what they keep.
 *
 * Rows refer to listeners, templates, backends and scopes by index; each index is introduced by a
 * `*Defined` control row before its first use, so the journal is self-contained.
 */
import type { EpochMember } from '../routing/balancer.js';
import type { MatchKind, RouteSource } from '../routing/outcomes.js';
import type { Expectation } from '../scenario/scenario-model.js';

/** Row kinds. */
export const ROW_CONTROL = 0;
/** A request arrived and was routed (or refused): time = arrival. */
export const ROW_ROUTED = 1;
/** A request completed: time = completion, `latency` set. Only when service time is modelled. */
export const ROW_COMPLETED = 2;
/**
 * One attempt of a request failed on a dead backend and the request was retried on another
 * (layer 7): `scope`, `backend`, `node`, `worker` name the failed pick. Precedes the request's
 * routed row, which carries the attempt that finally answered (or, when every attempt failed,
 * the last one, with outcome `backend-error`).
 */
export const ROW_ATTEMPT_FAILED = 3;

/** Row flags. */
/** Served by session persistence (cookie or source IP), not by a scheduler pick. */
export const FLAG_STICKY = 1;
/** At least one attempt failed before this one (L7 retry on the next backend). */
export const FLAG_RETRIED = 2;
/** A SERVERID (insert) or rewritten (server) cookie was issued on this response. */
export const FLAG_COOKIE_ISSUED = 4;
/**
 * A completion row with this request id follows (service time is modelled for this request).
 * Record writers hold the routed row until then to join its latency; a routed row without the
 * flag is final as it is.
 */
export const FLAG_AWAITS_COMPLETION = 8;

export interface RunStarted {
  readonly type: 'RunStarted';
  readonly t: number;
  readonly seed: string;
  readonly scenario: string;
  readonly name: string;
  readonly slbsimVersion: string;
  readonly rng: string;
  /** Options that change results (cluster shape, rule-matching policy, request cap…). */
  readonly options: Readonly<Record<string, unknown>>;
  /**
   * The scenario's `expect:` list, so a report rebuilt from the journal alone checks the same
   * expectations (and counts their time windows exactly). Absent = none.
   */
  readonly expect?: readonly Expectation[];
}

export interface ListenerDefined {
  readonly type: 'ListenerDefined';
  readonly t: number;
  readonly listener: number;
  /** `<LoadBalancerId>:<protocol>:<port>`. */
  readonly key: string;
  readonly layer: 4 | 7;
}

export interface TemplateDefined {
  readonly type: 'TemplateDefined';
  readonly t: number;
  readonly template: number;
  readonly host: string;
  readonly path: string;
  readonly method: string;
}

export interface BackendDefined {
  readonly type: 'BackendDefined';
  readonly t: number;
  readonly backend: number;
  readonly ServerId: string;
  readonly Port: number;
}

/** A scheduling scope: one server group as one listener (or one rule of it) schedules it. */
export interface ScopeDefined {
  readonly type: 'ScopeDefined';
  readonly t: number;
  readonly scope: number;
  readonly listener: number;
  readonly source: RouteSource;
  readonly rule: { readonly RuleId: string; readonly RuleName: string; readonly matchKind: MatchKind } | null;
  /** VServerGroupId, MasterSlaveServerGroupId, or null for the default pool. */
  readonly groupId: string | null;
  readonly groupName: string;
  readonly scheduler: string;
  readonly layer: 4 | 7;
  readonly deterministic: boolean;
  readonly sticky: 'off' | 'insert' | 'server' | 'source-ip';
}

/** A scope's weights or eligible set changed (or the scope started): a new epoch begins. */
export interface EpochStarted {
  readonly type: 'EpochStarted';
  readonly t: number;
  readonly scope: number;
  readonly epoch: number;
  readonly members: readonly EpochMember[];
  /** Picks per full cycle for deterministic schedulers (0 otherwise). */
  readonly cycleLength: number;
  /** Why: `start`, an action name, `health`, or `instance`. */
  readonly cause: string;
}

export interface TopologyApplied {
  readonly type: 'TopologyApplied';
  readonly t: number;
  readonly action: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly response: Readonly<Record<string, unknown>>;
}

export interface TopologyRejected {
  readonly type: 'TopologyRejected';
  readonly t: number;
  readonly action: string;
  readonly code: string;
  readonly message: string;
}

export interface FaultInjected {
  readonly type: 'FaultInjected';
  readonly t: number;
  readonly fault: 'BackendFailed' | 'BackendRecovered';
  readonly ServerId: string;
  readonly Port: number | null;
}

/** A listener's (or rule's) health check changed its verdict on a backend. */
export interface HealthChanged {
  readonly type: 'HealthChanged';
  readonly t: number;
  readonly scope: number;
  readonly backend: number;
  readonly healthy: boolean;
}

/**
 * This run is shard `index` of `count` (`slbsim run --shard K/N`): it routes, journals and reports
 * only the requests of the scheduling units it owns (`units`: scope keys, `@node` for a scope cut
 * by CLB node); every other row of the journal (topology, faults, health, epochs) is the whole
 * run's. Follows RunStarted, which is the same in every shard.
 */
export interface ShardStarted {
  readonly type: 'ShardStarted';
  readonly t: number;
  readonly index: number;
  readonly count: number;
  readonly units: readonly string[];
}

export interface RunFinished {
  readonly type: 'RunFinished';
  readonly t: number;
  readonly requests: number;
  /** True when the run was interrupted (Ctrl-C) before the scenario ended. */
  readonly partial: boolean;
}

export type ControlEntry =
  | RunStarted
  | ListenerDefined
  | TemplateDefined
  | BackendDefined
  | ScopeDefined
  | EpochStarted
  | TopologyApplied
  | TopologyRejected
  | FaultInjected
  | HealthChanged
  | ShardStarted
  | RunFinished;
