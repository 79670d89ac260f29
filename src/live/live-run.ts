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
import type { JournalSink } from '../journal/journal-batch.js';
import { journalObserver } from '../journal/journal-observer.js';
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
import { ListenerProxy, ProxyStats } from './proxy.js';
import { RequestPlan } from './request-plan.js';
import { LiveTemplates } from './templates.js';
import { LiveSetupError, topologySpan } from './topology-span.js';
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

export class LiveRun {
  private interrupted = false;
  private driver: LoadDriver | null = null;
  private backendCounts = new Map<string, number>();
  private healthChecksServed = 0;

  private constructor(
    private readonly options: LiveRunOptions,
    private readonly seed: string,
    private readonly clock: LiveClock,
    private readonly journal: JournalSequencer,
    private readonly trace: TraceWriter,
    private readonly fleet: BackendFleet,
    private readonly directory: UpstreamDirectory,
    private readonly proxies: ListenerProxy[],
    private readonly health: HealthChecker,
    private readonly timeline: LiveTimeline,
    private readonly stats: ProxyStats,
    private readonly ctx: { nextId: number },
    private readonly plan: RequestPlan,
    private readonly schedule: LoadSchedule,
    private readonly scheduleText: string,
    private readonly layer4: readonly string[],
    private readonly balancer: Balancer,
  ) {}

  /** Stand everything up (nothing is sent yet). Throws LiveSetupError / PortInUseError on bad input. */
  static async start(options: LiveRunOptions): Promise<LiveRun> {
    const scenario = options.scenario;
    const seed = options.seed ?? scenario.seed;
    const traffic = scenario.traffic;
    const mix = traffic?.mix ?? [];
    if (mix.length === 0)
      throw new LiveOptionsError([`${scenario.file}: the scenario has no traffic mix: nothing to send`]);
    const { schedule, plan, text } = planLoad(options, scenario, seed);
    const span = topologySpan(scenario);
    const clock = new LiveClock(options.timeScale ?? 1);
    const tracePath =
      options.traceFile ?? join(tmpdir(), `slbsim-live-trace-${process.pid}-${Date.now()}.ndjson`);
    const trace = new TraceWriter(tracePath);
    const journal = new JournalSequencer([...(options.sinks ?? []), trace]);
    const sim = scenario.simulation;
    journal.control({
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
        l4Order: sim.l4Order,
        requests: plan.size,
        schedule: text,
        connections: options.connections ?? 10,
        timeScale: clock.scale,
        latencyModelled: true,
      },
      ...(scenario.expect.length > 0 ? { expect: scenario.expect } : {}),
    });

