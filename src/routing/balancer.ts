/**
 * The balancer: routing + scheduling as one stateful object, shared by the simulation engine and
 * the live proxy so both decide with the same code.
 *
 * - `resolve` finds the scope a request lands in: a matching rule → the listener's VServer group
 *   (switch on) → the default pool (layer 7); the primary/secondary group | the VServer group |
 *   the default pool (layer 4). Pure matching, cacheable per request template and topology version.
 * - `pick` chooses the member within the scope: session persistence first (SERVERID / rewritten
 *   cookie at layer 7, source IP at layer 4), else the scope's scheduler instance for the node and
 *   worker the client's 4-tuple reaches (cluster model), or the primary/secondary failover.
 * - `applyState` and `setHealth` change the world; every scope whose weights or eligible set
 *   change starts a new epoch, reported to the observer (the engine journals it).
 *
 * Hot path: `resolve` and `pick` write into a reused `RouteResult` and allocate nothing.
 */
import type { ClusterShape } from '../scenario/scenario-model.js';
import { SchedulerCluster } from '../schedulers/cluster.js';
import { hash4, hashIp } from '../schedulers/hash.js';
import type { Scheduler } from '../schedulers/scheduler.js';
import { SourceIpPersistence, stickyCookieValue } from '../schedulers/sticky.js';
import type { SchedulerName, TopologyState } from '../topology/types.js';
import type { Micros } from '../util/duration.js';
import type { RouteSource } from './outcomes.js';
import {
  OUTCOME_BAD_REQUEST,
  OUTCOME_LISTENER_STOPPED,
  OUTCOME_NO_BACKEND,
  OUTCOME_NO_LISTENER,
  OUTCOME_OK,
} from './outcomes.js';
import {
  type CompiledTopology,
  type CompileOptions,
  compileTopology,
  DEFAULT_COMPILE_OPTIONS,
  type ListenerSpec,
  type ScopeSpec,
} from './route-compiler.js';
import { MATCH_BAD_REQUEST } from './rule-matcher.js';

/** One member of a scope as an epoch starts: its backend index, weight and whether it takes picks. */
export interface EpochMember {
  readonly backend: number;
  readonly Weight: number;
  readonly eligible: boolean;
}

export interface BalancerObserver {
  listenerDefined?(index: number, key: string, layer: 4 | 7): void;
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

export interface BalancerOptions extends CompileOptions {
  readonly seed: string;
  readonly cluster: ClusterShape;
  readonly clusterByListener?: Readonly<Record<string, ClusterShape>>;
  readonly observer?: BalancerObserver;
}

/** The reused output of `resolve` + `pick`. */
export class RouteResult {
  outcome = OUTCOME_OK;
  listener = -1;
  scope = -1;
  /** Member index within the scope, -1 when none. */
  member = -1;
  /** Global backend index, -1 when none. */
  backend = -1;
  node = 0;
  worker = 0;
  /** Served by session persistence rather than a scheduler pick. */
  sticky = false;
  /** Cookie value to issue on the response (insert/server modes), null when none. */
  issueCookie: string | null = null;
  /** Hash of the client 4-tuple of the last pick (a retry stays on the same node and worker). */
  tuple = 0;
}

/** A backend: one (ServerId, Port), known to the balancer by a global index. */
export interface BackendInfo {
  readonly index: number;
  readonly ServerId: string;
  readonly Port: number;
  readonly key: string;
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
  healthy = new Uint8Array(0);
  eligible = new Uint8Array(0);
  memberKeys: string[] = [];
  /** Cookie value → member index (insert/server stickiness). */
  sidToMember = new Map<string, number>();
  memberSid: string[] = [];
  persistence: SourceIpPersistence | null = null;
  cluster: SchedulerCluster | null = null;
  /** Number of eligible members (fast "no backend" check). */
  eligibleCount = 0;
  /** Whether picks need the client 4-tuple hash (cluster model or consistent hashing). */
  needsTuple = false;
  /**
   * How `pick` proceeds, decided once per scope: 0 = the scheduler alone, 1 = cookie stickiness,
   * 2 = source-IP persistence, 3 = primary/secondary failover.
   */
  mode = 0;
  /** The scheduler instance of exact mode (one node, one worker), else null. */
  single: Scheduler | null = null;
  /** LVS wlc: a closed connection lingers as an inactive entry (the engine expires it). */
  lvsInactive = false;

