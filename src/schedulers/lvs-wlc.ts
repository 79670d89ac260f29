/**
 * Layer-4 `wlc`: IPVS weighted least-connection (`ip_vs_wlc.c`, lb-algorithms.md §3.3). The
 * overhead of a destination is `active·256 + inactive`; the first usable destination in list order
 * starts as `least`, and a later one replaces it when `loh·w_dest > doh·w_least` (strict, so ties
 * keep the earlier one). A weight-0 destination never wins.
 *
 * `pick` opens an active connection; `release` turns it inactive (FIN_WAIT/TIME_WAIT), `expire`
 * drops the inactive entry. Epoch change: counts carry over by member key.
 */
import type { SchedulerName } from '../topology/types.js';
import type { Layer, Scheduler, SchedulerPool } from './scheduler.js';

export class LvsWeightedLeastConnection implements Scheduler {
  readonly name: SchedulerName = 'wlc';
  readonly layer: Layer = 4;
  readonly deterministic = false;
  readonly cycleLength = 0;
  private keys: readonly string[] = [];
  private weights = new Float64Array(0);
  private usable = new Uint8Array(0);
  private activeConns = new Float64Array(0);
  private inactiveConns = new Float64Array(0);

  update(pool: SchedulerPool): void {
    const n = pool.keys.length;
    const prev = new Map<string, [number, number]>();
    for (const [i, k] of this.keys.entries()) prev.set(k, [this.activeConns[i], this.inactiveConns[i]]);
    this.keys = [...pool.keys];
    this.weights = Float64Array.from({ length: n }, (_, i) => pool.weights[i]);
    this.usable = Uint8Array.from({ length: n }, (_, i) =>
      pool.weights[i] > 0 && pool.eligible[i] === 1 ? 1 : 0,
    );
    this.activeConns = Float64Array.from(this.keys, (k) => prev.get(k)?.[0] ?? 0);
    this.inactiveConns = Float64Array.from(this.keys, (k) => prev.get(k)?.[1] ?? 0);
  }

  pick(_hash: number): number {
    const w = this.weights;
    const u = this.usable;
    const a = this.activeConns;
    const ia = this.inactiveConns;
    const n = w.length;
    let least = -1;
    let loh = 0;
    for (let i = 0; i < n; i++) {
      if (u[i] === 0) continue;
      const doh = a[i] * 256 + ia[i];
      if (least < 0) {
        least = i;
        loh = doh;
      } else if (loh * w[i] > doh * w[least]) {
        least = i;
        loh = doh;
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

  /** [active, inactive] per member (for tests). */
  counts(): Array<[number, number]> {
    return Array.from(this.activeConns, (x, i) => [x, this.inactiveConns[i]]);
  }
}
