/**
 * Physical backend state and the health checks that notice it.
 *
 * A backend (ServerId, Port) is alive when its process is up (no `BackendFailed` without a later
 * `BackendRecovered`) and its ECS instance is running (StopInstance/StartInstance). Requests sent
 * to a dead backend fail; the scheduler stops choosing it only when a scope's health check has
 * noticed: `HealthCheckInterval × UnhealthyThreshold` after the failure, and it comes back
 * `HealthCheckInterval × HealthyThreshold` after the recovery (clb-semantics.md §5). A scope with
 * health checks off never notices (CLB keeps forwarding to a dead ECS then). Every change of a
 * backend's physical state bumps its generation, so a pending verdict made stale by a later change
 * is dropped — as consecutive-threshold counting would.
 *
 * This is the engine's fault model and its simulated checker only: the verdicts themselves, and
 * what they make eligible, live in the scope table (src/routing/scope-table.ts), which both this
 * model and the live health checker feed.
 */
import type { ScopeTable } from '../routing/scope-table.js';

export interface PendingVerdict {
  scope: number;
  member: number;
  backend: number;
  healthy: boolean;
  generation: number;
}

export class HealthModel {
  /** 1 = the backend's process is up and its instance running. */
  private alive = new Uint8Array(64);
  private generation = new Uint32Array(64);
  private readonly downProcess = new Set<string>();
  private readonly downAllPorts = new Set<string>();
  private readonly stoppedInstances = new Set<string>();
  private readonly pending: PendingVerdict[] = [];
  private readonly freeSlots: number[] = [];

  constructor(
    private readonly table: ScopeTable,
    /** Schedules a verdict to be delivered by `deliver(slot)` at `time`. */
    private readonly schedule: (time: number, slot: number) => void,
  ) {
    this.alive.fill(1);
  }

  isAlive(backend: number): boolean {
    return backend < this.alive.length ? this.alive[backend] === 1 : true;
  }

  /** Whether the backend's instance is stopped (a connect then times out instead of being refused). */
  instanceStopped(backend: number): boolean {
    return this.stoppedInstances.has(this.table.backends[backend].ServerId);
  }

  processFault(now: number, ServerId: string, Port: number | null, failed: boolean): void {
    const set = Port === null ? this.downAllPorts : this.downProcess;
    const key = Port === null ? ServerId : `${ServerId}:${Port}`;
    if (failed) set.add(key);
    else set.delete(key);
    this.refresh(now, (b) => b.ServerId === ServerId && (Port === null || b.Port === Port));
  }

  instanceStatus(now: number, InstanceId: string, running: boolean): void {
    if (running) this.stoppedInstances.delete(InstanceId);
    else this.stoppedInstances.add(InstanceId);
    this.refresh(now, (b) => b.ServerId === InstanceId);
  }

  /** After a topology change: start checks on members (new ones too) that are already dead. */
  topologyChanged(now: number): void {
    this.ensureCapacity(this.table.backends.length);
    this.refresh(now, () => true, false);
  }

  /** A scheduled verdict is due: it reaches the scope table unless a later change made it stale. */
  deliver(slot: number): void {
    const v = this.pending[slot];
    this.freeSlots.push(slot);
    if (v.generation !== this.generation[v.backend]) return;
    if (this.table.holds(v.scope, v.member, v.backend)) this.table.setHealth(v.scope, v.member, v.healthy);
  }

  private refresh(
    now: number,
    affected: (b: { ServerId: string; Port: number }) => boolean,
    bump = true,
  ): void {
    const backends = this.table.backends;
    this.ensureCapacity(backends.length);
    for (const b of backends) {
      if (!affected(b)) continue;
      const up =
        !this.downProcess.has(b.key) &&
        !this.downAllPorts.has(b.ServerId) &&
        !this.stoppedInstances.has(b.ServerId);
      const value = up ? 1 : 0;
      if (bump && this.alive[b.index] !== value) this.generation[b.index]++;
      this.alive[b.index] = value;
      this.checkMembers(now, b.index, up);
    }
  }

  /** Every checked member that is `backend` and whose verdict differs gets one after the check's delay. */
  private checkMembers(now: number, backend: number, up: boolean): void {
    const pairs = this.table.membersOf(backend);
    for (let i = 0; i < pairs.length; i += 2) {
      const scope = pairs[i];
      const member = pairs[i + 1];
      const s = this.table.scopes[scope];
      if (!this.table.isChecked(s, member) || this.table.verdict(scope, member) === up) continue;
      const h = s.spec.health;
      const delay = (up ? h.healthyThreshold : h.unhealthyThreshold) * h.interval * 1_000_000;
      const slot = this.freeSlots.pop() ?? this.pending.length;
      this.pending[slot] = { scope, member, backend, healthy: up, generation: this.generation[backend] };
      this.schedule(now + delay, slot);
    }
  }

  private ensureCapacity(n: number): void {
    if (n <= this.alive.length) return;
    let cap = this.alive.length;
    while (cap < n) cap *= 2;
    const alive = new Uint8Array(cap).fill(1);
    alive.set(this.alive);
    const gen = new Uint32Array(cap);
    gen.set(this.generation);
    this.alive = alive;
    this.generation = gen;
  }
}
