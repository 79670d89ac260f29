/**
 * The scope table: every scheduling scope (one server group as one listener or rule schedules it)
 * with its members, its scheduler instances (the cluster model), its epochs, and the one home of
 * health verdicts and eligibility. Nothing else writes a scope's `healthy` or `eligible` arrays:
 * the engine's fault model and the live health checker hand their verdicts to `setHealth`.
 *
 * - A member is *eligible* (takes new requests) when its weight is above 0 and, where its scope
 *   checks health, its last verdict is healthy. The secondary of a primary/secondary group is not
 *   health-checked (`isChecked`).
 * - `sync` follows a compiled topology: scopes keep their scheduler state by key; another
 *   scheduler or stickiness retires the scope and a fresh one takes the key over, with the health
 *   verdicts carried over (they belong to the listener's checks, not to the scheduler).
 * - Every change of a scope's weights or eligible set starts a new epoch, reported to the observer
 *   (the engine journals it).
 * - Backends (ServerId, Port) get a global index on first sight, in definition order.
 */
import type { ClusterShape } from '../scenario/scenario-model.js';
import { SchedulerCluster } from '../schedulers/cluster.js';
import type { Scheduler } from '../schedulers/scheduler.js';
import { SourceIpPersistence, stickyCookieValue } from '../schedulers/sticky.js';
import { countsConnections, isConsistentHash } from '../topology/scheduler-names.js';
import type { RouteSource } from './outcomes.js';
import type { CompiledTopology, ScopeSpec } from './route-compiler.js';

/** How `Picker.pick` chooses in a scope, decided once per scope. */
export const PICK_SCHEDULER = 0;
/** Cookie stickiness (insert/server) first, then the scheduler. */
export const PICK_COOKIE = 1;
/** Layer-4 source-IP persistence first, then the scheduler. */
export const PICK_SOURCE_IP = 2;
/** A primary/secondary group: the primary while eligible, else the secondary. */
export const PICK_FAILOVER = 3;
export type PickMode =
  | typeof PICK_SCHEDULER
  | typeof PICK_COOKIE
  | typeof PICK_SOURCE_IP
  | typeof PICK_FAILOVER;

export function pickModeOf(spec: ScopeSpec): PickMode {
  if (spec.source === 'master-slave') return PICK_FAILOVER;
  if (spec.sticky === 'insert' || spec.sticky === 'server') return PICK_COOKIE;
  return spec.sticky === 'source-ip' ? PICK_SOURCE_IP : PICK_SCHEDULER;
}

/** One member of a scope as an epoch starts: its backend index, weight and whether it takes picks. */
export interface EpochMember {
  readonly backend: number;
  readonly Weight: number;
  readonly eligible: boolean;
}

/** A backend: one (ServerId, Port), known to the routing layer by a global index. */
export interface BackendInfo {
  readonly index: number;
  readonly ServerId: string;
  readonly Port: number;
  readonly key: string;
}

export interface ScopeObserver {
  backendDefined?(index: number, ServerId: string, Port: number): void;
  scopeDefined?(index: number, listener: number, spec: ScopeSpec, deterministic: boolean): void;
  epochStarted?(
    scope: number,
    epoch: number,
    members: EpochMember[],
    cycleLength: number,
    cause: string,
  ): void;
}

export interface ScopeTableOptions {
  readonly seed: string;
  readonly cluster: ClusterShape;
  readonly clusterByListener?: Readonly<Record<string, ClusterShape>>;
  readonly observer?: ScopeObserver;
}

export class ScopeRuntime {
  spec: ScopeSpec;
  readonly index: number;
  readonly key: string;
  active = true;
  epoch = 0;
  /** Global backend index per member. */
  backends = new Int32Array(0);
  weights = new Int32Array(0);
  /** Health verdict per member (1 = healthy); written by the scope table only. */
  healthy = new Uint8Array(0);
  /** 1 when the member takes new requests; written by the scope table only. */
  eligible = new Uint8Array(0);
  /** Number of eligible members (fast "no backend" check). */
  eligibleCount = 0;
  memberKeys: string[] = [];
  /** Cookie value → member index (insert/server stickiness). */
  sidToMember = new Map<string, number>();
  memberSid: string[] = [];
  readonly cluster: SchedulerCluster;
  readonly mode: PickMode;
  /** The scheduler instance of exact mode (one node, one worker), else null. */
  readonly single: Scheduler | null;
  /** Whether picks need the client 4-tuple hash (cluster model or consistent hashing). */
  readonly needsTuple: boolean;
  /** The fast pick path: `single` when the scheduler alone decides without any hash, else null. */
  readonly fast: Scheduler | null;
  /** Consistent hashing keys on the source IP (sch) rather than the 4-tuple (tch, qch). */
  readonly keyBySourceIp: boolean;
  /** The sticky cookie's name (insert/server stickiness), else null. */
  readonly cookieName: string | null;
  /** Max-Age of an inserted cookie, seconds; 0 = a session cookie. */
  readonly cookieMaxAge: number;
  readonly persistence: SourceIpPersistence | null;
  /** The scheduler counts open connections (wlc): closing one must be `release`d; others ignore it. */
  readonly countsConnections: boolean;
  /** LVS wlc: a closed connection lingers as an inactive entry (the engine expires it). */
  readonly lvsInactive: boolean;

