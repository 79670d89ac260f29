/**
 * The cluster model: one scope runs as `nodes × workers` independent scheduler instances, as CLB
 * runs many LVS nodes and, at layer 7, many Tengine nodes with several worker processes each
 * (clb-semantics.md §4.2, lb-algorithms.md §2.1, §10).
 *
 * Routing of a request to an instance: the node by a hash of the client 4-tuple (LVS spreads
 * connections over the nodes by flow), the worker by a second, independent hash of the same tuple
 * (like SO_REUSEPORT, which hashes the 4-tuple over the listening sockets). Each layer-7 instance
 * draws its start offset and discarded first picks from its own seeded stream
 * `stream(seed, "sched/<scope>/<node>/<worker>")` (src/util/rng.ts), so adding a scope or an
 * instance never shifts another's draws.
 *
 * Sharing: layer-4 schedulers keep one state per LVS node (IPVS scheduler state is per virtual
 * service, shared by the node's CPUs), so the worker dimension does not apply (`lastWorker` is 0).
 * The consistent-hash schedulers are stateless between picks, so all instances share one table.
 *
 * 1 × 1 is exact mode: one instance, fresh state, no random draws — the reference sequences.
 * The pick path (`route`, `pick`) is allocation-free.
 */
import { isConsistentHash } from '../topology/scheduler-names.js';
import { stream } from '../util/rng.js';
import { createScheduler } from './factory.js';
import { fmix32 } from './hash.js';
import type { Scheduler, SchedulerOptions, SchedulerPool } from './scheduler.js';

const NODE_SALT = 0x27d4eb2f;
const WORKER_SALT = 0x165667b1;

/** h mod n for a uint32 h: exact, and much faster than `%` on values beyond the int32 range. */
function mod(h: number, n: number): number {
  return h - Math.floor(h / n) * n;
}

/** The CLB node a client 4-tuple hash reaches among `nodes` (LVS spreads flows by the tuple). */
export function nodeOfTuple(tupleHash: number, nodes: number): number {
  return nodes === 1 ? 0 : mod(fmix32(tupleHash ^ NODE_SALT), nodes);
}

export class SchedulerCluster {
  /** The instance serving (node, worker) at `node * workers + worker` (shared entries repeat). */
  readonly instances: Scheduler[];
  /** Each distinct instance once. */
  readonly distinct: Scheduler[];
  lastNode = 0;
  lastWorker = 0;
  /** True when the worker dimension is real (layer 7, not consistent hashing). */
  readonly perWorker: boolean;
  private current: Scheduler;

  constructor(
    options: Pick<SchedulerOptions, 'name' | 'layer'>,
    readonly nodes: number,
    readonly workers: number,
    seed: string,
    scopeName: string,
    /** Force exact mode (no random draws) even with several instances. Default: exact iff 1 × 1. */
    exact = nodes * workers === 1,
  ) {
    if (!Number.isInteger(nodes) || nodes < 1 || !Number.isInteger(workers) || workers < 1)
      throw new RangeError(`cluster shape must be positive integers, got ${nodes} × ${workers}`);
    const hashing = isConsistentHash(options.name);
    this.perWorker = options.layer === 7 && !hashing;
    this.instances = [];
    this.distinct = [];
    let shared: Scheduler | null = null;
    for (let node = 0; node < nodes; node++) {
      let nodeInstance: Scheduler | null = null;
      for (let worker = 0; worker < workers; worker++) {
        let s: Scheduler;
        if (hashing) {
          s = shared ??= this.make(options, undefined);
        } else if (!this.perWorker) {
          s = nodeInstance ??= this.make(
            options,
            exact ? undefined : stream(seed, `sched/${scopeName}/${node}/0`),
          );
        } else {
          s = this.make(options, exact ? undefined : stream(seed, `sched/${scopeName}/${node}/${worker}`));
        }
        this.instances.push(s);
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
    const node = nodeOfTuple(tupleHash, this.nodes);
    const worker =
      this.workers === 1 || !this.perWorker ? 0 : mod(fmix32(tupleHash ^ WORKER_SALT), this.workers);
    this.lastNode = node;
    this.lastWorker = worker;
    this.current = this.instances[node * this.workers + worker];
  }

  /** Route by `tupleHash`, then pick with `keyHash` on that instance (-1: nothing eligible). */
  pick(keyHash: number, tupleHash: number): number {
    this.route(tupleHash);
    return this.current.pick(keyHash);
  }

  /** Pick on the instance chosen by the last `route` (retries of the same request). */
  pickRouted(keyHash: number): number {
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

  /** A new epoch for every instance (takes effect at each one's next pick). */
  update(pool: SchedulerPool): void {
    for (const s of this.distinct) s.update(pool);
  }

  private make(options: Pick<SchedulerOptions, 'name' | 'layer'>, random: (() => number) | undefined) {
    const s = createScheduler({ name: options.name, layer: options.layer, random });
    this.distinct.push(s);
    return s;
  }
}
