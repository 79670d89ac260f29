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
 */
import type { Balancer } from '../routing/balancer.js';

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
  /** (scope, member) pairs per backend index, rebuilt after each topology change. */
  private membership: Array<Array<[number, number]>> = [];
  private readonly pending: PendingVerdict[] = [];
  private readonly freeSlots: number[] = [];

  constructor(
    private readonly balancer: Balancer,
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
    return this.stoppedInstances.has(this.balancer.backends[backend].ServerId);
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

  /** After a topology change: rebuild membership and start checks on members that are already dead. */
  topologyChanged(now: number): void {
    this.membership = [];
    for (const s of this.balancer.scopes) {
      if (!s.active) continue;
      for (let m = 0; m < s.backends.length; m++) {
        const b = s.backends[m];
        (this.membership[b] ??= []).push([s.index, m]);
      }
    }
    this.ensureCapacity(this.balancer.backends.length);
    this.refresh(now, () => true, false);
  }

  /** A scheduled verdict is due. */
  deliver(slot: number): void {
    const v = this.pending[slot];
    this.freeSlots.push(slot);
    if (v.generation !== this.generation[v.backend]) return;
    const s = this.balancer.scopes[v.scope];
    if (!s.active || s.backends[v.member] !== v.backend) return;
    this.balancer.setHealth(v.scope, v.member, v.healthy);
  }

  private refresh(
    now: number,
    affected: (b: { ServerId: string; Port: number }) => boolean,
    bump = true,
  ): void {
    const backends = this.balancer.backends;
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
      for (const [scope, member] of this.membership[b.index] ?? []) {
        const s = this.balancer.scopes[scope];
        const h = s.spec.health;
        if (!h.on || (s.spec.source === 'master-slave' && member > 0)) continue;
        if (s.healthy[member] === value) continue;
        const delay = (up ? h.healthyThreshold : h.unhealthyThreshold) * h.interval * 1_000_000;
        const slot = this.freeSlots.pop() ?? this.pending.length;
        this.pending[slot] = {
          scope,
          member,
          backend: b.index,
          healthy: up,
          generation: this.generation[b.index],
        };
        this.schedule(now + delay, slot);
      }
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
