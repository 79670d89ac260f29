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
import type { Expectation } from '../scenario/model.js';

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

/** Request outcomes. */
export const OUTCOME_OK = 0;
/** The chosen group had no eligible backend: layer 7 answers 503, layer 4 establishes no connection. */
export const OUTCOME_NO_BACKEND = 1;
/** The listener exists but is stopped: the connection is refused. */
export const OUTCOME_LISTENER_STOPPED = 2;
/** No listener on that LoadBalancerId:protocol:port. */
export const OUTCOME_NO_LISTENER = 3;
/** Sent to a backend that is dead but not yet detected, and not retried (L4; L7 after its tries). */
export const OUTCOME_BACKEND_ERROR = 4;

export const OUTCOME_NAMES = [
  'ok',
  'no-eligible-backend',
  'listener-stopped',
  'no-such-listener',
  'backend-error',
] as const;
export type OutcomeName = (typeof OUTCOME_NAMES)[number];

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

export type RouteSource = 'rule' | 'listener-vserver-group' | 'master-slave' | 'default-pool';
export type MatchKind =
  | 'exact-domain'
  | 'wildcard-domain'
  | 'exact-domain+url'
  | 'wildcard-domain+url'
  | 'url';

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

export interface EpochMember {
  readonly backend: number;
  readonly Weight: number;
  readonly eligible: boolean;
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
  | RunFinished;

export const BATCH_SIZE = 4096;

/** A column batch of journal rows. Index `i < n` is one row; `kind[i]` says which columns apply. */
export class JournalBatch {
  n = 0;
  readonly kind: Uint8Array;
  /** Simulated time, µs. */
  readonly t: Float64Array;
  /** Request id (ROUTED, COMPLETED). */
  readonly id: Float64Array;
  readonly listener: Int32Array;
  readonly template: Int32Array;
  /** Client source IPv4 as an unsigned 32-bit number. */
  readonly clientIp: Uint32Array;
  readonly clientPort: Uint16Array;
  readonly node: Uint16Array;
  readonly worker: Uint16Array;
  /** Scheduling scope, -1 when none was reached (refused, no such listener). */
  readonly scope: Int32Array;
  /** Backend that served (or failed) the request, -1 when none. */
  readonly backend: Int32Array;
  readonly outcome: Uint8Array;
  readonly attempts: Uint8Array;
  readonly flags: Uint8Array;
  /** µs from arrival to completion (COMPLETED rows). */
  readonly latency: Float64Array;
  /** Control entries, at the indexes whose kind is ROW_CONTROL. */
  readonly control: (ControlEntry | undefined)[];

  constructor(readonly capacity: number = BATCH_SIZE) {
    this.kind = new Uint8Array(capacity);
    this.t = new Float64Array(capacity);
    this.id = new Float64Array(capacity);
    this.listener = new Int32Array(capacity);
    this.template = new Int32Array(capacity);
    this.clientIp = new Uint32Array(capacity);
    this.clientPort = new Uint16Array(capacity);
    this.node = new Uint16Array(capacity);
    this.worker = new Uint16Array(capacity);
    this.scope = new Int32Array(capacity);
    this.backend = new Int32Array(capacity);
    this.outcome = new Uint8Array(capacity);
    this.attempts = new Uint8Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.latency = new Float64Array(capacity);
    this.control = new Array(capacity).fill(undefined);
  }

  get full(): boolean {
    return this.n === this.capacity;
  }

  clear(): void {
    for (let i = 0; i < this.n; i++) this.control[i] = undefined;
    this.n = 0;
  }

  /** Append a control row; the caller emits the batch when `full`. */
  pushControl(entry: ControlEntry): void {
    const i = this.n++;
    this.kind[i] = ROW_CONTROL;
    this.t[i] = entry.t;
    this.control[i] = entry;
  }

  /** Append a routed row. */
  pushRouted(
    t: number,
    id: number,
    listener: number,
    template: number,
    clientIp: number,
    clientPort: number,
    node: number,
    worker: number,
    scope: number,
    backend: number,
    outcome: number,
    attempts: number,
    flags: number,
  ): void {
    const i = this.n++;
    this.kind[i] = ROW_ROUTED;
    this.t[i] = t;
    this.id[i] = id;
    this.listener[i] = listener;
    this.template[i] = template;
    this.clientIp[i] = clientIp;
    this.clientPort[i] = clientPort;
    this.node[i] = node;
    this.worker[i] = worker;
    this.scope[i] = scope;
    this.backend[i] = backend;
    this.outcome[i] = outcome;
    this.attempts[i] = attempts;
    this.flags[i] = flags;
  }

  /** Append a failed-attempt row. */
  pushAttemptFailed(
    t: number,
    id: number,
    scope: number,
    backend: number,
    node: number,
    worker: number,
  ): void {
    const i = this.n++;
    this.kind[i] = ROW_ATTEMPT_FAILED;
    this.t[i] = t;
    this.id[i] = id;
    this.scope[i] = scope;
    this.backend[i] = backend;
    this.node[i] = node;
    this.worker[i] = worker;
  }

  /** Append a completion row. */
  pushCompleted(t: number, id: number, scope: number, backend: number, latency: number): void {
    const i = this.n++;
    this.kind[i] = ROW_COMPLETED;
    this.t[i] = t;
    this.id[i] = id;
    this.scope[i] = scope;
    this.backend[i] = backend;
    this.latency[i] = latency;
  }
}

/** Anything that consumes journal batches in order (projections, record writers, the journal file). */
export interface JournalSink {
  onBatch(batch: JournalBatch): void;
  /** Called once after the last batch (also after an interrupted run). */
  onEnd?(): void;
}