  constructor(spec: ScopeSpec, index: number) {
    this.spec = spec;
    this.index = index;
    this.key = spec.key;
  }

  get source(): RouteSource {
    return this.spec.source;
  }
}

export class ListenerRuntime {
  constructor(
    public spec: ListenerSpec,
    readonly index: number,
    public present: boolean,
    /** Scope index per rule index; group/master-slave/default scope indexes (-1 when absent). */
    public ruleScopes: Int32Array,
    public groupScope: number,
    public masterSlaveScope: number,
    public defaultScope: number,
  ) {}
}

export class Balancer {
  private compiled: CompiledTopology;
  private readonly options: BalancerOptions;
  readonly listeners: ListenerRuntime[] = [];
  readonly scopes: ScopeRuntime[] = [];
  readonly backends: BackendInfo[] = [];
  private readonly listenerIndex = new Map<string, number>();
  private readonly scopeIndex = new Map<string, number>();
  private readonly backendIndex = new Map<string, number>();
  /** Bumped by every change that can alter `resolve` results. */
  version = 0;

  constructor(state: TopologyState, options: BalancerOptions) {
    this.options = { ...DEFAULT_COMPILE_OPTIONS, ...options };
    this.compiled = compileTopology(state, this.options);
    this.sync('start');
  }

  get topology(): CompiledTopology {
    return this.compiled;
  }

  /** Index of a listener key (`lb:proto:port`), defining it on first sight (also keys no listener has). */
  listenerOf(key: string): number {
    let i = this.listenerIndex.get(key);
    if (i === undefined) {
      i = this.listeners.length;
      const spec = this.compiled.listeners.get(key);
      const layer = spec?.layer ?? (/:(tcp|udp):/.test(key) ? 4 : 7);
      this.listeners.push(
        new ListenerRuntime(spec ?? placeholderListener(key, layer), i, false, new Int32Array(0), -1, -1, -1),
      );
      this.listenerIndex.set(key, i);
      this.options.observer?.listenerDefined?.(i, key, layer);
    }
    return i;
  }

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

  /**
   * Which scope a request lands in. Sets `out.listener`, `out.scope` and `out.outcome`
   * (OK, or a refusal: no such listener, listener stopped; bad request: nginx would answer 400).
   */
  resolve(listener: number, host: string, path: string, out: RouteResult): void {
    out.listener = listener;
    out.scope = -1;
    out.member = -1;
    out.backend = -1;
    out.sticky = false;
    out.issueCookie = null;
    const l = this.listeners[listener];
    if (l === undefined || !l.present) {
      out.outcome = OUTCOME_NO_LISTENER;
      return;
    }
    if (!l.spec.running) {
      out.outcome = OUTCOME_LISTENER_STOPPED;
      return;
    }
    out.outcome = OUTCOME_OK;
    if (l.spec.layer === 7) {
      const rule = l.spec.matcher!.matchRaw(host, path);
      if (rule === MATCH_BAD_REQUEST) {
        // nginx rejects the URI or Host before any routing: 400, no scope (issue 10).
        out.outcome = OUTCOME_BAD_REQUEST;
        return;
      }
      out.scope = rule >= 0 ? l.ruleScopes[rule] : l.groupScope >= 0 ? l.groupScope : l.defaultScope;
    } else {
      out.scope =
        l.masterSlaveScope >= 0 ? l.masterSlaveScope : l.groupScope >= 0 ? l.groupScope : l.defaultScope;
    }
  }

