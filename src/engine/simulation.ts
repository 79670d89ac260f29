/**
 * The discrete-event replay of a scenario in simulated time.
 *
 * One synchronous loop merges two sources: the lazily generated arrival stream (or a trace) and a
 * heap of engine events — topology events and faults from the timeline, health-check verdicts,
 * request completions. Ties are ordered (time, priority, sequence number) with priorities
 * topology/fault (0) < health verdict (1) < completion (2) < arrival (3): at one instant the world
 * changes first, then freed connections count, then new requests are routed.
 *
 * A request takes the routing layer's path: resolve (through the per-template cache), pick,
 * forward (the retry policy and sticky cookies of src/routing/forwarder.ts, the same code the live
 * proxy runs); the engine adds what only a simulation has: the clients, the physical liveness of
 * backends (health.ts), service times and the clock.
 *
 * Everything the run does goes into the journal, emitted in column batches on `journal$`; request
 * rows are written in one place (the "journal" section below). Randomness comes only from seeded
 * streams named after their component (arrivals, mix, clients, service, schedulers), so the same
 * seed gives byte-identical output.
 */
// The one rxjs class the engine needs, from its own module: the package index loads ~220 modules,
// which every worker thread of `--workers` would compile again.
import { Subject } from 'rxjs/internal/Subject';
import { JournalBatch } from '../journal/journal-batch.js';
import { journalObserver } from '../journal/journal-observer.js';
import {
  type ControlEntry,
  FLAG_AWAITS_COMPLETION,
  FLAG_COOKIE_ISSUED,
  FLAG_RETRIED,
  FLAG_STICKY,
} from '../journal/journal-rows.js';
import { type ColumnName, readsBeyondCore } from '../journal/row-columns.js';
import { Balancer } from '../routing/balancer.js';
import { FAILURE_CONNECT, FAILURE_CONNECT_TIMEOUT, Forwarder, TriedSet } from '../routing/forwarder.js';
import { OUTCOME_BACKEND_ERROR, OUTCOME_OK } from '../routing/outcomes.js';
import type { Picker } from '../routing/picker.js';
import { ResolveCache } from '../routing/resolve-cache.js';
import { Connection, type ConnectionRef, RouteResult } from '../routing/route-result.js';
import type { ScopeRuntime } from '../routing/scope-table.js';
import { CookieJar } from '../routing/sticky-cookies.js';
import type { Distribution, Scenario, ScheduledEvent } from '../scenario/scenario-model.js';
import type { TraceRow } from '../scenario/trace.js';
import { SINGLE_CLIENT } from '../scenario/traffic-defaults.js';
import { apply } from '../topology/apply.js';
import type { TopologyState } from '../topology/types.js';
import type { ArrivalFeed } from './arrival-feed.js';
import type { ArrivalStream } from './arrivals.js';
import { RequestDraw } from './client-draw.js';
import { EventQueue } from './event-queue.js';
import { HealthModel } from './health.js';
import { InflightRequests } from './inflight.js';
import { InactiveEntries } from './lvs-expiry.js';
import { OwnArrivals } from './own-arrivals.js';
import {
  arrivalSource,
  foldInitial,
  isLatencyModelled,
  memberDistributions,
  runStarted,
  scenarioBalancerOptions,
} from './run-start.js';
import { ServiceStreams } from './service-sampler.js';
import { planCut, type ShardCut, type ShardOption, ShardOwnership } from './shard-cut.js';

const PRIO_WORLD = 0;
const PRIO_HEALTH = 1;
const PRIO_COMPLETION = 2;
const PRIO_ARRIVAL = 3;

const EV_TOPOLOGY = 1;
const EV_FAULT = 2;
const EV_HEALTH = 3;
const EV_COMPLETION = 4;

/** Connect timeout before Tengine tries the next backend when an ECS does not answer (clb-semantics.md §5.4). */
const CONNECT_TIMEOUT_US = 5_000_000;

