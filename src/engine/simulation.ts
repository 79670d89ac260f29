/**
 * The discrete-event replay of a scenario in simulated time.
 *
 * One synchronous loop merges two sources: the lazily generated arrival stream (or a trace) and a
 * heap of engine events — topology events and faults from the timeline, health-check verdicts,
 * request completions. Ties are ordered (time, priority, sequence number) with priorities
 * topology/fault (0) < health verdict (1) < completion (2) < arrival (3): at one instant the world
 * changes first, then freed connections count, then new requests are routed.
 *
 * Everything the run does goes into the journal, emitted in column batches on `journal$`.
 * Randomness comes only from seeded streams named after their component (arrivals, mix, clients,
 * service, schedulers), so the same seed gives byte-identical output.
 */
import { Subject } from 'rxjs';
import { JournalBatch } from '../journal/journal-batch.js';
import { journalObserver } from '../journal/journal-observer.js';
import {
  FLAG_AWAITS_COMPLETION,
  FLAG_COOKIE_ISSUED,
  FLAG_RETRIED,
  FLAG_STICKY,
} from '../journal/journal-rows.js';
import { Balancer, RouteResult } from '../routing/balancer.js';
import { OUTCOME_BACKEND_ERROR, OUTCOME_OK } from '../routing/outcomes.js';
import type { Distribution, Scenario, ScheduledEvent } from '../scenario/scenario-model.js';
import { readTrace } from '../scenario/trace.js';
import { apply } from '../topology/apply.js';
import { EMPTY_STATE, type TopologyState } from '../topology/types.js';
import { ipToNumber } from '../util/ip.js';
import { type RandomStream, RNG_ALGORITHM, stream32 } from '../util/rng.js';
import { VERSION } from '../util/version.js';
import { AliasTable } from './alias.js';
import { ArrivalStream } from './arrivals.js';
import { HealthModel } from './health.js';
import { EventHeap } from './heap.js';
import { ServiceTimeSampler } from './service-sampler.js';

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
/** IPVS keeps a closed connection as an inactive entry for its FIN_WAIT timeout (ipvsadm default 120 s). */
const LVS_INACTIVE_US = 120_000_000;
/** `requests: N` without phases: arrivals at this uniform rate. */
export const DEFAULT_RATE = 1000;

export interface RunOptions {
  /** Overrides the scenario's seed. */
  readonly seed?: string;
  /** Overrides the scenario's request count (`requests:` or a cap on the phases). */
  readonly requests?: number;
  /** How the scenario is named in the journal (default: its path as loaded). */
  readonly scenarioLabel?: string;
}

export interface Progress {
  readonly requests: number;
  readonly now: number;
  /** Best estimate of the requests the run will make (0 when unknown). */
  readonly expected: number;
}

interface Template {
  listener: number;
  template: number;
  host: string;
  path: string;
  cookieName: string | null;
}

export class Simulation {
  readonly journal$ = new Subject<JournalBatch>();
  readonly seed: string;
  private readonly batch = new JournalBatch();
  private readonly heap = new EventHeap();
  /** The routing world (read by `worldAt` for `slbsim route`; the engine owns it). */
  readonly balancer: Balancer;
  readonly health: HealthModel;
  private readonly route = new RouteResult();
  private state: TopologyState;
  private readonly timeline: ScheduledEvent[];
  private now = 0;
  private requests = 0;
  private finished = false;
  private readonly until: number;

  // Traffic.
  private readonly arrivals: ArrivalStream | null;
  private readonly trace: Generator<import('../scenario/trace.js').TraceRow> | null;
  private nextArrival = Number.POSITIVE_INFINITY;
  private nextArrivalOrder = 0;
  private readonly mix: AliasTable | null;
  private readonly templates: Template[] = [];
  private readonly templateByKey = new Map<string, number>();
  private pendingTraceRow: import('../scenario/trace.js').TraceRow | null = null;
  private readonly mixRandom: RandomStream;
  private readonly clientRandom: RandomStream;
  private readonly clientIps: number;
  private readonly clientPorts: number;
  private readonly firstIp: number;
  private readonly firstPort: number;
  private readonly keepCookies: boolean;
  private readonly jars = new Map<number, Map<string, { value: string; expires: number }>>();
  private readonly expected: number;

