/**
 * Layer-4 `wlc`: IPVS weighted least-connection (`ip_vs_wlc_schedule`, lb-algorithms.md §3.3).
 * The overhead of a destination is `activeconns·256 + inactconns` (`ip_vs_dest_conn_overhead`);
 * `least` starts as the first usable destination in list order, and a later one replaces it when
 * `loh·w_dest > doh·w_least` (strict, so ties keep the earlier one). A weight-0 destination never
 * wins. O(n) per pick, no allocation.
 *
 * `pick` opens an active connection; `release` turns it inactive (FIN_WAIT/TIME_WAIT entries stay
 * in the connection table); `expire` drops the inactive entry (the engine schedules it after a
 * TIME_WAIT-like delay). With connections that close and expire at once every overhead is 0 and
 * wlc always picks the first destination — as the kernel does.
 *
 * Epoch change: active and inactive counts carry over by member key (the connection entries
 * outlive a weight change or a failed check); members that left the pool drop theirs; new members
 * start at 0. The cluster model's `random` is not used (no randomness in the kernel).
 */
import type { SchedulerName } from '../topology/types.js';
import type { Layer, Scheduler, SchedulerPool } from './scheduler.js';

/**
 * Below this overhead (activeconns·256 + inactconns) and weights of at most 127 (CLB's ≤ 100),
 * overhead·weight < 2^31: the integer scan's bounds.
 */
const NARROW_OVERHEAD = 1 << 24;
const MAX_NARROW_WEIGHT = 127;

export class LvsWeightedLeastConnection implements Scheduler {
  readonly name: SchedulerName = 'wlc';
  readonly layer: Layer = 4;
  readonly deterministic = false;
  readonly cycleLength = 0;
  private keys: readonly string[] = [];
  private weights = new Int32Array(0);
  private usable = new Uint8Array(0);
  private activeConns = new Int32Array(0);
  private inactiveConns = new Int32Array(0);
  /** Per member its weight when usable, else 0 (the integer scan's view: 0 never wins). */
  private scanWeights = new Int32Array(0);
  /** A member's overhead reached NARROW_OVERHEAD, or a weight is past MAX_NARROW_WEIGHT. */
  private wide = false;

  update(pool: SchedulerPool): void {
    const n = pool.keys.length;
    const previous = new Map<string, number>();
    for (let i = 0; i < this.keys.length; i++) previous.set(this.keys[i], i);
    const weights = new Int32Array(n);
    const usable = new Uint8Array(n);
    const active = new Int32Array(n);
    const inactive = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      weights[i] = pool.weights[i];
      usable[i] = pool.weights[i] > 0 && pool.eligible[i] === 1 ? 1 : 0;
      const j = previous.get(pool.keys[i]);
      if (j !== undefined) {
        active[i] = this.activeConns[j];
        inactive[i] = this.inactiveConns[j];
      }
    }
    this.keys = [...pool.keys];
    this.weights = weights;
    this.usable = usable;
    this.activeConns = active;
    this.inactiveConns = inactive;
    this.scanWeights = weights.map((x, i) => (usable[i] === 1 ? x : 0));
    this.wide =
      weights.some((x) => x > MAX_NARROW_WEIGHT) ||
      active.some((a, i) => a * 256 + inactive[i] >= NARROW_OVERHEAD);
  }

  pick(_hash: number): number {
    const u = this.usable;
    const n = u.length;
    let first = 0;
    while (first < n && u[first] === 0) first++;
    if (first === n) return -1;
    const least = this.wide ? this.scanWide(first) : this.scan(first);
    // Only a pick raises an overhead (a close turns 256 into 1, an expiry takes 1 off).
    if (++this.activeConns[least] * 256 + this.inactiveConns[least] >= NARROW_OVERHEAD) this.wide = true;
    return least;
  }

  /**
   * The kernel's loop from the first usable destination, in integer arithmetic without a
   * data-dependent branch: the comparison's outcome is a 0/1 value that selects by masks (which
   * destination is least loaded changes with every connection, so a branch mispredicts every few
   * destinations). A member that is not usable has weight 0 here and never wins (0 > doh·w_least
   * is false). Exact below NARROW_OVERHEAD and MAX_NARROW_WEIGHT (products below 2^31).
   */
  private scan(first: number): number {
    const w = this.scanWeights;
    const a = this.activeConns;
    const ia = this.inactiveConns;
    const n = w.length;
    let least = first;
    let loh = a[first] * 256 + ia[first];
    let wl = w[first];
    for (let i = first + 1; i < n; i++) {
      const doh = a[i] * 256 + ia[i];
      const wi = w[i];
      // loh·w_i > doh·w_least: i is the new least.
      const mask = -((doh * wl - loh * wi) >>> 31);
      least ^= (least ^ i) & mask;
      loh ^= (loh ^ doh) & mask;
      wl ^= (wl ^ wi) & mask;
    }
    return least;
  }

  /** The kernel's loop as written, in doubles (its 64-bit products are exact below 2^53). */
  private scanWide(first: number): number {
    const w = this.weights;
    const u = this.usable;
    const a = this.activeConns;
    const ia = this.inactiveConns;
    const n = w.length;
    let least = first;
    let loh = a[first] * 256 + ia[first];
    let wl = w[first];
    for (let i = first + 1; i < n; i++) {
      if (u[i] === 0) continue;
      const doh = a[i] * 256 + ia[i];
      if (loh * w[i] > doh * wl) {
        least = i;
        loh = doh;
        wl = w[i];
      }
    }
    return least;
  }

  release(index: number): void {
    if (this.activeConns[index] > 0) {
      this.activeConns[index]--;
      this.inactiveConns[index]++;
    }
  }

  expire(index: number): void {
    if (this.inactiveConns[index] > 0) this.inactiveConns[index]--;
  }

  /** [active, inactive] per member (tests, explain). */
  counts(): Array<[number, number]> {
    return Array.from(this.activeConns, (x, i) => [x, this.inactiveConns[i]]);
  }
}
