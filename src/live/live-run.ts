/**
 * One live run, end to end, on 127.0.0.1: the backends of every (ECS, port) the scenario ever
 * routes to, the balancer (the simulation's own routing and schedulers), one proxy per HTTP/HTTPS
 * listener, the health checker, the timeline, and the autocannon load; then an orderly stop that
 * waits for open requests, writes the journal's last rows and closes every socket.
 *
 * Everything the run does goes into a journal identical in form to the simulation's, delivered to
 * the caller's sinks (report projections, record writers) and to a trace file of the routed
 * requests for the cross-check. `interrupt()` (Ctrl-C) stops the load; the run then finishes as a
 * partial one, with every server closed.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scenarioBalancerOptions } from '../engine/run-start.js';
import type { JournalSink } from '../journal/journal-batch.js';
import { journalObserver } from '../journal/journal-observer.js';
import type { ControlEntry } from '../journal/journal-rows.js';
import { Balancer } from '../routing/balancer.js';
import type { Phase, Scenario } from '../scenario/scenario-model.js';
import { SINGLE_CLIENT } from '../scenario/traffic-defaults.js';
import { RNG_ALGORITHM } from '../util/rng.js';
import { VERSION } from '../util/version.js';
import { LiveClock } from './clock.js';
import { HealthChecker } from './health-checker.js';
import { JournalSequencer } from './journal-sequencer.js';
import { BackendFleet } from './live-backends.js';
import { LiveTimeline, type TimelineEntryResult } from './live-timeline.js';
import { LoadDriver, type LoadResult, type LoadSchedule } from './load-driver.js';
import { ListenerProxy, type ProxyContext, ProxyStats } from './proxy.js';
import { RequestPlan } from './request-plan.js';
import { LiveTemplates } from './templates.js';
import { LiveSetupError, type TopologySpan, topologySpan } from './topology-span.js';
import { TraceWriter } from './trace-writer.js';
import { DEFAULT_POOL_OPTIONS } from './upstream.js';
import { UpstreamDirectory } from './upstream-directory.js';

export interface LiveRunOptions {
  readonly scenario: Scenario;
  /** Overrides the scenario's seed. */
  readonly seed?: string;
  /** Total autocannon connections (default 10). */
  readonly connections?: number;
  /** Send exactly this many requests. */
  readonly amount?: number;
  /** Or send for this many seconds. */
  readonly durationS?: number;
  /** Requests per second (with amount or duration). */
  readonly rate?: number;
  /** Scenario seconds per wall-clock second (default 1). */
  readonly timeScale?: number;
  /** Proxies listen on ListenerPort + offset instead of ephemeral ports. */
  readonly listenPortOffset?: number;
  /** Journal consumers (report projections, record writers). */
  readonly sinks?: readonly JournalSink[];
  /** Where to write the routed requests as a trace (default: a temporary file). */
  readonly traceFile?: string;
  /** Keep-alive connections per backend (default 64). */
  readonly maxSockets?: number;
  /** autocannon's per-request timeout, seconds (default 10). */
  readonly timeoutS?: number;
  /** How long to wait for open requests after the load stops, ms (default 5000). */
  readonly drainMs?: number;
}

export interface LiveRunResult {
  readonly seed: string;
  readonly partial: boolean;
  readonly schedule: string;
  readonly connections: number;
  readonly timeScale: number;
  readonly load: LoadResult;
  /** Requests each backend answered (backend side), by `ServerId:Port`. */
  readonly backendCounts: ReadonlyMap<string, number>;
  /** Health checks each backend answered. */
  readonly healthChecksServed: number;
  readonly proxy: Readonly<ProxyStats>;
  /** Failed forwarding attempts per backend (`ServerId:Port`). */
  readonly failedAttempts: ReadonlyMap<string, number>;
  readonly health: {
    readonly probes: number;
    readonly checks: number;
    readonly failed: number;
    readonly transitions: number;
  };
  readonly timeline: readonly TimelineEntryResult[];
  /** Timeline entries the run ended before reaching. */
  readonly timelineNotReached: number;
  readonly journal: { readonly routed: number; readonly completed: number; readonly dropped: number };
  /** Listener key → the proxy's URL. */
  readonly listeners: ReadonlyMap<string, string>;
  /** Layer-4 listeners of the scenario (not driven live). */
  readonly layer4: readonly string[];
  readonly tracePath: string;
  readonly traceRows: number;
}

/** A live run that cannot start (bad options for this scenario, a port in use…). */
export class LiveOptionsError extends LiveSetupError {}

/** What a started run holds: everything `run` drives and then closes. */
interface LiveRunParts {
  readonly options: LiveRunOptions;
  readonly seed: string;
  readonly clock: LiveClock;
  readonly journal: JournalSequencer;
  readonly trace: TraceWriter;
  readonly plan: RequestPlan;
  readonly schedule: LoadSchedule;
  readonly scheduleText: string;
  readonly world: LiveWorld;
}