    let fleet: BackendFleet | undefined;
    const proxies: ListenerProxy[] = [];
    let directory: UpstreamDirectory | undefined;
    try {
      fleet = await BackendFleet.start(span.backends, {
        service: traffic?.service,
        seed,
        lifetimeMs: lifetimeOf(schedule, plan, clock.scale),
        timeScale: clock.scale,
      });
      const liveFleet = fleet;
      const balancer = new Balancer(span.initial, {
        seed,
        ruleMatching: sim.ruleMatching,
        l4Order: sim.l4Order,
        cluster: sim.cluster,
        clusterByListener: sim.clusterByListener,
        observer: journalObserver(
          (entry) => journal.control(entry),
          () => clock.now(),
        ),
      });
      for (const { event, response } of span.initialApplied)
        journal.control({
          type: 'TopologyApplied',
          t: 0,
          action: event.action,
          params: event.params,
          response,
        });
      const resolvePort = (ServerId: string, Port: number) => {
        const i = liveFleet.indexOf(`${ServerId}:${Port}`);
        return i < 0 ? undefined : liveFleet.backends[i].port;
      };
      directory = new UpstreamDirectory(balancer, resolvePort, {
        ...DEFAULT_POOL_OPTIONS,
        maxSockets: options.maxSockets ?? DEFAULT_POOL_OPTIONS.maxSockets,
        // CLB's 5 s connect and 60 s response timeouts, in scenario time.
        connectTimeoutMs: clock.secondsToMs(5),
        readTimeoutMs: clock.secondsToMs(60),
      });
      const dir = directory;
      fleet.watch((i, port) => dir.moved(liveFleet.backends[i].ServerId, liveFleet.backends[i].Port, port));
      const templates = new LiveTemplates(balancer, journal, clock);
      templates.defineMix(mix);
      const stats = new ProxyStats();
      const ctx = { balancer, directory, clock, journal, templates, stats, nextId: 0 };
      const mixListeners = mix.map((m) => m.listener).filter((k) => !/:(tcp|udp):/.test(k));
      const keys = [...new Set([...span.httpListeners, ...mixListeners])];
      for (const key of keys) {
        const proxy = new ListenerProxy(ctx, key);
        proxies.push(proxy);
        const port =
          options.listenPortOffset === undefined ? 0 : listenerPortOf(key) + options.listenPortOffset;
        if (port < 0 || port > 65535)
          throw new LiveOptionsError([
            `--listen-port-offset ${options.listenPortOffset}: ${key} would listen on ${port}`,
          ]);
        await proxy.start(port);
      }
      const health = new HealthChecker(balancer, resolvePort, clock, journal, (id) => dir.isUnreachable(id));
      health.sync(span.initial);
      for (const i of span.initial.Instances)
        if (i.Status === 'Stopped') {
          dir.setInstanceStopped(i.InstanceId, true);
          for (const b of fleet.backends) if (b.ServerId === i.InstanceId) await fleet.kill(b.index);
        }
      const timeline = new LiveTimeline(scenario, span.initial, balancer, fleet, health, journal, clock, dir);
      return new LiveRun(
        options,
        seed,
        clock,
        journal,
        trace,
        fleet,
        directory,
        proxies,
        health,
        timeline,
        stats,
        ctx,
        plan,
        schedule,
        text,
        span.l4Listeners,
        balancer,
      );
    } catch (err) {
      for (const p of proxies) await p.stop();
      directory?.close();
      await fleet?.close();
      trace.close();
      throw err;
    }
  }

  /** Proxy URL per listener key. */
  get urls(): Map<string, string> {
    return new Map(this.proxies.map((p) => [p.listenerKey, `http://127.0.0.1:${p.port}`]));
  }

  /** Drive the load to its end (or until `interrupt`), then stop everything and report. */
  async run(): Promise<LiveRunResult> {
    const o = this.options;
    const urls = this.urls;
    this.clock.start();
    this.health.start();
    this.timeline.start();
    const connections = o.connections ?? 10;
    this.driver = new LoadDriver({
      plan: this.plan,
      targets: urls,
      schedule: this.schedule,
      connections,
      clients: o.scenario.traffic?.clients ?? SINGLE_CLIENT,
      clock: this.clock,
      timeoutS: o.timeoutS,
    });
    let load: LoadResult | undefined;
    try {
      if (this.interrupted) this.driver.stop();
      load = await this.driver.run();
    } finally {
      // Whatever happened, every server and socket is closed before returning (or rethrowing).
      await this.drain(o.drainMs ?? 5000);
      await this.timeline.stop();
      this.health.stop();
      const partial = this.interrupted || load === undefined || load.interrupted;
      this.journal.control({ type: 'RunFinished', t: this.clock.now(), requests: this.ctx.nextId, partial });
      this.journal.end();
      for (const p of this.proxies) await p.stop();
      this.directory.close();
      this.backendCounts = new Map(this.fleet.backends.map((b) => [b.key, this.fleet.served[b.index]]));
      this.healthChecksServed = this.fleet.healthChecks.reduce((a, b) => a + b, 0);
      await this.fleet.close();
    }
    const partial = this.interrupted || load.interrupted;
    const backendCounts = this.backendCounts;
    const healthChecksServed = this.healthChecksServed;
    return {
      seed: this.seed,
      partial,
      schedule: this.scheduleText,
      connections,
      timeScale: this.clock.scale,
      load,
      backendCounts,
      healthChecksServed,
      proxy: { ...this.stats },
      failedAttempts: new Map(
        this.stats.failedAttempts.flatMap((n, i) =>
          n > 0 ? [[this.balancer.backends[i].key, n] as const] : [],
        ),
      ),
      health: {
        probes: this.health.probeCount,
        checks: this.health.checks,
        failed: this.health.failedChecks,
        transitions: this.health.transitions,
      },
      timeline: this.timeline.results,
      timelineNotReached: this.timeline.remaining,
      journal: {
        routed: this.journal.routedRows,
        completed: this.journal.completedRows,
        dropped: this.journal.dropped,
      },
      listeners: urls,
      layer4: this.layer4,
      tracePath: this.trace.file,
      traceRows: this.trace.rows,
    };
  }

  /** Ctrl-C: stop sending; `run()` then finishes with a partial result. Safe to call any time. */
  interrupt(): void {
    this.interrupted = true;
    this.driver?.stop();
  }

  /** Close everything without running (when `run` is never called). */
  async abort(): Promise<void> {
    await this.timeline.stop();
    this.health.stop();
    this.journal.end();
    for (const p of this.proxies) await p.stop();
    this.directory.close();
    await this.fleet.close();
  }

  /** Wait until no request is open at the proxies (or the grace period ends). */
  private async drain(ms: number): Promise<void> {
    const deadline = performance.now() + ms;
    while (this.stats.open > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  }
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
