/**
 * The model's routing world over time, for checking a log whose rows may come in any order: one
 * `Balancer` (the engine's own routing code) per topology version — the state folded with
 * `stateAt` at time 0 and at every later timeline instant — and the server groups each listener
 * can send to, as *group slots*: one per (listener, group), with every backend the group holds in
 * any version and the IP each is reached at (the entry's `ServerIp`, else the ECS
 * `PrivateIpAddress`).
 *
 * A group is keyed as in `slbsim compare`: the VServerGroupId, or `default@<LoadBalancerId>` for
 * the default server pool (whose port is each listener's BackendServerPort).
 */
import { Balancer, RouteResult } from '../routing/balancer.js';
import { OUTCOME_LISTENER_STOPPED, OUTCOME_NO_LISTENER } from '../routing/outcomes.js';
import type { ScopeSpec } from '../routing/route-compiler.js';
import { stateAt } from '../scenario/fold-at.js';
import type { Scenario } from '../scenario/scenario-model.js';
import type { LoadBalancer, TopologyState } from '../topology/types.js';

/** One server group as one listener sends to it. */
export interface GroupSlot {
  readonly index: number;
  readonly listener: string;
  /** VServerGroupId, MasterSlaveServerGroupId, or `default@<LoadBalancerId>`. */
  readonly group: string;
  readonly groupName: string;
  /** `ServerId:Port` per backend, in order of first appearance over the versions. */
  readonly backends: string[];
  readonly backendIndex: Map<string, number>;
  /** `IP:port` per backend ('' when the scenario gives no IP for it). */
  readonly addresses: string[];
  /** Scheduler, stickiness of the scopes that use the group (the last version's). */
  scheduler: string;
  sticky: string;
}

/** A scheduling scope as the log check knows it (by the balancer's stable scope key). */
export interface ScopeInfo {
  readonly index: number;
  readonly key: string;
  readonly slot: number;
  /** `rule <RuleName>`, `listener group` or `default pool`. */
  readonly label: string;
  readonly RuleName: string | null;
  readonly scheduler: string;
  readonly sticky: string;
}

export const ROUTE_OK = 0;
export const ROUTE_NO_LISTENER = 1;
export const ROUTE_STOPPED = 2;

/** Where the model sends a (listener, host, path): a scope, or a refusal. */
export interface ModelRoute {
  readonly outcome: number;
  /** ScopeInfo index, -1 when refused. */
  readonly scope: number;
  readonly slot: number;
}

/** A listener of one version: its key and the groups it can send to. */
export interface VersionListener {
  readonly key: string;
  readonly protocol: string;
  /** The balancer's listener index in this version. */
  readonly runtime: number;
  /** The group slots this listener can reach in this version. */
  readonly slots: readonly number[];
}

export interface TopologyVersion {
  /** Scenario µs at which this version starts (0 for the initial one). */
  readonly fromUs: number;
  readonly state: TopologyState;
  readonly balancer: Balancer;
  /** `<LoadBalancerId>:<port>` → the layer-7 listener there. */
  readonly listenersByPort: ReadonlyMap<string, VersionListener>;
  /** `<LoadBalancerId>:<port>` of layer-4 listeners (they write no access log). */
  readonly layer4Ports: ReadonlySet<string>;
}

function groupKeyOf(spec: ScopeSpec): string {
  return spec.groupId ?? `default@${spec.LoadBalancerId}`;
}

function scopeLabel(spec: ScopeSpec): string {
  if (spec.source === 'rule' && spec.rule) return `rule ${spec.rule.RuleName}`;
  if (spec.source === 'listener-vserver-group') return 'listener group';
  if (spec.source === 'master-slave') return 'primary/secondary group';
  return 'default pool';
}

/** IP of each (ServerId, Port) of a load balancer: the entry's ServerIp, else the ECS private IP. */
function ipResolver(state: TopologyState, lb: LoadBalancer): (ServerId: string, Port: number) => string {
  const ecs = new Map<string, string>();
  for (const i of state.Instances) if (i.PrivateIpAddress) ecs.set(i.InstanceId, i.PrivateIpAddress);
  const byEntry = new Map<string, string>();
  for (const g of lb.VServerGroups)
    for (const e of g.BackendServers) if (e.ServerIp) byEntry.set(`${e.ServerId}:${e.Port}`, e.ServerIp);
  const byServer = new Map<string, string>();
  for (const e of lb.BackendServers) if (e.ServerIp) byServer.set(e.ServerId, e.ServerIp);
  for (const g of lb.MasterSlaveServerGroups)
    for (const e of g.MasterSlaveBackendServers)
      if (e.ServerIp) byEntry.set(`${e.ServerId}:${e.Port}`, e.ServerIp);
  return (ServerId, Port) =>
    byEntry.get(`${ServerId}:${Port}`) ?? byServer.get(ServerId) ?? ecs.get(ServerId) ?? '';
}

export class TopologyVersions {
  readonly versions: TopologyVersion[] = [];
  readonly slots: GroupSlot[] = [];
  readonly scopes: ScopeInfo[] = [];
  private readonly slotIndex = new Map<string, number>();
  private readonly scopeIndex = new Map<string, number>();
  private readonly starts: Float64Array;
  private readonly out = new RouteResult();
  /** Backends the scenario gives no IP for (`ServerId:Port`), so no row can be matched to them. */
  readonly unaddressed = new Set<string>();