/** The servers and the routing of a run: backends, balancer, proxies, health checks, timeline. */
interface LiveWorld {
  readonly fleet: BackendFleet;
  readonly balancer: Balancer;
  readonly directory: UpstreamDirectory;
  readonly ctx: ProxyContext;
  readonly proxies: ListenerProxy[];
  readonly health: HealthChecker;
  readonly timeline: LiveTimeline;
  /** Layer-4 listeners of the scenario (not driven live). */
  readonly layer4: readonly string[];
}

/** What a run's set-up has stood up so far (closed again when a later step fails). */
interface StandingUp {
  fleet?: BackendFleet;
  directory?: UpstreamDirectory;
  readonly proxies: ListenerProxy[];
}

export class LiveRun {
  private interrupted = false;
  private driver: LoadDriver | null = null;
  private backendCounts = new Map<string, number>();
  private healthChecksServed = 0;

  private constructor(private readonly parts: LiveRunParts) {}

  /** Stand everything up (nothing is sent yet). Throws LiveSetupError / PortInUseError on bad input. */
  static async start(options: LiveRunOptions): Promise<LiveRun> {
    const scenario = options.scenario;
    const seed = options.seed ?? scenario.seed;
    if ((scenario.traffic?.mix ?? []).length === 0)
      throw new LiveOptionsError([`${scenario.file}: the scenario has no traffic mix: nothing to send`]);
    const { schedule, plan, text } = planLoad(options, scenario, seed);
    const span = topologySpan(scenario);
    const clock = new LiveClock(options.timeScale ?? 1);
    const tracePath =
      options.traceFile ?? join(tmpdir(), `slbsim-live-trace-${process.pid}-${Date.now()}.ndjson`);
    const trace = new TraceWriter(tracePath);
    const journal = new JournalSequencer([...(options.sinks ?? []), trace]);
    journal.control(runStarted(options, seed, { requests: plan.size, schedule: text, scale: clock.scale }));
    const up: StandingUp = { proxies: [] };
    try {
      const lifetimeMs = lifetimeOf(schedule, plan, clock.scale);
      const world = await standUp({ options, seed, clock, journal, span, lifetimeMs }, up);
      return new LiveRun({ options, seed, clock, journal, trace, plan, schedule, scheduleText: text, world });
    } catch (err) {
      for (const p of up.proxies) await p.stop();
      up.directory?.close();
      await up.fleet?.close();
      trace.close();
      throw err;
    }
  }

  /** Proxy URL per listener key. */
  get urls(): Map<string, string> {
    return new Map(this.parts.world.proxies.map((p) => [p.listenerKey, `http://127.0.0.1:${p.port}`]));
  }

  /** Drive the load to its end (or until `interrupt`), then stop everything and report. */
  async run(): Promise<LiveRunResult> {
    const { options: o, clock, world, plan, schedule } = this.parts;
    const urls = this.urls;
    clock.start();
    world.health.start();
    world.timeline.start();
    const connections = o.connections ?? 10;
    this.driver = new LoadDriver({
      plan,
      targets: urls,
      schedule,
      connections,
      clients: o.scenario.traffic?.clients ?? SINGLE_CLIENT,
      clock,
      timeoutS: o.timeoutS,
    });
    let load: LoadResult | undefined;
    try {
      if (this.interrupted) this.driver.stop();
      load = await this.driver.run();
    } finally {
      // Whatever happened, every server and socket is closed before returning (or rethrowing).
      await this.closeAll(this.interrupted || load === undefined || load.interrupted);
    }
    return this.result(load, connections, urls);
  }

  /** Ctrl-C: stop sending; `run()` then finishes with a partial result. Safe to call any time. */
  interrupt(): void {
    this.interrupted = true;
    this.driver?.stop();
  }

  /** Close everything without running (when `run` is never called). */
  async abort(): Promise<void> {
    const { journal, world } = this.parts;
    await world.timeline.stop();
    world.health.stop();
    journal.end();
    for (const p of world.proxies) await p.stop();
    world.directory.close();
    await world.fleet.close();
  }

  /** Wait for open requests, end the journal, close every server; the backends' counts are kept. */
  private async closeAll(partial: boolean): Promise<void> {
    const { options, clock, journal, world } = this.parts;
    await this.drain(options.drainMs ?? 5000);
    await world.timeline.stop();
    world.health.stop();
    journal.control({ type: 'RunFinished', t: clock.now(), requests: world.ctx.nextId, partial });
    journal.end();
    for (const p of world.proxies) await p.stop();
    world.directory.close();
    const fleet = world.fleet;
    this.backendCounts = new Map(fleet.backends.map((b) => [b.key, fleet.served[b.index]]));
    this.healthChecksServed = fleet.healthChecks.reduce((a, b) => a + b, 0);
    await fleet.close();
  }

