/**
 * The cluster model: one scope runs as `nodes × workers` independent scheduler instances, as CLB
 * runs many LVS nodes and many Tengine workers (clb-semantics.md §4.2, lb-algorithms.md §2.1).
 * A request reaches a node by a hash of its client 4-tuple (LVS → Tengine) and a worker by a second,
 * independent hash of it (like SO_REUSEPORT). Each instance draws its start offset and discarded
 * first picks from its own seeded stream `sched/<scope>/<node>/<worker>`.
 *
 * 1 × 1 is exact mode: one instance, fresh state, no random draws — the reference sequences.
 */
import { stream } from '../util/rng.js';
import { createScheduler } from './factory.js';
import { fmix32 } from './hash.js';
import type { Scheduler, SchedulerOptions, SchedulerPool } from './scheduler.js';

export class SchedulerCluster {
  readonly instances: Scheduler[];
  lastNode = 0;
  lastWorker = 0;
  private current: Scheduler;

  constructor(
    options: Pick<SchedulerOptions, 'name' | 'layer'>,
    readonly nodes: number,
    readonly workers: number,
    seed: string,
    scopeName: string,
  ) {
    const exact = nodes * workers === 1;
    this.instances = [];
    for (let node = 0; node < nodes; node++) {
      for (let worker = 0; worker < workers; worker++) {
        const random = exact ? undefined : stream(seed, `sched/${scopeName}/${node}/${worker}`);
        this.instances.push(createScheduler({ ...options, random }));
      }
    }
    this.current = this.instances[0];
  }

  get deterministic(): boolean {
    return this.instances[0].deterministic;
  }

  get cycleLength(): number {
    return this.instances[0].cycleLength;
  }

  /** Select the instance a client 4-tuple reaches (sets `lastNode`, `lastWorker`). */
  route(tupleHash: number): void {
    if (this.instances.length === 1) return;
    const node = this.nodes === 1 ? 0 : fmix32(tupleHash ^ 0x27d4eb2f) % this.nodes;
    const worker = this.workers === 1 ? 0 : fmix32(tupleHash ^ 0x165667b1) % this.workers;
    this.lastNode = node;
    this.lastWorker = worker;
    this.current = this.instances[node * this.workers + worker];
  }

  /** Pick on the instance selected by the last `route`. */
  pick(keyHash: number, _tupleHash: number): number {
    return this.current.pick(keyHash);
  }

  instance(node: number, worker: number): Scheduler {
    return this.instances[node * this.workers + worker];
  }

  release(node: number, worker: number, member: number): void {
    this.instances[node * this.workers + worker].release(member);
  }

  expire(node: number, worker: number, member: number): void {
    this.instances[node * this.workers + worker].expire(member);
  }

  update(pool: SchedulerPool): void {
    for (const s of this.instances) s.update(pool);
  }
}
