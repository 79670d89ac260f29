/**
 * Which shard owns an arrival of a synthetic run, from what was drawn for it (time, template,
 * client) alone: the template resolved against the topology of its time (the timeline's events
 * applied as the engine applies them: before the arrivals of their instant) to the scope it lands
 * in, and that scope's owner in the cut (engine/shard-cut.ts) — by client where the scope is cut by
 * CLB node. Nothing here picks a backend: that is the shards' work.
 *
 * Used where arrivals are drawn once for several shards (`--workers`, engine/draw-board.ts): per
 * arrival a timeline check and a per-template cache look-up, a few nanoseconds.
 */
import { Balancer } from '../routing/balancer.js';
import { OUTCOME_OK } from '../routing/outcomes.js';
import { ResolveCache } from '../routing/resolve-cache.js';
import type { Resolver } from '../routing/resolver.js';
import { RouteResult } from '../routing/route-result.js';
import type { Scenario, ScheduledEvent } from '../scenario/scenario-model.js';
import { apply } from '../topology/apply.js';
import type { TopologyState } from '../topology/types.js';
import { foldInitial, scenarioBalancerOptions } from './run-start.js';
import { type ShardCut, ShardOwnership } from './shard-cut.js';

export class ArrivalOwners {
  private readonly ownership: ShardOwnership;
  private readonly timeline: readonly ScheduledEvent[];
  private state: TopologyState;
  private readonly balancer: Balancer;
  private readonly resolver: Resolver;
  private readonly cache: ResolveCache;
  private readonly templates: readonly {
    readonly index: number;
    readonly host: string;
    readonly path: string;
  }[];
  private readonly out = new RouteResult();
  /** Per template: its requests' shard (≥ 0) or -1 (a scope cut by node: per client), for `ownerVersion`. */
  private readonly ownerOfTemplate: Int32Array;
  private readonly ownerVersion: Int32Array;
  private nextEvent = 0;
  /** When the next timeline event applies (Infinity after the last): the owners hold until then. */
  nextAt: number;

  /** `cut`: the run's cut (`planCut(scenario, shards)`, the same in every shard). */
  constructor(scenario: Scenario, seed: string, cut: ShardCut) {
    this.ownership = new ShardOwnership(cut);
    const { state, timeline } = foldInitial(scenario.events);
    this.state = state;
    this.timeline = timeline;
    this.nextAt = timeline.length > 0 ? timeline[0].at : Number.POSITIVE_INFINITY;
    this.balancer = new Balancer(state, scenarioBalancerOptions(scenario, seed));
    this.resolver = this.balancer.resolver;
    this.cache = new ResolveCache(this.resolver);
    const mix = scenario.traffic?.mix ?? [];
    this.templates = mix.map((m) => ({
      index: this.balancer.listenerOf(m.listener),
      host: m.host,
      path: m.path,
    }));
    this.ownerOfTemplate = new Int32Array(this.templates.length);
    this.ownerVersion = new Int32Array(this.templates.length).fill(-1);
  }

  /** The shard of the arrival at `t` of `template` from `clientIp:clientPort` (arrivals in time order). */
  ownerOf(t: number, template: number, clientIp: number, clientPort: number): number {
    if (this.nextAt <= t) this.applyUntil(t);
    const owner =
      this.ownerVersion[template] === this.resolver.version
        ? this.ownerOfTemplate[template]
        : this.templateOwner(template);
    return owner >= 0 ? owner : this.ownerOfClient(template, clientIp, clientPort);
  }

  /**
   * Per template, the shard of its requests until `nextAt`, or -1 where the shard depends on the
   * client (`ownerOfClient`). Valid for arrivals at or after the last `ownerOf` time and before
   * `nextAt`; the array is the owners' own (read it, do not keep it past `nextAt`).
   */
  templateOwners(): Int32Array {
    for (let i = 0; i < this.templates.length; i++)
      if (this.ownerVersion[i] !== this.resolver.version) this.templateOwner(i);
    return this.ownerOfTemplate;
  }

  /**
   * Whether every arrival's shard follows from its template and client alone, whatever its time:
   * each template reaches the same scope (or none) in every state of the timeline, so its owner —
   * or, in a scope cut by CLB node, the rule that takes the owner from the client — never changes.
   * Walks the timeline: call it on an instance made for the purpose, before any `ownerOf`.
   */
  ownershipIsStatic(): boolean {
    const signature = () =>
      Array.from(this.templateOwners(), (owner, template) => {
        if (owner >= 0) return String(owner);
        const out = this.resolve(template);
        const s = this.balancer.table.scopes[out.scope];
        return `${s.key}@${s.cluster!.nodes}:${this.balancer.listeners[out.listener].spec.port}`;
      }).join('|');
    const first = signature();
    while (this.nextAt !== Number.POSITIVE_INFINITY) {
      this.applyUntil(this.nextAt);
      if (signature() !== first) return false;
    }
    return true;
  }

  /** Resolve `template` for the resolver's version: the shard of all its requests, or -1 (by client). */
  private templateOwner(template: number): number {
    const out = this.resolve(template);
    const owner =
      out.outcome !== OUTCOME_OK
        ? 0
        : this.ownership.scopeOwner(out.scope, this.balancer.table.scopes[out.scope].key);
    this.ownerOfTemplate[template] = owner;
    this.ownerVersion[template] = this.resolver.version;
    return owner;
  }

  /** The shard of a request of `template` from this client, in a scope cut by CLB node. */
  ownerOfClient(template: number, clientIp: number, clientPort: number): number {
    const out = this.resolve(template);
    const balancer = this.balancer;
    const s = balancer.table.scopes[out.scope];
    const port = balancer.listeners[out.listener].spec.port;
    return this.ownership.ownerOf(out.scope, s.key, s.cluster!.nodes, port, clientIp, clientPort);
  }

  private resolve(template: number): RouteResult {
    const tpl = this.templates[template];
    this.cache.resolve(template, tpl.index, tpl.host, tpl.path, this.out);
    return this.out;
  }

  private applyUntil(t: number): void {
    const timeline = this.timeline;
    while (this.nextEvent < timeline.length && timeline[this.nextEvent].at <= t) {
      const result = apply(this.state, timeline[this.nextEvent++]);
      if (!result.ok) continue;
      if (result.state.LoadBalancers !== this.state.LoadBalancers)
        this.balancer.applyState(result.state, 'timeline');
      this.state = result.state;
    }
    this.nextAt = this.nextEvent < timeline.length ? timeline[this.nextEvent].at : Number.POSITIVE_INFINITY;
  }
}