  private result(load: LoadResult, connections: number, urls: Map<string, string>): LiveRunResult {
    const { seed, scheduleText, clock, journal, trace, world } = this.parts;
    const { stats, balancer } = { stats: world.ctx.stats, balancer: world.balancer };
    const health = world.health;
    return {
      seed,
      partial: this.interrupted || load.interrupted,
      schedule: scheduleText,
      connections,
      timeScale: clock.scale,
      load,
      backendCounts: this.backendCounts,
      healthChecksServed: this.healthChecksServed,
      proxy: { ...stats },
      failedAttempts: new Map(
        stats.failedAttempts.flatMap((n, i) => (n > 0 ? [[balancer.backends[i].key, n] as const] : [])),
      ),
      health: {
        probes: health.probeCount,
        checks: health.checks,
        failed: health.failedChecks,
        transitions: health.transitions,
      },
      timeline: world.timeline.results,
      timelineNotReached: world.timeline.remaining,
      journal: { routed: journal.routedRows, completed: journal.completedRows, dropped: journal.dropped },
      listeners: urls,
      layer4: world.layer4,
      tracePath: trace.file,
      traceRows: trace.rows,
    };
  }

  /** Wait until no request is open at the proxies (or the grace period ends). */
  private async drain(ms: number): Promise<void> {
    const stats = this.parts.world.ctx.stats;
    const deadline = performance.now() + ms;
    while (stats.open > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  }
}

/** The live journal's first row. */
function runStarted(
  options: LiveRunOptions,
  seed: string,
  load: { readonly requests: number; readonly schedule: string; readonly scale: number },
): ControlEntry {
  const scenario = options.scenario;
  const sim = scenario.simulation;
  return {
    type: 'RunStarted',
    t: 0,
    seed,
    scenario: scenario.file,
    name: scenario.name,
    slbsimVersion: VERSION,
    rng: RNG_ALGORITHM,
    options: {
      mode: 'live',
      cluster: `${sim.cluster.nodes}x${sim.cluster.workers}`,
      clusterByListener: Object.fromEntries(
        Object.entries(sim.clusterByListener).map(([k, v]) => [k, `${v.nodes}x${v.workers}`]),
      ),
      ruleMatching: sim.ruleMatching,
      ...(sim.urlMatching !== 'normalized' ? { urlMatching: sim.urlMatching } : {}),
      l4Order: sim.l4Order,
      requests: load.requests,
      schedule: load.schedule,
      connections: options.connections ?? 10,
      timeScale: load.scale,
      latencyModelled: true,
    },
    ...(scenario.expect.length > 0 ? { expect: scenario.expect } : {}),
  };
}

interface StandUpInput {
  readonly options: LiveRunOptions;
  readonly seed: string;
  readonly clock: LiveClock;
  readonly journal: JournalSequencer;
  readonly span: TopologySpan;
  readonly lifetimeMs: number;
}

/** Start the backends, the balancer and its proxies, the health checks and the timeline (recorded in `up`). */
async function standUp(input: StandUpInput, up: StandingUp): Promise<LiveWorld> {
  const { options, seed, clock, journal, span } = input;
  const scenario = options.scenario;
  const fleet = await BackendFleet.start(span.backends, {
    service: scenario.traffic?.service,
    seed,
    lifetimeMs: input.lifetimeMs,
    timeScale: clock.scale,
  });
  up.fleet = fleet;
  const balancer = liveBalancer(input);
  const resolvePort = (ServerId: string, Port: number) => {
    const i = fleet.indexOf(`${ServerId}:${Port}`);
    return i < 0 ? undefined : fleet.backends[i].port;
  };
  const directory = new UpstreamDirectory(balancer, resolvePort, {
    ...DEFAULT_POOL_OPTIONS,
    maxSockets: options.maxSockets ?? DEFAULT_POOL_OPTIONS.maxSockets,
    // CLB's 5 s connect and 60 s response timeouts, in scenario time.
    connectTimeoutMs: clock.secondsToMs(5),
    readTimeoutMs: clock.secondsToMs(60),
  });
  up.directory = directory;
  fleet.watch((i, port) => directory.moved(fleet.backends[i].ServerId, fleet.backends[i].Port, port));
  const mix = scenario.traffic?.mix ?? [];
  const templates = new LiveTemplates(balancer, journal, clock);
  templates.defineMix(mix);
  const ctx: ProxyContext = {
    balancer,
    directory,
    clock,
    journal,
    templates,
    stats: new ProxyStats(),
    nextId: 0,
  };
  const mixListeners = mix.map((m) => m.listener).filter((k) => !/:(tcp|udp):/.test(k));
  for (const key of new Set([...span.httpListeners, ...mixListeners]))
    await startProxy(new ListenerProxy(ctx, key), options.listenPortOffset, up.proxies);
  const health = new HealthChecker(balancer, resolvePort, clock, journal, (id) =>
    directory.isUnreachable(id),
  );
  health.sync(span.initial);
  for (const i of span.initial.Instances)
    if (i.Status === 'Stopped') {
      directory.setInstanceStopped(i.InstanceId, true);
      for (const b of fleet.backends) if (b.ServerId === i.InstanceId) await fleet.kill(b.index);
    }
  const timeline = new LiveTimeline(scenario, span.initial, {
    balancer,
    fleet,
    health,
    journal,
    clock,
    directory,
  });
  return { fleet, balancer, directory, ctx, proxies: up.proxies, health, timeline, layer4: span.l4Listeners };
}

/** The simulation's balancer on the initial topology, journalling its definitions and epochs. */
function liveBalancer(input: StandUpInput): Balancer {
  const { seed, clock, journal, span } = input;
  const observer = journalObserver(
    (entry) => journal.control(entry),
    () => clock.now(),
  );
  const balancer = new Balancer(
    span.initial,
    scenarioBalancerOptions(input.options.scenario, seed, observer),
  );
  for (const { event, response } of span.initialApplied)
    journal.control({ type: 'TopologyApplied', t: 0, action: event.action, params: event.params, response });
  return balancer;
}

/** Listen on the listener's port + offset (ephemeral without an offset); the proxy joins `proxies` first. */
async function startProxy(
  proxy: ListenerProxy,
  offset: number | undefined,
  proxies: ListenerProxy[],
): Promise<void> {
  proxies.push(proxy);
  const key = proxy.listenerKey;
  const port = offset === undefined ? 0 : listenerPortOf(key) + offset;
  if (port < 0 || port > 65535)
    throw new LiveOptionsError([`--listen-port-offset ${offset}: ${key} would listen on ${port}`]);
  await proxy.start(port);
}

/** The load schedule and the planned requests for the options given. */
function planLoad(
  o: LiveRunOptions,
  scenario: Scenario,
  seed: string,
): { schedule: LoadSchedule; plan: RequestPlan; text: string } {
  const traffic = scenario.traffic!;
  const clients = traffic.clients ?? SINGLE_CLIENT;
  if (o.amount !== undefined && o.durationS !== undefined)
    throw new LiveOptionsError(['give either --amount or --duration, not both']);
  const rateText = o.rate === undefined ? '' : ` at ${o.rate} requests/s`;
  if (o.amount !== undefined) {
    return {
      schedule: { kind: 'amount', rate: o.rate },
      plan: RequestPlan.ofCount(traffic.mix, clients, seed, o.amount),
      text: `${o.amount} requests${rateText}`,
    };
  }
  if (o.durationS !== undefined) {
    // The connections cycle through one block of the mix.
    const block = Math.max(
      1,
      Math.min(1_000_000, o.rate !== undefined ? Math.ceil(o.rate * o.durationS) : 65_536),
    );
    return {
      schedule: { kind: 'duration', seconds: o.durationS, rate: o.rate },
      plan: RequestPlan.ofCount(traffic.mix, clients, seed, block),
      text: `${o.durationS} s${rateText}`,
    };
  }
  if (o.rate !== undefined) throw new LiveOptionsError(['--rate needs --amount or --duration']);
  const phases: readonly Phase[] = traffic.phases;
  if (phases.length > 0) {
    const plan = RequestPlan.ofPhases(traffic.mix, clients, seed, phases, traffic.requests);
    return {
      schedule: { kind: 'phases' },
      plan,
      text: `the scenario's ${phases.length} phase(s): ${plan.size} requests`,
    };
  }
  if (traffic.requests !== undefined) {
    return {
      schedule: { kind: 'amount' },
      plan: RequestPlan.ofCount(traffic.mix, clients, seed, traffic.requests),
      text: `${traffic.requests} requests (traffic.requests)`,
    };
  }
  throw new LiveOptionsError([
    `${scenario.file}: the scenario has no phases and no request count: give --amount N or --duration D`,
  ]);
}

/** A safety bound on the backends' lifetime: the schedule's length plus a minute. */
function lifetimeOf(schedule: LoadSchedule, plan: RequestPlan, scale: number): number {
  if (schedule.kind === 'duration') return (schedule.seconds + 60) * 1000;
  if (schedule.kind === 'phases') return plan.lastArrival / 1000 / scale + 60_000;
  return 3_600_000;
}

function listenerPortOf(key: string): number {
  return Number(key.slice(key.lastIndexOf(':') + 1));
}
