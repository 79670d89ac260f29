/**
 * The drawing side of the arrival feed (engine/arrival-feed.ts): every arrival of a synthetic run
 * — its time from the `arrivals` stream, its template and client from the `mix` and `clients`
 * streams, exactly as the engine draws them — resolved against the topology of its time (the
 * timeline's events applied as the engine applies them: before the arrivals of their instant) to
 * the scope it lands in, and appended to the ring of the shard that owns it. Nothing here picks a
 * backend or writes a journal: that is the shards' work.
 */
import { Balancer } from '../routing/balancer.js';
import { OUTCOME_OK } from '../routing/outcomes.js';
import { ResolveCache } from '../routing/resolve-cache.js';
import { RouteResult } from '../routing/route-result.js';
import type { Scenario, ScheduledEvent } from '../scenario/scenario-model.js';
import { apply } from '../topology/apply.js';
import type { TopologyState } from '../topology/types.js';
import type { AliasTable } from './alias.js';
import { type FeedRing, FeedWriter } from './arrival-feed.js';
import type { ArrivalStream } from './arrivals.js';
import { RequestDraw } from './client-draw.js';
import { arrivalSource, foldInitial, scenarioBalancerOptions } from './run-start.js';
import { planCut, ShardOwnership } from './shard-cut.js';

export interface ArrivalDrawOptions {
  readonly seed?: string;
  readonly requests?: number;
  /** One ring per shard, in shard order. */
  readonly rings: readonly FeedRing[];
  /** Polled every few thousand arrivals: 1 stops the draw (Ctrl-C); the shards then end early. */
  readonly stop?: Int32Array;
}

/** Arrivals drawn per call of `ArrivalDrawer.drawSome`: every ring has room for them first. */
const CHUNK = 4096;
/** Chunks between two yields to the event loop (signals, the pool's messages). */
const CHUNKS_PER_YIELD = 32;

/**
 * Draw every arrival of the run into the shards' rings; resolves to how many were drawn. Runs on
 * the main thread beside the shards' workers: it waits for room without blocking the event loop and
 * yields to it every few thousand arrivals, so the pool keeps dispatching and Ctrl-C is seen.
 */
export async function drawArrivals(scenario: Scenario, opts: ArrivalDrawOptions): Promise<number> {
  const seed = opts.seed ?? scenario.seed;
  const source = arrivalSource(scenario, seed, opts.requests ?? scenario.traffic?.requests);
  const writers = opts.rings.map((r) => new FeedWriter(r));
  try {
    if (source.arrivals === null || source.mix === null) return 0;
    const drawer = new ArrivalDrawer(scenario, seed, source.arrivals, source.mix, writers);
    for (let chunks = 1; ; chunks++) {
      if (opts.stop !== undefined && Atomics.load(opts.stop, 0) === 1) break;
      for (const w of writers) if (w.room() < CHUNK) await w.roomFor(CHUNK, opts.stop);
      if (!drawer.drawSome(CHUNK)) break;
      if (chunks % CHUNKS_PER_YIELD === 0) await new Promise<void>((done) => setImmediate(done));
    }
    return drawer.drawn;
  } finally {
    for (const w of writers) w.end();
  }
}

/**
 * The drawing loop, a chunk per call: a method V8 optimizes as a whole and re-enters cheaply (one
 * loop over the whole run in one function stays on on-stack replacement after the first deopt,
 * measured at twice the cost per arrival).
 */
class ArrivalDrawer {
  drawn = 0;
  private readonly until: number;
  private readonly ownership: ShardOwnership;
  private readonly draw: RequestDraw;
  private readonly timeline: readonly ScheduledEvent[];
  private state: TopologyState;
  private readonly balancer: Balancer;
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
  private t: number;

  constructor(
    scenario: Scenario,
    seed: string,
    private readonly arrivals: ArrivalStream,
    mix: AliasTable,
    private readonly writers: readonly FeedWriter[],
  ) {
    this.until = scenario.simulation.until ?? Number.POSITIVE_INFINITY;
    this.ownership = new ShardOwnership(planCut(scenario, writers.length));
    this.draw = new RequestDraw(scenario, seed, mix);
    const { state, timeline } = foldInitial(scenario.events);
    this.state = state;
    this.timeline = timeline;
    this.balancer = new Balancer(state, scenarioBalancerOptions(scenario, seed));
    this.cache = new ResolveCache(this.balancer.resolver);
    this.templates = scenario.traffic!.mix.map((m) => ({
      index: this.balancer.listenerOf(m.listener),
      host: m.host,
      path: m.path,
    }));
    this.ownerOfTemplate = new Int32Array(this.templates.length);
    this.ownerVersion = new Int32Array(this.templates.length).fill(-1);
    this.t = arrivals.next();
  }

  /** Draw up to `max` arrivals; false when the run has no more. */
  drawSome(max: number): boolean {
    const { draw, writers } = this;
    for (let n = 0; n < max; n++) {
      const t = this.t;
      if (t === Number.POSITIVE_INFINITY || t > this.until) return false;
      // The world changes first at an instant, then requests arrive (the engine's priorities).
      if (this.nextEvent < this.timeline.length && this.timeline[this.nextEvent].at <= t) this.applyUntil(t);
      draw.draw();
      const template = draw.template;
      let owner =
        this.ownerVersion[template] === this.resolver.version
          ? this.ownerOfTemplate[template]
          : this.templateOwner(template);
      if (owner < 0) owner = this.ownerOfClient(template);
      writers[owner].push(t, this.drawn++, template, draw.clientIp, draw.clientPort);
      this.t = this.arrivals.next();
    }
    return true;
  }

  private get resolver() {
    return this.balancer.resolver;
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

  /** The shard of the last drawn request of `template`, in a scope cut by CLB node. */
  private ownerOfClient(template: number): number {
    const out = this.resolve(template);
    const balancer = this.balancer;
    const s = balancer.table.scopes[out.scope];
    const port = balancer.listeners[out.listener].spec.port;
    const { clientIp, clientPort } = this.draw;
    return this.ownership.ownerOf(out.scope, s.key, s.cluster!.nodes, port, clientIp, clientPort);
  }

  private resolve(template: number): RouteResult {
    const tpl = this.templates[template];
    this.cache.resolve(template, tpl.index, tpl.host, tpl.path, this.out);
    return this.out;
  }

  private applyUntil(t: number): void {
    while (this.nextEvent < this.timeline.length && this.timeline[this.nextEvent].at <= t) {
      const result = apply(this.state, this.timeline[this.nextEvent++]);
      if (!result.ok) continue;
      if (result.state.LoadBalancers !== this.state.LoadBalancers)
        this.balancer.applyState(result.state, 'timeline');
      this.state = result.state;
    }
  }
}