  constructor(spec: ScopeSpec, index: number, cluster: SchedulerCluster) {
    this.spec = spec;
    this.index = index;
    this.key = spec.key;
    this.cluster = cluster;
    this.mode = pickModeOf(spec);
    this.single = cluster.instances.length === 1 ? cluster.instances[0] : null;
    this.needsTuple = cluster.instances.length > 1 || isConsistentHash(spec.scheduler);
    this.fast = this.mode === PICK_SCHEDULER && !this.needsTuple ? this.single : null;
    this.keyBySourceIp = spec.scheduler === 'sch';
    this.cookieName = this.mode === PICK_COOKIE ? spec.cookieName : null;
    this.cookieMaxAge = spec.sticky === 'insert' ? spec.stickyTimeout : 0;
    this.persistence =
      spec.sticky === 'source-ip' ? new SourceIpPersistence(spec.stickyTimeout * 1_000_000) : null;
    this.countsConnections = countsConnections(spec.scheduler);
    this.lvsInactive = spec.layer === 4 && this.countsConnections;
  }

  get source(): RouteSource {
    return this.spec.source;
  }
}

const NO_MEMBERS: readonly number[] = [];

export class ScopeTable {
  readonly scopes: ScopeRuntime[] = [];
  readonly backends: BackendInfo[] = [];
  private readonly scopeIndex = new Map<string, number>();
  private readonly backendIndex = new Map<string, number>();
  /** Per backend index: (scope, member) pairs of the active scopes, flattened. */
  private membership: number[][] = [];

  constructor(
    private readonly options: ScopeTableOptions,
    /** The listener index of a listener key (defines it on first sight). */
    private readonly listenerOf: (key: string) => number,
  ) {}

  backendOf(ServerId: string, Port: number): number {
    const key = `${ServerId}:${Port}`;
    let i = this.backendIndex.get(key);
    if (i === undefined) {
      i = this.backends.length;
      this.backends.push({ index: i, ServerId, Port, key });
      this.backendIndex.set(key, i);
      this.options.observer?.backendDefined?.(i, ServerId, Port);
    }
    return i;
  }

  findBackend(ServerId: string, Port: number): number {
    return this.backendIndex.get(`${ServerId}:${Port}`) ?? -1;
  }

  /** The index of the scope that holds `key` now (-1 when none). */
  indexOf(key: string): number {
    return this.scopeIndex.get(key) ?? -1;
  }

  byKey(key: string): ScopeRuntime | undefined {
    const i = this.scopeIndex.get(key);
    return i === undefined ? undefined : this.scopes[i];
  }

  /** (scope, member) pairs, flattened, of the active scopes that have `backend` as a member. */
  membersOf(backend: number): readonly number[] {
    return this.membership[backend] ?? NO_MEMBERS;
  }

  // ---- health verdicts -----------------------------------------------------------------------

  /** Whether a member's eligibility follows a health check (the secondary of a primary/secondary group's does not). */
  isChecked(s: ScopeRuntime, member: number): boolean {
    return s.spec.health.on && !(s.spec.source === 'master-slave' && member > 0);
  }

  /** The member's current verdict (members start healthy). */
  verdict(scope: number, member: number): boolean {
    return this.scopes[scope].healthy[member] === 1;
  }

  /** Whether `member` of `scope` is still `backend` in an active scope (a verdict made earlier still applies). */
  holds(scope: number, member: number, backend: number): boolean {
    const s = this.scopes[scope];
    return s.active && s.backends[member] === backend;
  }

  /** A health check changed its verdict on a member of a scope. */
  setHealth(scope: number, member: number, healthy: boolean, cause = 'health'): void {
    const s = this.scopes[scope];
    const v = healthy ? 1 : 0;
    if (s.healthy[member] === v) return;
    s.healthy[member] = v;
    if (this.refreshEligibility(s)) this.startEpoch(s, cause);
  }

  // ---- following the topology ----------------------------------------------------------------

  /** Follow a newly compiled topology, carrying scheduler state and verdicts by scope key. */
  sync(compiled: CompiledTopology, cause: string): void {
    const seen = new Set<string>();
    for (const spec of compiled.scopes.values()) {
      seen.add(spec.key);
      const existing = this.scopeIndex.get(spec.key);
      if (existing === undefined) this.define(spec, cause, new Map());
      else if (schedulingChanged(this.scopes[existing].spec, spec))
        this.redefine(this.scopes[existing], spec, cause);
      else this.update(this.scopes[existing], spec, cause);
    }
    for (const s of this.scopes)
      if (!seen.has(s.key) || this.scopeIndex.get(s.key) !== s.index) s.active = false;
    this.rebuildMembership();
  }