  /**
   * Choose the member of `out.scope` for a new request or connection. `cookie` is the value of the
   * scope's sticky cookie the client sent (or undefined). `clientIp` is an IPv4 number, `vip`/`vport`
   * the listener's address and port (for the 4-tuple).
   */
  pick(
    out: RouteResult,
    clientIp: number,
    clientPort: number,
    cookie: string | undefined,
    now: Micros,
  ): void {
    const s = this.scopes[out.scope];
    out.sticky = false;
    out.issueCookie = null;
    out.member = -1;
    out.backend = -1;
    if (s.eligibleCount === 0) {
      out.outcome = OUTCOME_NO_BACKEND;
      return;
    }
    const single = s.single;
    if (s.mode === 0 && single !== null && !s.needsTuple) {
      // The common case: one scheduler instance, no stickiness, no hashing.
      const m = single.pick(0);
      out.tuple = 0;
      out.node = 0;
      out.worker = 0;
      if (m < 0) {
        out.outcome = OUTCOME_NO_BACKEND;
        return;
      }
      out.outcome = OUTCOME_OK;
      out.member = m;
      out.backend = s.backends[m];
      return;
    }
    const spec = s.spec;
    // The 4-tuple hash only matters for the cluster model and consistent hashing.
    const tuple = s.needsTuple ? hash4(clientIp, clientPort, 0, this.listeners[out.listener].spec.port) : 0;
    out.tuple = tuple;
    const cluster = s.cluster!;
    cluster.route(tuple);
    out.node = cluster.lastNode;
    out.worker = cluster.lastWorker;
    let m = -1;
    if (spec.source === 'master-slave') {
      // Primary while healthy, else secondary; the secondary is not health-checked.
      m = s.eligible[0] === 1 ? 0 : s.eligible.length > 1 && s.eligible[1] === 1 ? 1 : -1;
    } else {
      const sticky = spec.sticky;
      if (sticky === 'insert' || sticky === 'server') {
        if (cookie !== undefined) {
          const hit = s.sidToMember.get(cookie);
          if (hit !== undefined && s.eligible[hit] === 1) {
            m = hit;
            out.sticky = true;
          }
        }
      } else if (sticky === 'source-ip') {
        const hit = s.persistence!.get(clientIp, now);
        if (hit >= 0 && s.eligible[hit] === 1) {
          m = hit;
          out.sticky = true;
        }
      }
      if (m < 0) {
        m = cluster.pick(keyHash(spec.scheduler, clientIp, tuple), tuple);
        if (m >= 0 && (sticky === 'insert' || sticky === 'server')) out.issueCookie = s.memberSid[m];
      }
      if (m >= 0 && sticky === 'source-ip') s.persistence!.set(clientIp, m, now);
    }
    if (m < 0) {
      out.outcome = OUTCOME_NO_BACKEND;
      return;
    }
    out.outcome = OUTCOME_OK;
    out.member = m;
    out.backend = s.backends[m];
  }

  /**
   * Pick again for a retry after a failed attempt (layer 7, Tengine `proxy_next_upstream error`):
   * the next scheduler pick that is not in `tried` (a per-member stamp array compared to `stamp`).
   * Returns false when every eligible member was tried.
   */
  retry(out: RouteResult, tried: Int32Array, stamp: number): boolean {
    const s = this.scopes[out.scope];
    const cluster = s.cluster!;
    const tuple = out.tuple;
    cluster.route(tuple);
    const limit = 2 * s.backends.length + 2;
    for (let i = 0; i < limit; i++) {
      const m = cluster.pick(tuple, tuple);
      if (m < 0) break;
      if (tried[m] !== stamp) {
        out.member = m;
        out.backend = s.backends[m];
        out.sticky = false;
        out.issueCookie = s.spec.sticky === 'insert' || s.spec.sticky === 'server' ? s.memberSid[m] : null;
        return true;
      }
      cluster.release(cluster.lastNode, cluster.lastWorker, m);
    }
    out.member = -1;
    out.backend = -1;
    return false;
  }

  /**
   * A request or connection on (scope, node, worker, member) to `backend` finished. When the
   * scope's members changed since the pick, the member is found again by its backend.
   */
  release(scope: number, node: number, worker: number, member: number, backend: number): void {
    const s = this.scopes[scope];
    const m = s.backends[member] === backend ? member : s.backends.indexOf(backend);
    if (m < 0) return;
    if (s.single !== null) s.single.release(m);
    else s.cluster?.release(node, worker, m);
  }

