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
  }

  pick(_hash: number): number {
    const w = this.weights;
    const u = this.usable;
    const a = this.activeConns;
    const ia = this.inactiveConns;
    const n = w.length;
    let least = -1;
    let loh = 0;
    let wl = 0;
    for (let i = 0; i < n; i++) {
      if (u[i] === 0) continue;
      // The kernel compares 64-bit products; doubles are exact below 2^53.
      const doh = a[i] * 256 + ia[i];
      if (least < 0 || loh * w[i] > doh * wl) {
        least = i;
        loh = doh;
        wl = w[i];
      }
    }
    if (least >= 0) a[least]++;
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