export interface RunOptions {
  /** Overrides the scenario's seed. */
  readonly seed?: string;
  /** Overrides the scenario's request count (`requests:` or a cap on the phases). */
  readonly requests?: number;
  /** How the scenario is named in the journal (default: its path as loaded). */
  readonly scenarioLabel?: string;
  /** Replay only this shard of the run (docs/SCALE.md): the requests of the units it owns. */
  readonly shard?: ShardOption;
  /**
   * With `shard`: take this shard's arrivals from a feed other threads draw (engine/draw-board.ts,
   * engine/arrival-feed.ts) instead of drawing every arrival and skipping the others'.
   */
  readonly feed?: ArrivalFeed;
  /**
   * The columns the journal's consumers read (`JournalSink.reads`; default: all). When none of
   * them reads a routed column beyond CORE_ROUTED_COLUMNS, routed rows leave those unwritten.
   */
  readonly routedColumns?: readonly ColumnName[];
}

export interface Progress {
  readonly requests: number;
  readonly now: number;
  /** Best estimate of the requests the run will make (0 when unknown). */
  readonly expected: number;
}

interface Template {
  readonly listener: number;
  readonly host: string;
  readonly path: string;
}

/** The request being routed: what its journal row says beside the routing decision. */
class RequestRow {
  id = 0;
  template = 0;
  clientIp = 0;
  clientPort = 0;
  attempts = 0;
  flags = 0;
  /** Connect timeouts of failed attempts, added to the service time (µs). */
  penalty = 0;
}

export class Simulation {
  readonly journal$ = new Subject<JournalBatch>();
  readonly seed: string;
  private readonly batch = new JournalBatch();
  /** Routed rows carry every column (some consumer reads beyond CORE_ROUTED_COLUMNS). */
  private readonly fullRows: boolean;
  private readonly heap = new EventQueue();
  /** The routing world (read by `worldAt` for `slbsim route`; the engine owns it). */
  readonly balancer: Balancer;
  readonly health: HealthModel;
  private readonly picker: Picker;
  /** The scope table's scopes (the array grows in place). */
  private readonly scopes: readonly ScopeRuntime[];
  private readonly forwarder: Forwarder;
  private readonly resolveCache: ResolveCache;
  private readonly route = new RouteResult();
  private readonly row = new RequestRow();
  private readonly tried = new TriedSet();
  private readonly connection = new Connection();
  private state: TopologyState;
  private readonly timeline: ScheduledEvent[];
  private now = 0;
  private requests = 0;
  /** Requests this run journals: all of them, or the shard's own. */
  private routed = 0;
  private finished = false;
  /** The cut when this run is one shard of a run, else null. */
  private readonly cut: ShardCut | null;
  private readonly shardIndex: number;
  private readonly ownership: ShardOwnership | null;
  private readonly until: number;

  // Traffic.
  private readonly arrivals: ArrivalStream | null;
  private readonly trace: Generator<TraceRow> | null;
  private nextArrival = Number.POSITIVE_INFINITY;
  private nextArrivalOrder = 0;
  private readonly templates: Template[] = [];
  /**
   * Template by method, listener, host and path, one map a level: a trace row's fresh strings are
   * hashed once each, where one joined key cost a concatenation, its flattening and the hash of
   * the whole (measured alone on 2 M rows of 105 000 distinct requests: 394–553 ns a row against
   * 571–598). The method comes first: a trace's rows are all GET, so the level of the most
   * distinct values, the path, is the last, where a map per path for its methods had made 105 000
   * maps of one entry.
   */
  private readonly templateIndex = new Map<string, Map<string, Map<string, Map<string, number>>>>();
  private pendingTraceRow: TraceRow | null = null;
  /** The mix and client draws of a synthetic run (null for a trace or a feed). */
  private readonly draw: RequestDraw | null;
  /** The arrivals this shard owns, drawn by another thread (`--workers`), or null. */
  private readonly feed: ArrivalFeed | null;
  /** The clients' cookie jars, when they keep cookies. */
  private readonly jar: CookieJar | null;
  private readonly expected: number;

  // Service time and in-flight requests.
  private readonly service: ServiceStreams;
  private readonly latencyModelled: boolean;
  private distByScope: (Distribution | null)[][] = [];
  private readonly inflight = new InflightRequests();
  private readonly inactive = new InactiveEntries();