  /** LVS: an inactive connection entry expired. */
  expire(scope: number, node: number, worker: number, member: number, backend: number): void {
    const s = this.scopes[scope];
    const m = s.backends[member] === backend ? member : s.backends.indexOf(backend);
    if (m >= 0) s.cluster?.expire(node, worker, m);
  }

  /** A health check changed its verdict on a member of a scope. */
  setHealth(scope: number, member: number, healthy: boolean, cause = 'health'): void {
    const s = this.scopes[scope];
    const v = healthy ? 1 : 0;
    if (s.healthy[member] === v) return;
    s.healthy[member] = v;
    this.refreshEligibility(s, cause);
  }

  /** The topology changed (a timeline event): recompile, carrying scheduler state by scope key. */
  applyState(state: TopologyState, cause: string): void {
    this.compiled = compileTopology(state, this.options);
    this.sync(cause);
  }

  scopeByKey(key: string): ScopeRuntime | undefined {
    const i = this.scopeIndex.get(key);
    return i === undefined ? undefined : this.scopes[i];
  }

  private sync(cause: string): void {
    this.version++;
    const seen = new Set<string>();
    for (const spec of this.compiled.scopes.values()) {
      seen.add(spec.key);
      const existing = this.scopeIndex.get(spec.key);
      if (existing !== undefined && schedulingChanged(this.scopes[existing].spec, spec)) {
        // Another scheduler or stickiness is another upstream: the old scope retires and a new one
        // (fresh scheduler state, its own ScopeDefined) takes over the key.
        const old = this.scopes[existing];
        old.active = false;
        // Health verdicts belong to the listener's checks, not to the scheduler: they carry over.
        const health = new Map<string, number>();
        for (const [i, k] of old.memberKeys.entries()) health.set(k, old.healthy[i]);
        this.defineScope(spec, cause, health);
      } else if (existing === undefined) this.defineScope(spec, cause);
      else this.updateScope(this.scopes[existing], spec, cause);
    }
    for (const s of this.scopes)
      if (!seen.has(s.key) || this.scopeIndex.get(s.key) !== s.index) s.active = false;
    // Listeners that appear in the topology are defined eagerly, in topology order.
    for (const key of this.compiled.listeners.keys()) this.listenerOf(key);
    for (const l of this.listeners) {
      const spec = this.compiled.listeners.get(l.spec.key);
      l.present = spec !== undefined;
      if (spec) {
        l.spec = spec;
        this.bindListener(l);
      }
    }
  }

  private bindListener(l: ListenerRuntime): void {
    const spec = l.spec;
    l.ruleScopes = Int32Array.from(spec.ruleScopes, (k) => this.scopeIndex.get(k)!);
    l.groupScope = spec.groupScope === null ? -1 : this.scopeIndex.get(spec.groupScope)!;
    l.masterSlaveScope = spec.masterSlaveScope === null ? -1 : this.scopeIndex.get(spec.masterSlaveScope)!;
    l.defaultScope = this.scopeIndex.get(spec.defaultScope)!;
  }

  private defineScope(spec: ScopeSpec, cause: string, previousHealth = new Map<string, number>()): void {
    const index = this.scopes.length;
    const s = new ScopeRuntime(spec, index);
    this.scopes.push(s);
    this.scopeIndex.set(spec.key, index);
    const shape = this.options.clusterByListener?.[spec.listenerKey] ?? this.options.cluster;
    s.cluster = new SchedulerCluster(
      { name: spec.scheduler, layer: spec.layer },
      shape.nodes,
      shape.workers,
      this.options.seed,
      spec.key,
    );
    s.single = s.cluster.instances.length === 1 ? s.cluster.instances[0] : null;
    s.lvsInactive = spec.layer === 4 && spec.scheduler === 'wlc';
    s.mode =
      spec.source === 'master-slave'
        ? 3
        : spec.sticky === 'insert' || spec.sticky === 'server'
          ? 1
          : spec.sticky === 'source-ip'
            ? 2
            : 0;
    s.needsTuple =
      s.cluster.instances.length > 1 ||
      spec.scheduler === 'sch' ||
      spec.scheduler === 'tch' ||
      spec.scheduler === 'qch';
    if (spec.sticky === 'source-ip') s.persistence = new SourceIpPersistence(spec.stickyTimeout * 1_000_000);
    this.options.observer?.scopeDefined?.(
      index,
      this.listenerOf(spec.listenerKey),
      spec,
      s.cluster.deterministic,
    );
    this.setMembers(s, spec, previousHealth, cause, previousHealth.size === 0);
  }