  // Template → scope cache, valid for one balancer version.
  private cacheVersion = new Int32Array(16).fill(-1);
  private cacheScope = new Int32Array(16);
  private cacheOutcome = new Uint8Array(16);

  // Service time and in-flight requests.
  private readonly service: ServiceTimeSampler;
  private readonly latencyModelled: boolean;
  private distCacheVersion = -1;
  private distByScope: (Distribution | null)[][] = [];
  private inflight = new Float64Array(0);
  private inflightInt = new Int32Array(0);
  private readonly freeInflight: number[] = [];
  private inflightCount = 0;
  private tried = new Int32Array(256);
  // LVS inactive-entry expiry (FIFO: constant delay keeps it sorted).
  private readonly expiry: number[] = [];
  private expiryHead = 0;

  constructor(
    private readonly scenario: Scenario,
    options: RunOptions = {},
  ) {
    this.seed = options.seed ?? scenario.seed;
    const seed = this.seed;
    const traffic = scenario.traffic;
    const sim = scenario.simulation;
    this.until = sim.until ?? Number.POSITIVE_INFINITY;

    // Topology: events at t ≤ 0 form the initial state; later ones are timeline entries.
    let state = EMPTY_STATE;
    const initial: Array<{ event: ScheduledEvent; response: Readonly<Record<string, unknown>> }> = [];
    this.timeline = [];
    for (const event of scenario.events) {
      if (event.at > 0) {
        this.timeline.push(event);
        continue;
      }
      const result = apply(state, event);
      if (!result.ok) throw new Error(`scenario event ${event.field} rejected: ${result.error.code}`);
      state = result.state;
      initial.push({ event, response: result.response });
    }
    this.state = state;

    const clients = traffic?.clients;
    this.clientIps = clients?.ips ?? 1;
    this.clientPorts = clients?.portsPerIp ?? 1;
    this.firstIp = ipToNumber(clients?.firstIp ?? '10.0.0.1') ?? 0x0a000001;
    this.firstPort = clients?.firstPort ?? 40000;
    this.keepCookies = clients?.keepCookies ?? false;
    this.mixRandom = stream32(seed, 'mix');
    this.clientRandom = stream32(seed, 'clients');
    this.service = new ServiceTimeSampler(stream32(seed, 'service'));
    const svc = traffic?.service;
    this.latencyModelled =
      svc !== undefined &&
      (svc.default !== undefined ||
        Object.keys(svc.groups).length > 0 ||
        Object.keys(svc.backends).length > 0);

    const requestCap = options.requests ?? traffic?.requests;
    this.batch.pushControl({
      type: 'RunStarted',
      t: 0,
      seed,
      scenario: options.scenarioLabel ?? scenario.file,
      name: scenario.name,
      slbsimVersion: VERSION,
      rng: RNG_ALGORITHM,
      options: {
        cluster: `${sim.cluster.nodes}x${sim.cluster.workers}`,
        clusterByListener: Object.fromEntries(
          Object.entries(sim.clusterByListener).map(([k, v]) => [k, `${v.nodes}x${v.workers}`]),
        ),
        ruleMatching: sim.ruleMatching,
        // Only when not the default, so the reports of existing scenarios stay as they were.
        ...(sim.urlMatching !== 'normalized' ? { urlMatching: sim.urlMatching } : {}),
        l4Order: sim.l4Order,
        requests: requestCap ?? null,
        latencyModelled: this.latencyModelled,
        trace: traffic?.trace !== undefined,
      },
      ...(scenario.expect.length > 0 ? { expect: scenario.expect } : {}),
    });

    this.balancer = new Balancer(state, {
      seed,
      ruleMatching: sim.ruleMatching,
      urlMatching: sim.urlMatching,
      l4Order: sim.l4Order,
      cluster: sim.cluster,
      clusterByListener: sim.clusterByListener,
      observer: journalObserver(
        (entry) => this.control(entry),
        () => this.now,
      ),
    });
    for (const { event, response } of initial) {
      this.control({ type: 'TopologyApplied', t: 0, action: event.action, params: event.params, response });
    }

    this.health = new HealthModel(this.balancer, (time, slot) =>
      this.heap.push(time, PRIO_HEALTH, EV_HEALTH, slot),
    );
    this.health.topologyChanged(0);
    for (const i of state.Instances)
      if (i.Status === 'Stopped') this.health.instanceStatus(0, i.InstanceId, false);

    for (const [i, e] of this.timeline.entries()) this.heap.push(e.at, PRIO_WORLD, EV_TOPOLOGY, i);
    for (const [i, f] of scenario.faults.entries()) this.heap.push(f.at, PRIO_WORLD, EV_FAULT, i);

    // Arrivals.
    this.arrivals = null;
    this.trace = null;
    this.mix = null;
    this.expected = 0;
    if (traffic?.trace) {
      this.trace = readTrace(traffic.trace);
    } else if (traffic && traffic.mix.length > 0) {
      const phases =
        traffic.phases.length > 0
          ? traffic.phases
          : [
              {
                duration: Math.ceil(((requestCap ?? 0) / DEFAULT_RATE) * 1_000_000) + 1,
                arrivalRate: DEFAULT_RATE,
                mode: 'uniform' as const,
              },
            ];
      this.arrivals = new ArrivalStream(phases, stream32(seed, 'arrivals'), requestCap);
      this.mix = new AliasTable(traffic.mix.map((m) => m.weight));
      for (const m of traffic.mix) this.defineTemplate(m.listener, m.host, m.path, m.method);
      this.expected = Math.min(requestCap ?? Number.POSITIVE_INFINITY, expectedArrivals(phases));
    }
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
      if (this.expiryHead < this.expiry.length) this.expireInactive(t);
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

  // ---- arrivals ------------------------------------------------------------------------------

  private advanceArrival(): void {
    if (this.arrivals) {
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
    let template: number;
    let clientIp: number;
    let clientPort: number;
    const row = this.pendingTraceRow;
    if (row) {
      template = this.defineTemplate(row.listener, row.host, row.path, 'GET');
      clientIp = row.clientIp;
      clientPort = row.clientPort;
    } else {
      template = this.mix!.draw(this.mixRandom);
      const c = Math.floor(this.clientRandom() * this.clientIps * this.clientPorts);
      const ipIndex = Math.floor(c / this.clientPorts);
      clientIp = (this.firstIp + ipIndex) >>> 0;
      clientPort = this.firstPort + (c - ipIndex * this.clientPorts);
    }
    this.routeRequest(template, clientIp, clientPort);
  }

  private routeRequest(template: number, clientIp: number, clientPort: number): void {
    const id = this.requests++;
    const tpl = this.templates[template];
    const out = this.route;
    const b = this.balancer;
    // Resolve through the per-template cache.
    if (this.cacheVersion[template] !== b.version) {
      b.resolve(tpl.listener, tpl.host, tpl.path, out);
      this.cacheVersion[template] = b.version;
      this.cacheScope[template] = out.scope;
      this.cacheOutcome[template] = out.outcome;
      tpl.cookieName = out.scope >= 0 ? cookieNameOf(b, out.scope) : null;
    }
    out.listener = tpl.listener;
    out.scope = this.cacheScope[template];
    out.outcome = this.cacheOutcome[template];
    out.node = 0;
    out.worker = 0;
    out.backend = -1;
    out.member = -1;
    if (out.outcome !== OUTCOME_OK) {
      const row = this.batch.row;
      row.t = this.now;
      row.id = id;
      row.listener = tpl.listener;
      row.template = template;
      row.clientIp = clientIp;
      row.clientPort = clientPort;
      row.node = row.worker = row.attempts = row.flags = 0;
      row.scope = row.backend = -1;
      row.outcome = out.outcome;
      this.batch.pushRouted(row);
      this.flushIfFull();
      return;
    }
    // Sticky cookie from the client's jar.
    let cookie: string | undefined;
    const cookieName = tpl.cookieName;
    const jar = cookieName !== null && this.keepCookies ? this.jars.get(clientIp) : undefined;
    if (jar !== undefined) {
      const c = jar.get(cookieName!);
      if (c !== undefined) {
        if (c.expires > this.now) cookie = c.value;
        else jar.delete(cookieName!);
      }
    }
    b.pick(out, clientIp, clientPort, cookie, this.now);
    let attempts = 0;
    let flags = out.sticky ? FLAG_STICKY : 0;
    let penalty = 0;
    const scope = out.scope;
    if (out.outcome === OUTCOME_OK) {
      attempts = 1;
      if (!this.health.isAlive(out.backend)) {
        const s = b.scopes[scope];
        if (s.spec.layer === 4) {
          // LVS forwards the connection to the dead backend: the client's connection fails.
          out.outcome = OUTCOME_BACKEND_ERROR;
          b.release(scope, out.node, out.worker, out.member, out.backend);
        } else {
          // Tengine: proxy_next_upstream error/timeout tries the next backend.
          const tried = this.triedFor(s.backends.length);
          const stamp = id + 1;
          while (out.outcome === OUTCOME_OK && !this.health.isAlive(out.backend)) {
            penalty += this.health.instanceStopped(out.backend) ? CONNECT_TIMEOUT_US : 0;
            tried[out.member] = stamp;
            b.release(scope, out.node, out.worker, out.member, out.backend);
            const failedMember = out.member;
            const failedBackend = out.backend;
            if (!b.retry(out, tried, stamp)) {
              // Every member was tried: the last failed attempt is the request's answer (502).
              out.outcome = OUTCOME_BACKEND_ERROR;
              out.member = failedMember;
              out.backend = failedBackend;
              break;
            }
            flags |= FLAG_RETRIED;
            const failed = this.batch.row;
            failed.t = this.now;
            failed.id = id;
            failed.scope = scope;
            failed.backend = failedBackend;
            failed.node = out.node;
            failed.worker = out.worker;
            this.batch.pushAttemptFailed(failed);
            this.flushIfFull();
            attempts++;
          }
        }
      }
    }
    if (out.outcome === OUTCOME_OK) {
      if (out.issueCookie !== null && this.keepCookies && cookieName !== null) {
        const s = b.scopes[scope];
        const timeout = s.spec.stickyTimeout;
        let j = this.jars.get(clientIp);
        if (j === undefined) this.jars.set(clientIp, (j = new Map()));
        j.set(cookieName, {
          value: out.issueCookie,
          expires: timeout > 0 ? this.now + timeout * 1_000_000 : Number.POSITIVE_INFINITY,
        });
        flags |= FLAG_COOKIE_ISSUED;
      } else if (out.issueCookie !== null) {
        flags |= FLAG_COOKIE_ISSUED;
      }
    }
    const dist =
      out.outcome === OUTCOME_OK && this.latencyModelled ? this.distributionFor(scope, out.member) : null;
    if (dist !== null) flags |= FLAG_AWAITS_COMPLETION;
    const row = this.batch.row;
    row.t = this.now;
    row.id = id;
    row.listener = tpl.listener;
    row.template = template;
    row.clientIp = clientIp;
    row.clientPort = clientPort;
    row.node = out.node;
    row.worker = out.worker;
    row.scope = scope;
    row.backend = out.backend;
    row.outcome = out.outcome;
    row.attempts = attempts;
    row.flags = flags;
    this.batch.pushRouted(row);
    this.flushIfFull();
    if (out.outcome !== OUTCOME_OK) return;
    if (dist === null) {
      this.finishConnection(scope, out.node, out.worker, out.member, out.backend);
      return;
    }
    const latency = this.service.sample(dist) + penalty;
    const slot = this.allocInflight();
    const f = this.inflight;
    const n = this.inflightInt;
    f[slot * 2] = id;
    f[slot * 2 + 1] = this.now;
    n[slot * 5] = scope;
    n[slot * 5 + 1] = out.node;
    n[slot * 5 + 2] = out.worker;
    n[slot * 5 + 3] = out.member;
    n[slot * 5 + 4] = out.backend;
    this.heap.push(this.now + latency, PRIO_COMPLETION, EV_COMPLETION, slot);
  }

  private complete(slot: number): void {
    const f = this.inflight;
    const n = this.inflightInt;
    const id = f[slot * 2];
    const start = f[slot * 2 + 1];
    const scope = n[slot * 5];
    this.finishConnection(scope, n[slot * 5 + 1], n[slot * 5 + 2], n[slot * 5 + 3], n[slot * 5 + 4]);
    const row = this.batch.row;
    row.t = this.now;
    row.id = id;
    row.scope = scope;
    row.backend = n[slot * 5 + 4];
    row.latency = this.now - start;
    this.batch.pushCompleted(row);
    this.flushIfFull();
    this.freeInflight.push(slot);
    this.inflightCount--;
  }

  private finishConnection(
    scope: number,
    node: number,
    worker: number,
    member: number,
    backend: number,
  ): void {
    const s = this.balancer.scopes[scope];
    this.balancer.release(scope, node, worker, member, backend);
    if (s.lvsInactive) {
      this.expiry.push(this.now + LVS_INACTIVE_US, scope, node, worker, member, backend);
    }
  }

  private expireInactive(t: number): void {
    const q = this.expiry;
    while (this.expiryHead < q.length && q[this.expiryHead] <= t) {
      const h = this.expiryHead;
      this.balancer.expire(q[h + 1], q[h + 2], q[h + 3], q[h + 4], q[h + 5]);
      this.expiryHead += 6;
    }
    if (this.expiryHead > 50_000 && this.expiryHead * 2 > q.length) {
      q.splice(0, this.expiryHead);
      this.expiryHead = 0;
    }
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
      this.health.topologyChanged(this.now);
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  private defineTemplate(listenerKey: string, host: string, path: string, method: string): number {
    const key = `${listenerKey}\u0000${host}\u0000${path}\u0000${method}`;
    const known = this.templateByKey.get(key);
    if (known !== undefined) return known;
    const template = this.templates.length;
    const listener = this.balancer.listenerOf(listenerKey);
    this.templates.push({ listener, template, host, path, cookieName: null });
    this.templateByKey.set(key, template);
    if (template >= this.cacheVersion.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      const v = grow(this.cacheVersion);
      v.fill(-1, this.cacheVersion.length);
      this.cacheVersion = v;
      this.cacheScope = grow(this.cacheScope);
      const o = new Uint8Array(this.cacheOutcome.length * 2);
      o.set(this.cacheOutcome);
      this.cacheOutcome = o;
    }
    this.control({ type: 'TemplateDefined', t: this.now, template, host, path, method });
    return template;
  }

  private distributionFor(scope: number, member: number): Distribution | null {
    const b = this.balancer;
    if (this.distCacheVersion !== b.version) {
      this.distByScope = [];
      this.distCacheVersion = b.version;
    }
    let dists = this.distByScope[scope];
    if (dists === undefined) {
      const s = b.scopes[scope];
      const svc = this.scenario.traffic!.service;
      const group = s.spec.groupId ?? 'default';
      dists = s.spec.members.map(
        (m) =>
          svc.backends[`${m.ServerId}:${m.Port}`] ??
          svc.backends[m.ServerId] ??
          svc.groups[group] ??
          svc.default ??
          null,
      );
      this.distByScope[scope] = dists;
    }
    return dists[member] ?? null;
  }

  private allocInflight(): number {
    this.inflightCount++;
    const free = this.freeInflight.pop();
    if (free !== undefined) return free;
    const slot = this.inflightCount - 1 + this.freeInflight.length;
    if ((slot + 1) * 5 > this.inflightInt.length) {
      const cap = Math.max(1024, this.inflightInt.length / 5) * 2;
      const f = new Float64Array(cap * 2);
      f.set(this.inflight);
      const n = new Int32Array(cap * 5);
      n.set(this.inflightInt);
      this.inflight = f;
      this.inflightInt = n;
    }
    return slot;
  }

  private triedFor(n: number): Int32Array {
    if (this.tried.length < n) this.tried = new Int32Array(n * 2);
    return this.tried;
  }

  private control(entry: Parameters<JournalBatch['pushControl']>[0]): void {
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
    this.control({ type: 'RunFinished', t: this.now, requests: this.requests, partial });
    this.flush();
    this.journal$.complete();
  }
}

function cookieNameOf(b: Balancer, scope: number): string | null {
  const spec = b.scopes[scope].spec;
  return spec.sticky === 'insert' || spec.sticky === 'server' ? spec.cookieName : null;
}

/** Expected number of arrivals of a phase list (for progress only). */
function expectedArrivals(phases: readonly import('../scenario/scenario-model.js').Phase[]): number {
  let n = 0;
  for (const p of phases) {
    if (p.pause) continue;
    if (p.arrivalCount !== undefined) n += p.arrivalCount;
    else n += (((p.arrivalRate ?? 0) + (p.rampTo ?? p.arrivalRate ?? 0)) / 2) * (p.duration / 1_000_000);
  }
  return Math.round(n);
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