  constructor(
    private readonly scenario: Scenario,
    options: RunOptions = {},
  ) {
    this.seed = options.seed ?? scenario.seed;
    this.fullRows = readsBeyondCore(options.routedColumns);
    const seed = this.seed;
    const traffic = scenario.traffic;
    this.until = scenario.simulation.until ?? Number.POSITIVE_INFINITY;
    const { state, timeline, initial } = foldInitial(scenario.events);
    this.state = state;
    this.timeline = timeline;

    const clients = traffic?.clients ?? SINGLE_CLIENT;
    this.jar = clients.keepCookies ? new CookieJar() : null;
    this.service = new ServiceStreams(seed);
    this.latencyModelled = isLatencyModelled(traffic?.service);
    const requestCap = options.requests ?? traffic?.requests;
    this.batch.pushControl(
      runStarted(scenario, seed, options.scenarioLabel, requestCap, this.latencyModelled),
    );
    const shard = options.shard;
    this.cut = shard === undefined ? null : planCut(scenario, shard.count);
    this.ownership = this.cut === null ? null : new ShardOwnership(this.cut);
    this.shardIndex = shard?.index ?? 0;
    if (shard !== undefined)
      this.batch.pushControl({
        type: 'ShardStarted',
        t: 0,
        index: shard.index,
        count: shard.count,
        units: this.cut!.unitsOf(shard.index),
      });

    this.balancer = this.createBalancer(state);
    this.picker = this.balancer.picker;
    this.scopes = this.balancer.table.scopes;
    this.forwarder = new Forwarder(this.balancer);
    this.resolveCache = new ResolveCache(this.balancer.resolver);
    for (const { event, response } of initial)
      this.control({ type: 'TopologyApplied', t: 0, action: event.action, params: event.params, response });
    this.health = this.createHealth(state);
    for (const [i, e] of this.timeline.entries()) this.heap.push(e.at, PRIO_WORLD, EV_TOPOLOGY, i);
    for (const [i, f] of scenario.faults.entries()) this.heap.push(f.at, PRIO_WORLD, EV_FAULT, i);

    const source = arrivalSource(scenario, seed, requestCap);
    this.trace = source.trace;
    // A shard draws every arrival of the run and hands the engine its own (engine/own-arrivals.ts).
    this.feed =
      options.feed ?? (shard === undefined ? null : OwnArrivals.of(scenario, seed, source, shard, this.cut!));
    this.arrivals = this.feed === null ? source.arrivals : null;
    this.draw =
      source.mix === null || this.feed !== null ? null : new RequestDraw(scenario, seed, source.mix);
    this.expected = source.expected;
    if (source.mix !== null)
      for (const m of traffic!.mix) this.defineTemplate(m.listener, m.host, m.path, m.method);
    this.advanceArrival();
  }

  get progress(): Progress {
    return { requests: this.requests, now: this.now, expected: this.expected };
  }

  get done(): boolean {
    return this.finished;
  }

  /**
   * Process up to `maxEvents` events; returns true when the run is complete. Callers may yield to
   * the event loop between calls (progress, Ctrl-C) without changing the result.
   */
  run(maxEvents = Number.POSITIVE_INFINITY): boolean {
    if (this.finished) return true;
    const heap = this.heap;
    let budget = maxEvents;
    while (budget-- > 0) {
      const ta = this.nextArrival;
      const th = heap.peekTime();
      const takeHeap = th < ta || (th === ta && heap.peekOrder() < this.nextArrivalOrder);
      const t = takeHeap ? th : ta;
      if (t === Number.POSITIVE_INFINITY || t > this.until) {
        this.finish(false);
        return true;
      }
      if (this.inactive.pending) this.inactive.expireUntil(t, this.picker);
      this.now = t;
      if (takeHeap) {
        heap.pop();
        this.dispatch(heap.poppedKind, heap.poppedPayload);
      } else {
        this.arrive();
        this.advanceArrival();
      }
    }
    return false;
  }

  /** Stop now (Ctrl-C): the journal ends with a partial RunFinished. */
  interrupt(): void {
    if (!this.finished) this.finish(true);
  }

  // ---- set-up --------------------------------------------------------------------------------

