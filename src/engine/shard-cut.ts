/**
 * How a run is cut into shards that replay exactly (docs/SCALE.md): the unit is the scheduling
 * scope — one server group as one listener or rule schedules it — because nothing a request
 * does reaches another scope's state:
 * - its scheduler instances, connection counts, LVS inactive entries, source-IP persistence and
 *   service-time stream (one per scope and CLB node) are the scope's own;
 * - health verdicts, topology changes and faults do not depend on traffic, so every shard
 *   replays all of them and sees the same epochs;
 * - arrivals, the request mix and the clients come from streams no routing decision touches, so
 *   every shard draws every request (and skips the ones it does not own).
 * Two exceptions couple scopes or split them further:
 * - a client's cookie jar (`clients.keepCookies`) carries a sticky cookie from one scope to every
 *   scope that reads a cookie of that name: those scopes form one unit;
 * - a scope without session persistence in cluster mode (nodes > 1) is cut by CLB node: requests
 *   reach a node by the 4-tuple hash and each node's scheduler instances are its own.
 * Units are weighed by the request mix (the share of requests each scope takes at the timeline's
 * states) and dealt to shards largest first, so every shard knows every unit's owner without
 * talking to the others. Requests that reach no scope (no listener, listener stopped, 400) belong
 * to shard 0.
 */
import { Balancer, RouteResult } from '../routing/balancer.js';
import { OUTCOME_OK } from '../routing/outcomes.js';
import { compileTopology } from '../routing/route-compiler.js';
import type { Scenario } from '../scenario/scenario-model.js';
import { nodeOfTuple } from '../schedulers/cluster.js';
import { hash4 } from '../schedulers/hash.js';
import { apply } from '../topology/apply.js';
import { EMPTY_STATE, type TopologyState } from '../topology/types.js';
import { scenarioBalancerOptions } from './run-start.js';

/** Which part of a run this process replays: shard `index` of `count` (0-based). */
export interface ShardOption {
  readonly index: number;
  readonly count: number;
}

/** A unit of the cut: a scope key, scope keys coupled by a cookie, or `key@node`. */
export interface CutUnit {
  readonly name: string;
  readonly scopes: readonly string[];
  /** CLB node, when the unit is one node of a scope cut by node; else null. */
  readonly node: number | null;
  readonly weight: number;
  readonly shard: number;
}

/** Scope states sampled for the weights (the cut must not cost more than the run). */
const MAX_SAMPLED_STATES = 32;

export class ShardCut {
  private readonly ownerByScope = new Map<string, number>();
  /** Scope key → CLB node count, for the scopes cut by node. */
  private readonly nodesByScope = new Map<string, number>();
  private readonly ownerByNode = new Map<string, number>();

  constructor(
    readonly count: number,
    readonly units: readonly CutUnit[],
  ) {
    for (const u of units) {
      if (u.node === null) for (const s of u.scopes) this.ownerByScope.set(s, u.shard);
      else {
        const key = u.scopes[0];
        this.nodesByScope.set(key, Math.max(this.nodesByScope.get(key) ?? 0, u.node + 1));
        this.ownerByNode.set(`${key}@${u.node}`, u.shard);
      }
    }
  }

  /** The shard of a scope's requests, or -1 when the scope is cut by node (see `ownerOfNode`). */
  ownerOfScope(key: string): number {
    if (this.nodesByScope.has(key)) return -1;
    return this.ownerByScope.get(key) ?? 0;
  }

  ownerOfNode(key: string, node: number): number {
    return this.ownerByNode.get(`${key}@${node}`) ?? 0;
  }

  /** Per shard, the weight of its units (the share of the mix it routes). */
  loads(): number[] {
    const load = new Array<number>(this.count).fill(0);
    for (const u of this.units) load[u.shard] += u.weight;
    return load;
  }

  /** The units shard `index` replays, by name. */
  unitsOf(index: number): string[] {
    return this.units.filter((u) => u.shard === index).map((u) => u.name);
  }
}

/**
 * Which shard owns each request, cached per scope index: the one lookup the engine (a shard
 * skipping others' requests of a trace) and the arrival owners (engine/arrival-owner.ts: the
 * arrivals drawn for a shard or a board) share.
 */
export class ShardOwnership {
  /** Per scope index: the owning shard + 1; 0 = not known yet; -1 = cut by node. */
  private owner = new Int32Array(16);

  constructor(private readonly cut: ShardCut) {}

  /**
   * The shard of a request that resolved to `scope` (key `key`, `nodes` CLB nodes, on a listener
   * of port `port`) from the client `clientIp:clientPort`; -1 scope (refused, 400) → shard 0.
   */
  ownerOf(
    scope: number,
    key: string,
    nodes: number,
    port: number,
    clientIp: number,
    clientPort: number,
  ): number {
    if (scope < 0) return 0;
    const o = this.scopeOwner(scope, key);
    if (o >= 0) return o;
    return this.cut.ownerOfNode(key, nodeOfTuple(hash4(clientIp, clientPort, 0, port), nodes));
  }

