/**
 * The one small interface every scheduler implements. A scheduler chooses among the members of a
 * pool (one server group as one listener or rule sees it, in the group's scheduling order) for
 * each new request (layer 7) or new connection (layer 4).
 *
 * Hot path contract: `pick` allocates nothing and runs in O(1) for table-driven schedulers.
 */
import type { SchedulerName } from '../topology/types.js';

export type Layer = 4 | 7;

/** The members a scheduler chooses among, for one epoch (a span with constant weights and eligibility). */
export interface SchedulerPool {
  /** Stable identity per member, e.g. `i-web1:8080`; used to carry state across `update`. */
  readonly keys: readonly string[];
  /** Configured weight per member, 0–100 (0 = no new requests). */
  readonly weights: ArrayLike<number>;
  /** 1 when the member may take new requests (healthy, ECS running); weight 0 is excluded regardless. */
  readonly eligible: ArrayLike<number>;
}

export interface Scheduler {
  readonly name: SchedulerName;
  readonly layer: Layer;
  /** True for schedulers whose picks are a fixed function of the sequence (wrr, rr). */
  readonly deterministic: boolean;
  /** Length of one full cycle in the current epoch (deterministic schedulers), else 0. */
  readonly cycleLength: number;
  /**
   * Start a new epoch. Takes effect at the next pick. How state carries over is part of each
   * scheduler's documented semantics (docs/MODEL.md, "Changes mid-run").
   */
  update(pool: SchedulerPool): void;
  /**
   * Choose a member for a new request; returns its index in the pool, or -1 when no member is
   * eligible. `hash` is the request's 32-bit key hash (source IP, 4-tuple or QUIC connection id)
   * for the consistent-hash schedulers and is ignored by the others. Least-connection schedulers
   * count the pick as an active connection until `release`.
   */
  pick(hash: number): number;
  /** The connection to member `index` closed (least-connection schedulers; no-op elsewhere). */
  release(index: number): void;
  /** LVS only: an inactive (TIME_WAIT-like) entry of member `index` expired (no-op elsewhere). */
  expire(index: number): void;
}

/** How a scheduler instance is made: which algorithm, which layer, and the cluster-model draws. */
export interface SchedulerOptions {
  readonly name: SchedulerName;
  readonly layer: Layer;
  /**
   * A seeded random stream for this instance (node × worker) — used only by the cluster model
   * (start offset, discarded first picks). Absent = exact mode (fresh state, offset 0).
   */
  readonly random?: () => number;
}