  private createBalancer(state: TopologyState): Balancer {
    const observer = journalObserver(
      (entry) => this.control(entry),
      () => this.now,
    );
    return new Balancer(state, scenarioBalancerOptions(this.scenario, this.seed, observer));
  }

  private createHealth(state: TopologyState): HealthModel {
    const health = new HealthModel(this.balancer.table, (time, slot) =>
      this.heap.push(time, PRIO_HEALTH, EV_HEALTH, slot),
    );
    health.topologyChanged(0);
    for (const i of state.Instances)
      if (i.Status === 'Stopped') health.instanceStatus(0, i.InstanceId, false);
    return health;
  }

  // ---- arrivals ------------------------------------------------------------------------------

  private advanceArrival(): void {
    if (this.feed) {
      this.nextArrival = this.feed.next();
    } else if (this.arrivals) {
      this.nextArrival = this.arrivals.next();
    } else if (this.trace) {
      const next = this.trace.next();
      this.pendingTraceRow = next.done ? null : next.value;
      this.nextArrival = this.pendingTraceRow ? this.pendingTraceRow.t : Number.POSITIVE_INFINITY;
    } else {
      this.nextArrival = Number.POSITIVE_INFINITY;
    }
    if (this.nextArrival !== Number.POSITIVE_INFINITY)
      this.nextArrivalOrder = this.heap.nextOrder(PRIO_ARRIVAL);
  }

  private arrive(): void {
    const r = this.row;
    const trace = this.pendingTraceRow;
    if (trace) {
      r.template = this.defineTemplate(trace.listener, trace.host, trace.path, 'GET');
      r.clientIp = trace.clientIp;
      r.clientPort = trace.clientPort;
    } else if (this.feed) {
      const f = this.feed;
      r.template = f.template;
      r.clientIp = f.clientIp;
      r.clientPort = f.clientPort;
      // The feed numbers every request of the run; this shard sees only its own.
      this.requests = f.id;
    } else {
      const d = this.draw!;
      d.draw();
      r.template = d.template;
      r.clientIp = d.clientIp;
      r.clientPort = d.clientPort;
    }
    r.id = this.requests++;
    r.attempts = 0;
    r.flags = 0;
    r.penalty = 0;
    this.routeRequest(r);
  }

  // ---- the request path ----------------------------------------------------------------------

  /**
   * One request: resolve (through the per-template cache), pick with the client's sticky cookie,
   * fail over from a dead backend, keep the cookie issued, journal it, then hold its connection for
   * the service time or close it at once.
   *
   * Kept as one function on purpose: V8 optimizes it as a unit of its own (too big to be inlined
   * into the event loop), so the calls below it stay within its inlining budget. Split it into
   * small pieces and they are inlined into `run` instead, where the budget runs out (measured:
   * about 10 % fewer requests per second).
   */
  private routeRequest(r: RequestRow): void {
    const out = this.route;
    const now = this.now;
    const tpl = this.templates[r.template];
    this.resolveCache.resolve(r.template, tpl.listener, tpl.host, tpl.path, out);
    if (this.cut !== null && this.feed === null && !this.owns(out, r)) return;
    this.routed++;
    if (out.outcome === OUTCOME_OK) {
      const jar = this.jar;
      const cookie =
        jar === null || this.scopes[out.scope].cookieName === null
          ? undefined
          : this.forwarder.cookieInJar(out, jar, r.clientIp, now);
      this.picker.pick(out, r.clientIp, r.clientPort, cookie, now);
      if (out.sticky) r.flags |= FLAG_STICKY;
      if (out.outcome === OUTCOME_OK) {
        r.attempts = 1;
        if (!this.health.isAlive(out.backend)) this.failOver(r, out);
        if (out.outcome === OUTCOME_OK && out.issueCookie !== null) {
          if (jar !== null) this.forwarder.keepIssued(out, jar, r.clientIp, now);
          r.flags |= FLAG_COOKIE_ISSUED;
        }
      }
    }
    const dist =
      out.outcome === OUTCOME_OK && this.latencyModelled ? this.distributionFor(out.scope, out.member) : null;
    if (dist !== null) r.flags |= FLAG_AWAITS_COMPLETION;
    this.journalRouted(r, out);
    if (out.outcome !== OUTCOME_OK) return;
    if (dist === null) {
      this.finishConnection(out);
      return;
    }
    const latency =
      this.service.sampler(out.scope, this.scopes[out.scope].key, out.node).sample(dist) + r.penalty;
    const slot = this.inflight.add(r.id, now, out);
    this.heap.push(now + latency, PRIO_COMPLETION, EV_COMPLETION, slot);
  }