  private updateScope(s: ScopeRuntime, spec: ScopeSpec, cause: string): void {
    const previousHealth = new Map<string, number>();
    for (const [i, k] of s.memberKeys.entries()) previousHealth.set(k, s.healthy[i]);
    const changed =
      !s.active ||
      s.memberKeys.length !== spec.members.length ||
      spec.members.some((m, i) => `${m.ServerId}:${m.Port}` !== s.memberKeys[i] || m.Weight !== s.weights[i]);
    s.active = true;
    s.spec = spec;
    if (changed) this.setMembers(s, spec, previousHealth, cause, false);
  }

  private setMembers(
    s: ScopeRuntime,
    spec: ScopeSpec,
    previousHealth: Map<string, number>,
    cause: string,
    first: boolean,
  ): void {
    const n = spec.members.length;
    const previousKeys = s.memberKeys;
    s.backends = new Int32Array(n);
    s.weights = new Int32Array(n);
    s.healthy = new Uint8Array(n);
    s.eligible = new Uint8Array(n);
    s.memberKeys = [];
    s.memberSid = [];
    s.sidToMember = new Map();
    spec.members.forEach((m, i) => {
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
    this.refreshEligibility(s, first ? 'start' : cause, true);
  }

  private refreshEligibility(s: ScopeRuntime, cause: string, force = false): void {
    const n = s.weights.length;
    let changed = force;
    let count = 0;
    for (let i = 0; i < n; i++) {
      // The secondary of a primary/secondary group is not health-checked.
      const checked = s.spec.health.on && !(s.spec.source === 'master-slave' && i > 0);
      const e = s.weights[i] > 0 && (!checked || s.healthy[i] === 1) ? 1 : 0;
      if (s.eligible[i] !== e) changed = true;
      s.eligible[i] = e;
      count += e;
    }
    s.eligibleCount = count;
    if (!changed) return;
    s.cluster!.update({ keys: s.memberKeys, weights: s.weights, eligible: s.eligible });
    s.epoch++;
    const members: EpochMember[] = [];
    // A primary/secondary group sends everything to one server: the primary while it is eligible,
    // else the secondary; the epoch names that one server as the only eligible member.
    const ms = s.spec.source === 'master-slave';
    for (let i = 0; i < n; i++) {
      const inUse = ms ? s.eligible[i] === 1 && (i === 0 || s.eligible[0] === 0) : s.eligible[i] === 1;
      members.push({ backend: s.backends[i], Weight: s.weights[i], eligible: inUse });
    }
    const cycle = ms ? (members.some((m) => m.eligible) ? 1 : 0) : s.cluster!.cycleLength;
    this.options.observer?.epochStarted?.(s.index, s.epoch, members, cycle, cause);
  }
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

/** The consistent-hash key of a request: source IP (sch), the 4-tuple (tch), the connection (qch). */
function keyHash(scheduler: SchedulerName, clientIp: number, tuple: number): number {
  return scheduler === 'sch' ? hashIp(clientIp) : tuple;
}

function placeholderListener(key: string, layer: 4 | 7): ListenerSpec {
  return {
    key,
    LoadBalancerId: key.split(':')[0],
    protocol: layer === 7 ? 'http' : 'tcp',
    port: Number(key.split(':')[2]) || 0,
    layer,
    running: false,
    matcher: null,
    ruleScopes: [],
    groupScope: null,
    masterSlaveScope: null,
    defaultScope: '',
  };
}