  /**
   * Another scheduler or stickiness is another upstream: the old scope retires and a new one
   * (fresh scheduler state, its own ScopeDefined) takes over the key, with the old verdicts.
   */
  private redefine(old: ScopeRuntime, spec: ScopeSpec, cause: string): void {
    old.active = false;
    this.define(spec, cause, verdictsOf(old));
  }

  private define(spec: ScopeSpec, cause: string, previousHealth: Map<string, number>): void {
    const index = this.scopes.length;
    const o = this.options;
    const shape = o.clusterByListener?.[spec.listenerKey] ?? o.cluster;
    const cluster = new SchedulerCluster(
      { name: spec.scheduler, layer: spec.layer },
      shape.nodes,
      shape.workers,
      o.seed,
      spec.key,
    );
    const s = new ScopeRuntime(spec, index, cluster);
    this.scopes.push(s);
    this.scopeIndex.set(spec.key, index);
    o.observer?.scopeDefined?.(index, this.listenerOf(spec.listenerKey), spec, cluster.deterministic);
    this.setMembers(s, previousHealth, previousHealth.size === 0 ? 'start' : cause);
  }

  private update(s: ScopeRuntime, spec: ScopeSpec, cause: string): void {
    const previousHealth = verdictsOf(s);
    const changed =
      !s.active ||
      s.memberKeys.length !== spec.members.length ||
      spec.members.some((m, i) => `${m.ServerId}:${m.Port}` !== s.memberKeys[i] || m.Weight !== s.weights[i]);
    s.active = true;
    s.spec = spec;
    if (changed) this.setMembers(s, previousHealth, cause);
  }

  private setMembers(s: ScopeRuntime, previousHealth: Map<string, number>, cause: string): void {
    const members = s.spec.members;
    const n = members.length;
    const previousKeys = s.memberKeys;
    s.backends = new Int32Array(n);
    s.weights = new Int32Array(n);
    s.healthy = new Uint8Array(n);
    s.eligible = new Uint8Array(n);
    s.memberKeys = [];
    s.memberSid = [];
    s.sidToMember = new Map();
    members.forEach((m, i) => {
      const key = `${m.ServerId}:${m.Port}`;
      s.backends[i] = this.backendOf(m.ServerId, m.Port);
      s.weights[i] = m.Weight;
      s.healthy[i] = previousHealth.get(key) ?? 1;
      s.memberKeys.push(key);
      const sid = stickyCookieValue(key);
      s.memberSid.push(sid);
      if (!s.sidToMember.has(sid)) s.sidToMember.set(sid, i);
    });
    // Source-IP persistence entries name members by index: follow them to their new index.
    s.persistence?.remapKeys(previousKeys, s.memberKeys);
    this.refreshEligibility(s);
    this.startEpoch(s, cause);
  }

  /** Recompute eligibility from weights and verdicts; true when the eligible set changed. */
  private refreshEligibility(s: ScopeRuntime): boolean {
    const n = s.weights.length;
    let changed = false;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const e = s.weights[i] > 0 && (!this.isChecked(s, i) || s.healthy[i] === 1) ? 1 : 0;
      if (s.eligible[i] !== e) changed = true;
      s.eligible[i] = e;
      count += e;
    }
    s.eligibleCount = count;
    return changed;
  }

  private startEpoch(s: ScopeRuntime, cause: string): void {
    s.cluster.update({ keys: s.memberKeys, weights: s.weights, eligible: s.eligible });
    s.epoch++;
    const n = s.weights.length;
    const members: EpochMember[] = [];
    // A primary/secondary group sends everything to one server: the primary while it is eligible,
    // else the secondary; the epoch names that one server as the only eligible member.
    const ms = s.mode === PICK_FAILOVER;
    for (let i = 0; i < n; i++) {
      const inUse = ms ? s.eligible[i] === 1 && (i === 0 || s.eligible[0] === 0) : s.eligible[i] === 1;
      members.push({ backend: s.backends[i], Weight: s.weights[i], eligible: inUse });
    }
    const cycle = ms ? (members.some((m) => m.eligible) ? 1 : 0) : s.cluster.cycleLength;
    this.options.observer?.epochStarted?.(s.index, s.epoch, members, cycle, cause);
  }

  private rebuildMembership(): void {
    const membership: number[][] = [];
    for (const s of this.scopes) {
      if (!s.active) continue;
      for (let m = 0; m < s.backends.length; m++) (membership[s.backends[m]] ??= []).push(s.index, m);
    }
    this.membership = membership;
  }
}

/** A scope's verdicts by member key (`ServerId:Port`). */
function verdictsOf(s: ScopeRuntime): Map<string, number> {
  const health = new Map<string, number>();
  for (const [i, k] of s.memberKeys.entries()) health.set(k, s.healthy[i]);
  return health;
}

/** Whether two specs of one scope key schedule differently (scheduler or session persistence). */
function schedulingChanged(a: ScopeSpec, b: ScopeSpec): boolean {
  return (
    a.scheduler !== b.scheduler ||
    a.sticky !== b.sticky ||
    a.cookieName !== b.cookieName ||
    a.stickyTimeout !== b.stickyTimeout
  );
}
