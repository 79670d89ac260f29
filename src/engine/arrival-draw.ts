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
import type { Scenario } from '../scenario/scenario-model.js';
import { apply } from '../topology/apply.js';
import { type FeedRing, FeedWriter } from './arrival-feed.js';
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

/** Draw every arrival of the run into the shards' rings; returns how many were drawn. */
export function drawArrivals(scenario: Scenario, opts: ArrivalDrawOptions): number {
  const seed = opts.seed ?? scenario.seed;
  const source = arrivalSource(scenario, seed, opts.requests ?? scenario.traffic?.requests);
  const writers = opts.rings.map((r) => new FeedWriter(r));
  try {
    if (source.arrivals === null || source.mix === null) return 0;
    const sim = scenario.simulation;
    const until = sim.until ?? Number.POSITIVE_INFINITY;
    const ownership = new ShardOwnership(planCut(scenario, writers.length));
    const draw = new RequestDraw(scenario, seed, source.mix);
    const { state: initial, timeline } = foldInitial(scenario.events);
    let state = initial;
    const balancer = new Balancer(state, scenarioBalancerOptions(scenario, seed));
    const cache = new ResolveCache(balancer.resolver);
    const templates = scenario.traffic!.mix.map((m) => ({ ...m, index: balancer.listenerOf(m.listener) }));
    const scopes = balancer.table.scopes;
    const out = new RouteResult();
    let next = 0;
    let id = 0;
    for (
      let t = source.arrivals.next();
      t !== Number.POSITIVE_INFINITY && t <= until;
      t = source.arrivals.next()
    ) {
      // The world changes first at an instant, then requests arrive (the engine's priorities).
      while (next < timeline.length && timeline[next].at <= t) {
        const result = apply(state, timeline[next++]);
        if (!result.ok) continue;
        if (result.state.LoadBalancers !== state.LoadBalancers) balancer.applyState(result.state, 'timeline');
        state = result.state;
      }
      draw.draw();
      const tpl = templates[draw.template];
      cache.resolve(draw.template, tpl.index, tpl.host, tpl.path, out);
      let shard = 0;
      if (out.outcome === OUTCOME_OK) {
        const s = scopes[out.scope];
        const port = balancer.listeners[out.listener].spec.port;
        shard = ownership.ownerOf(out.scope, s.key, s.cluster!.nodes, port, draw.clientIp, draw.clientPort);
      }
      writers[shard].push(t, id++, draw.template, draw.clientIp, draw.clientPort);
      if ((id & 4095) === 0 && opts.stop !== undefined && Atomics.load(opts.stop, 0) === 1) break;
    }
    return id;
  } finally {
    for (const w of writers) w.end();
  }
}