  /** The shard of every request of `scope` (≥ 0), or -1 when the scope is cut by CLB node. */
  scopeOwner(scope: number, key: string): number {
    if (scope >= this.owner.length) {
      const grown = new Int32Array(Math.max(scope + 1, this.owner.length * 2));
      grown.set(this.owner);
      this.owner = grown;
    }
    let o = this.owner[scope];
    if (o === 0) {
      o = this.cut.ownerOfScope(key) + 1;
      this.owner[scope] = o;
    }
    return o > 0 ? o - 1 : -1;
  }
}

/** The cut of a scenario into `count` shards (the same in every shard: it reads only the scenario). */
export function planCut(scenario: Scenario, count: number): ShardCut {
  const states = timelineStates(scenario);
  const sim = scenario.simulation;
  const keepCookies = scenario.traffic?.clients?.keepCookies ?? false;
  const info = new Map<string, { sticky: boolean; cookie: string | null; nodes: number; weight: number }>();
  const sampled = sample(states, MAX_SAMPLED_STATES);
  const mix = scenario.traffic?.mix ?? [];
  const out = new RouteResult();
  const options = { ruleMatching: sim.ruleMatching, urlMatching: sim.urlMatching, l4Order: sim.l4Order };
  for (const state of states) {
    for (const spec of compileTopology(state, options).scopes.values()) {
      const shape = sim.clusterByListener[spec.listenerKey] ?? sim.cluster;
      const entry = info.get(spec.key) ?? { sticky: false, cookie: null, nodes: shape.nodes, weight: 0 };
      if (spec.sticky !== 'off') entry.sticky = true;
      if (keepCookies && (spec.sticky === 'insert' || spec.sticky === 'server'))
        entry.cookie = spec.cookieName;
      info.set(spec.key, entry);
    }
    if (!sampled.has(state)) continue;
    const b = new Balancer(state, scenarioBalancerOptions(scenario, scenario.seed));
    for (const m of mix) {
      b.resolve(b.listenerOf(m.listener), m.host, m.path, out);
      if (out.outcome !== OUTCOME_OK) continue;
      const entry = info.get(b.scopes[out.scope].key);
      if (entry) entry.weight += m.weight / sampled.size;
    }
  }
  return new ShardCut(count, deal(units(info), count));
}

/** The topology at the start and after each timeline event the fold accepts. */
function timelineStates(scenario: Scenario): TopologyState[] {
  let state = EMPTY_STATE;
  const out: TopologyState[] = [];
  let started = false;
  for (const event of scenario.events) {
    if (event.at > 0 && !started) {
      out.push(state);
      started = true;
    }
    const result = apply(state, event);
    if (!result.ok) continue;
    if (result.state.LoadBalancers !== state.LoadBalancers && started) out.push(result.state);
    state = result.state;
  }
  if (!started) out.push(state);
  return out;
}

function sample<T>(all: readonly T[], max: number): Set<T> {
  if (all.length <= max) return new Set(all);
  const step = all.length / max;
  return new Set(Array.from({ length: max }, (_, i) => all[Math.floor(i * step)]));
}

type UnitDraft = Omit<CutUnit, 'shard'>;

/** Scopes that share a jar cookie as one unit; cookie-free scopes in cluster mode one unit per node. */
function units(
  info: Map<string, { sticky: boolean; cookie: string | null; nodes: number; weight: number }>,
): UnitDraft[] {
  const byCookie = new Map<string, string[]>();
  const out: UnitDraft[] = [];
  // A unit weighs at least a little, so scopes the mix does not reach still spread over shards.
  const floor = 1e-6;
  for (const [key, s] of [...info].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (s.cookie !== null) byCookie.set(s.cookie, [...(byCookie.get(s.cookie) ?? []), key]);
    else if (!s.sticky && s.nodes > 1)
      for (let node = 0; node < s.nodes; node++)
        out.push({ name: `${key}@${node}`, scopes: [key], node, weight: s.weight / s.nodes + floor });
    else out.push({ name: key, scopes: [key], node: null, weight: s.weight + floor });
  }
  for (const [cookie, keys] of byCookie)
    out.push({
      name: `cookie ${cookie}: ${keys.join(', ')}`,
      scopes: keys,
      node: null,
      weight: keys.reduce((w, k) => w + info.get(k)!.weight, 0) + floor,
    });
  return out;
}

/** Largest unit first to the least loaded shard (ties: the lower index), by name when equal. */
function deal(drafts: readonly UnitDraft[], count: number): CutUnit[] {
  const load = new Float64Array(count);
  const sorted = [...drafts].sort((a, b) => b.weight - a.weight || (a.name < b.name ? -1 : 1));
  return sorted.map((u) => {
    let shard = 0;
    for (let i = 1; i < count; i++) if (load[i] < load[shard]) shard = i;
    load[shard] += u.weight;
    return { ...u, shard };
  });
}