  /**
   * The picked backend is dead, so the attempt fails: refused (process down) or timed out (ECS
   * stopped: CLB's 5 s connect timeout). The forwarder's policy decides what comes next: the next
   * untried backend at layer 7, nothing at layer 4 (LVS forwards to the dead one).
   */
  private failOver(r: RequestRow, out: RouteResult): void {
    const tried = this.tried;
    tried.clear();
    while (!this.health.isAlive(out.backend)) {
      const failedBackend = out.backend;
      const timedOut = this.health.instanceStopped(failedBackend);
      if (timedOut) r.penalty += CONNECT_TIMEOUT_US;
      if (!this.forwarder.failed(out, timedOut ? FAILURE_CONNECT_TIMEOUT : FAILURE_CONNECT, tried)) {
        // The last failed attempt is the request's answer (502 at layer 7, a failed connection at 4).
        out.outcome = OUTCOME_BACKEND_ERROR;
        return;
      }
      r.flags |= FLAG_RETRIED;
      this.journalAttemptFailed(r, out, failedBackend);
      r.attempts++;
    }
  }

  private complete(slot: number): void {
    const c = this.inflight.connection(slot, this.connection);
    this.finishConnection(c);
    this.journalCompleted(this.inflight.id(slot), c, this.now - this.inflight.start(slot));
    this.inflight.release(slot);
  }

  /** A connection closed: a wlc scheduler counts it; LVS wlc keeps an inactive entry that expires later. */
  private finishConnection(c: ConnectionRef): void {
    const s = this.scopes[c.scope];
    if (s.countsConnections) this.picker.release(c);
    if (s.lvsInactive) this.inactive.push(this.now, c);
  }

  // ---- shards ---------------------------------------------------------------------------------

  /** Whether this shard replays the request `out` resolved (docs/SCALE.md, engine/shard-cut.ts). */
  private owns(out: RouteResult, r: RequestRow): boolean {
    if (out.outcome !== OUTCOME_OK) return this.shardIndex === 0;
    const s = this.scopes[out.scope];
    const port = this.balancer.listeners[out.listener].spec.port;
    return (
      this.ownership!.ownerOf(out.scope, s.key, s.cluster!.nodes, port, r.clientIp, r.clientPort) ===
      this.shardIndex
    );
  }

  // ---- the journal: every request row is written here ---------------------------------------

  private journalRouted(r: RequestRow, out: RouteResult): void {
    // Straight into the batch's columns (the hottest row: no row object in between).
    const b = this.batch;
    const i = b.appendRouted();
    b.t[i] = this.now;
    b.listener[i] = out.listener;
    b.node[i] = out.node;
    b.worker[i] = out.worker;
    b.scope[i] = out.scope;
    b.backend[i] = out.backend;
    b.outcome[i] = out.outcome;
    b.flags[i] = r.flags;
    if (this.fullRows) {
      b.id[i] = r.id;
      b.template[i] = r.template;
      b.clientIp[i] = r.clientIp;
      b.clientPort[i] = r.clientPort;
      b.attempts[i] = r.attempts;
    }
    this.flushIfFull();
  }

  /** A failed attempt on `backend`, before the request's routed row (`out` names the next attempt). */
  private journalAttemptFailed(r: RequestRow, out: RouteResult, backend: number): void {
    const row = this.batch.row;
    row.t = this.now;
    row.id = r.id;
    row.scope = out.scope;
    row.backend = backend;
    row.node = out.node;
    row.worker = out.worker;
    this.batch.pushAttemptFailed(row);
    this.flushIfFull();
  }