  constructor(scenario: Scenario) {
    const times = [0, ...new Set(scenario.events.filter((e) => e.at > 0).map((e) => e.at))].sort(
      (a, b) => a - b,
    );
    const sim = scenario.simulation;
    for (const fromUs of times) {
      const { state } = stateAt(scenario, fromUs);
      const balancer = new Balancer(state, {
        seed: scenario.seed,
        ruleMatching: sim.ruleMatching,
        l4Order: sim.l4Order,
        cluster: { nodes: 1, workers: 1 },
      });
      this.versions.push(this.index(fromUs, state, balancer));
    }
    this.starts = Float64Array.from(times);
  }

  /** The version in force at scenario time `t` (µs); rows before 0 see the initial topology. */
  versionAt(t: number, hint: number): number {
    const s = this.starts;
    let v = hint;
    if (v < s.length && s[v] <= t && (v + 1 === s.length || s[v + 1] > t)) return v;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid] <= t) lo = mid;
      else hi = mid - 1;
    }
    v = lo;
    return v;
  }

  /** The model's route for a request on a listener of a version. */
  route(version: number, listener: VersionListener, host: string, path: string): ModelRoute {
    const v = this.versions[version];
    const out = this.out;
    v.balancer.resolve(listener.runtime, host, path, out);
    if (out.outcome === OUTCOME_NO_LISTENER) return { outcome: ROUTE_NO_LISTENER, scope: -1, slot: -1 };
    if (out.outcome === OUTCOME_LISTENER_STOPPED) return { outcome: ROUTE_STOPPED, scope: -1, slot: -1 };
    const spec = v.balancer.scopes[out.scope].spec;
    const scope = this.scopeIndex.get(spec.key)!;
    return { outcome: ROUTE_OK, scope, slot: this.scopes[scope].slot };
  }

  scopeByKey(key: string): number {
    return this.scopeIndex.get(key) ?? -1;
  }

  private index(fromUs: number, state: TopologyState, balancer: Balancer): TopologyVersion {
    const listenersByPort = new Map<string, VersionListener>();
    const layer4Ports = new Set<string>();
    const lbs = new Map(state.LoadBalancers.map((lb) => [lb.LoadBalancerId, lb]));
    const ipOf = new Map<string, (ServerId: string, Port: number) => string>();
    for (const [key, spec] of balancer.topology.listeners) {
      const portKey = `${spec.LoadBalancerId}:${spec.port}`;
      if (spec.layer === 4) {
        layer4Ports.add(portKey);
        continue;
      }
      const lb = lbs.get(spec.LoadBalancerId)!;
      let ip = ipOf.get(lb.LoadBalancerId);
      if (ip === undefined) {
        ip = ipResolver(state, lb);
        ipOf.set(lb.LoadBalancerId, ip);
      }
      const slots: number[] = [];
      const scopeKeys = [...spec.ruleScopes, spec.groupScope, spec.defaultScope].filter(
        (k): k is string => k !== null && k !== '',
      );
      for (const sk of scopeKeys) {
        const s = balancer.topology.scopes.get(sk)!;
        const slot = this.slotFor(key, s, ip);
        if (!slots.includes(slot)) slots.push(slot);
        this.scopeFor(s, slot);
      }
      listenersByPort.set(portKey, {
        key,
        protocol: spec.protocol,
        runtime: balancer.listenerOf(key),
        slots,
      });
    }
    return { fromUs, state, balancer, listenersByPort, layer4Ports };
  }

  private slotFor(listener: string, spec: ScopeSpec, ip: (ServerId: string, Port: number) => string): number {
    const group = groupKeyOf(spec);
    const k = `${listener}|${group}`;
    let i = this.slotIndex.get(k);
    if (i === undefined) {
      i = this.slots.length;
      this.slots.push({
        index: i,
        listener,
        group,
        groupName: spec.groupId === null ? 'default' : spec.groupName,
        backends: [],
        backendIndex: new Map(),
        addresses: [],
        scheduler: spec.scheduler,
        sticky: spec.sticky,
      });
      this.slotIndex.set(k, i);
    }
    const slot = this.slots[i];
    if (spec.source !== 'rule' || slot.scheduler === '') {
      slot.scheduler = spec.scheduler;
      slot.sticky = spec.sticky;
    }
    for (const m of spec.members) {
      const b = `${m.ServerId}:${m.Port}`;
      if (slot.backendIndex.has(b)) continue;
      const addr = ip(m.ServerId, m.Port);
      if (addr === '') this.unaddressed.add(b);
      slot.backendIndex.set(b, slot.backends.length);
      slot.backends.push(b);
      slot.addresses.push(addr === '' ? '' : `${addr}:${m.Port}`);
    }
    return i;
  }

  private scopeFor(spec: ScopeSpec, slot: number): void {
    if (this.scopeIndex.has(spec.key)) return;
    const index = this.scopes.length;
    this.scopes.push({
      index,
      key: spec.key,
      slot,
      label: scopeLabel(spec),
      RuleName: spec.rule?.RuleName ?? null,
      scheduler: spec.scheduler,
      sticky: spec.sticky,
    });
    this.scopeIndex.set(spec.key, index);
  }
}
