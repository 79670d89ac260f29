/**
 * The scenario's timeline applied in wall-clock time during a live run (scenario time = wall time
 * since the load started × the clock's scale; see clock.ts):
 * - topology events (weight changes, group edits, listener start/stop, …) are folded into the
 *   topology and handed to the balancer (`applyState`), whose scopes start new epochs; the health
 *   checker follows the new scopes;
 * - `BackendFailed` / `BackendRecovered` kill or restart the real backend processes (every port of
 *   the ECS when the fault names no port);
 * - `StopInstance` / `StartInstance` also kill or restart every backend of that ECS, and while it is
 *   stopped connects to it time out (after the scaled 5 s connect timeout) instead of being refused.
 * Nobody tells the balancer about a failure: the proxy's health checks notice it (after
 * `UnhealthyThreshold` failed checks), and until then requests to the dead backend fail over to the
 * next one, as on CLB. Entries at the same time run in the scenario's order (events, then faults).
 */
import type { Balancer } from '../routing/balancer.js';
import type { FaultEvent, Scenario, ScheduledEvent } from '../scenario/scenario-model.js';
import { apply } from '../topology/apply.js';
import type { TopologyState } from '../topology/types.js';
import type { LiveClock } from './clock.js';
import type { HealthChecker } from './health-checker.js';
import type { JournalSequencer } from './journal-sequencer.js';
import type { BackendFleet } from './live-backends.js';
import type { UpstreamDirectory } from './upstream-directory.js';

export interface TimelineEntryResult {
  /** Scenario time it was due, µs. */
  readonly at: number;
  /** Scenario time it actually happened, µs. */
  readonly applied: number;
  readonly what: string;
  /** CLB error code when the event was rejected. */
  readonly rejected?: string;
}

type Entry = { readonly at: number; readonly event?: ScheduledEvent; readonly fault?: FaultEvent };

/** What the timeline acts on. */
export interface TimelineTargets {
  readonly balancer: Balancer;
  readonly fleet: BackendFleet;
  readonly health: HealthChecker;
  readonly journal: JournalSequencer | null;
  readonly clock: LiveClock;
  readonly directory: UpstreamDirectory;
}

export class LiveTimeline {
  private state: TopologyState;
  private readonly entries: Entry[];
  private next = 0;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private chain: Promise<void> = Promise.resolve();
  readonly results: TimelineEntryResult[] = [];

  private readonly balancer: Balancer;
  private readonly fleet: BackendFleet;
  private readonly health: HealthChecker;
  private readonly journal: JournalSequencer | null;
  private readonly clock: LiveClock;
  private readonly directory: UpstreamDirectory;

  constructor(scenario: Scenario, initial: TopologyState, targets: TimelineTargets) {
    this.balancer = targets.balancer;
    this.fleet = targets.fleet;
    this.health = targets.health;
    this.journal = targets.journal;
    this.clock = targets.clock;
    this.directory = targets.directory;
    this.state = initial;
    const events: Entry[] = scenario.events.filter((e) => e.at > 0).map((event) => ({ at: event.at, event }));
    const faults: Entry[] = scenario.faults.map((fault) => ({ at: fault.at, fault }));
    // Stable: events before faults at the same instant, each in file order.
    this.entries = [...events, ...faults].sort((a, b) => a.at - b.at);
  }

  /** Entries not reached (yet). */
  get remaining(): number {
    return this.entries.length - this.next;
  }

  get topology(): TopologyState {
    return this.state;
  }

  start(): void {
    this.running = true;
    this.arm();
  }

  /** Stop applying entries; resolves when the entry in progress (if any) is done. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.chain;
  }

  private arm(): void {
    if (!this.running || this.next >= this.entries.length) return;
    const wait = Math.max(0, this.clock.msUntil(this.entries[this.next].at));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.chain = this.chain.then(() => this.due());
    }, wait);
  }

  /** Apply every entry that is due now, then wait for the next. */
  private async due(): Promise<void> {
    while (
      this.running &&
      this.next < this.entries.length &&
      this.clock.msUntil(this.entries[this.next].at) <= 0
    ) {
      const entry = this.entries[this.next++];
      if (entry.event) await this.applyEvent(entry.at, entry.event);
      else if (entry.fault) await this.applyFault(entry.at, entry.fault);
    }
    this.arm();
  }

  private async applyEvent(at: number, event: ScheduledEvent): Promise<void> {
    const t = this.clock.now();
    const r = apply(this.state, event);
    if (!r.ok) {
      this.journal?.control({
        type: 'TopologyRejected',
        t,
        action: event.action,
        code: r.error.code,
        message: r.error.message,
      });
      this.results.push({ at, applied: t, what: event.action, rejected: r.error.code });
      return;
    }
    const before = this.state;
    this.state = r.state;
    this.journal?.control({
      type: 'TopologyApplied',
      t,
      action: event.action,
      params: event.params,
      response: r.response,
    });
    this.results.push({ at, applied: t, what: describeEvent(event) });
    if (event.action === 'StopInstance' || event.action === 'StartInstance') {
      const id = String(event.params.InstanceId);
      const running = event.action === 'StartInstance';
      // A stopped ECS does not even refuse: connects to it time out.
      this.directory.setInstanceStopped(id, !running);
      await this.physical(id, undefined, running);
    }
    if (before.LoadBalancers !== r.state.LoadBalancers) {
      this.balancer.applyState(r.state, event.action);
      this.health.sync(r.state);
    }
  }

  private async applyFault(at: number, f: FaultEvent): Promise<void> {
    const t = this.clock.now();
    this.journal?.control({
      type: 'FaultInjected',
      t,
      fault: f.kind,
      ServerId: f.ServerId,
      Port: f.Port ?? null,
    });
    this.results.push({
      at,
      applied: t,
      what: `${f.kind} ${f.ServerId}${f.Port === undefined ? '' : `:${f.Port}`}`,
    });
    if (f.kind === 'BackendRecovered') {
      // A process cannot come back on a stopped instance.
      const stopped = this.state.Instances.find((i) => i.InstanceId === f.ServerId)?.Status === 'Stopped';
      if (stopped) return;
    }
    await this.physical(f.ServerId, f.Port, f.kind === 'BackendRecovered');
  }

  /** Kill or restart the real backends of an ECS (one port, or all). */
  private async physical(serverId: string, port: number | undefined, up: boolean): Promise<void> {
    for (const b of this.fleet.backends) {
      if (b.ServerId !== serverId || (port !== undefined && b.Port !== port)) continue;
      if (up) await this.fleet.restart(b.index);
      else await this.fleet.kill(b.index);
    }
  }
}

function describeEvent(e: ScheduledEvent): string {
  const p = e.params;
  const id = p.VServerGroupId ?? p.InstanceId ?? p.LoadBalancerId ?? '';
  return id === '' ? e.action : `${e.action} ${String(id)}`;
}