  private journalCompleted(id: number, c: ConnectionRef, latency: number): void {
    // Straight into the columns, as the routed row (a row object and the shared store function
    // in between cost ~40 ns a completion).
    const b = this.batch;
    const i = b.appendCompleted();
    b.t[i] = this.now;
    b.scope[i] = c.scope;
    b.backend[i] = c.backend;
    b.latency[i] = latency;
    if (this.fullRows) b.id[i] = id;
    this.flushIfFull();
  }

  private control(entry: ControlEntry): void {
    this.batch.pushControl(entry);
    this.flushIfFull();
  }

  private flushIfFull(): void {
    if (this.batch.full) this.flush();
  }

  private flush(): void {
    if (this.batch.n === 0) return;
    this.journal$.next(this.batch);
    this.batch.clear();
  }

  private finish(partial: boolean): void {
    this.finished = true;
    this.control({ type: 'RunFinished', t: this.now, requests: this.routed, partial });
    this.flush();
    this.journal$.complete();
  }

  // ---- world events --------------------------------------------------------------------------

  private dispatch(kind: number, payload: number): void {
    switch (kind) {
      case EV_TOPOLOGY:
        this.applyTopology(this.timeline[payload]);
        break;
      case EV_FAULT: {
        const f = this.scenario.faults[payload];
        this.control({
          type: 'FaultInjected',
          t: this.now,
          fault: f.kind,
          ServerId: f.ServerId,
          Port: f.Port ?? null,
        });
        this.health.processFault(this.now, f.ServerId, f.Port ?? null, f.kind === 'BackendFailed');
        break;
      }
      case EV_HEALTH:
        this.health.deliver(payload);
        break;
      case EV_COMPLETION:
        this.complete(payload);
        break;
    }
  }

  private applyTopology(event: ScheduledEvent): void {
    const result = apply(this.state, event);
    if (!result.ok) {
      this.control({
        type: 'TopologyRejected',
        t: this.now,
        action: event.action,
        code: result.error.code,
        message: result.error.message,
      });
      return;
    }
    const before = this.state;
    this.state = result.state;
    this.control({
      type: 'TopologyApplied',
      t: this.now,
      action: event.action,
      params: event.params,
      response: result.response,
    });
    if (event.action === 'StopInstance' || event.action === 'StartInstance') {
      const id = String(event.params.InstanceId);
      const running = result.state.Instances.find((i) => i.InstanceId === id)?.Status === 'Running';
      this.health.instanceStatus(this.now, id, running);
    }
    if (before.LoadBalancers !== result.state.LoadBalancers) {
      this.balancer.applyState(result.state, event.action);
      this.distByScope = [];
      this.health.topologyChanged(this.now);
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  private defineTemplate(listenerKey: string, host: string, path: string, method: string): number {
    let listeners = this.templateIndex.get(method);
    if (listeners === undefined) this.templateIndex.set(method, (listeners = new Map()));
    let hosts = listeners.get(listenerKey);
    if (hosts === undefined) listeners.set(listenerKey, (hosts = new Map()));
    let paths = hosts.get(host);
    if (paths === undefined) hosts.set(host, (paths = new Map()));
    const known = paths.get(path);
    if (known !== undefined) return known;
    const template = this.templates.length;
    this.templates.push({ listener: this.balancer.listenerOf(listenerKey), host, path });
    paths.set(path, template);
    this.resolveCache.reserve(template);
    this.control({ type: 'TemplateDefined', t: this.now, template, host, path, method });
    return template;
  }

  /** The member's service-time distribution, cached per scope until the topology changes. */
  private distributionFor(scope: number, member: number): Distribution | null {
    let dists = this.distByScope[scope];
    if (dists === undefined) {
      dists = memberDistributions(this.scenario.traffic!.service, this.scopes[scope].spec);
      this.distByScope[scope] = dists;
    }
    return dists[member] ?? null;
  }
}

/**
 * The routing world at time `at`: the topology after the events with `at ≤` that time, and the
 * health verdicts the scenario's faults have produced by then — the replay without traffic.
 * Scheduler state is fresh (the first pick of exact mode).
 */
export function worldAt(scenario: Scenario, at: number, seed?: string): Simulation {
  const sim = new Simulation(
    { ...scenario, traffic: undefined, simulation: { ...scenario.simulation, until: at } },
    { seed },
  );
  sim.run();
  return sim;
}
