/**
 * Layer-4 `wrr`: Linux IPVS interleaved weighted round robin (`ip_vs_wrr.c`, lb-algorithms.md
 * §3.2) — not smooth. From its initial state (cursor at the list head, threshold cw = mw, the max
 * weight minus gcd−1) every pass scans the list in order and returns each destination whose weight
 * is ≥ cw; at the end of the list cw drops by the gcd, wrapping to mw. One full cycle is therefore
 * "for each threshold mw, mw−di, … ≥ 1: the members with weight ≥ threshold, in order", which is
 * the precomputed table (O(1) pick): {4,3,2} → AABABCABC, {5,1,1} → AAAAABC, {4,2,2} → AABC.
 *
 * Epoch change reproduces `ip_vs_wrr_dest_changed`: the cursor returns to the head, di and mw are
 * recomputed, cw is kept unless it exceeds the new mw or is 0 (then mw), rounded to
 * (cw/di)·di + 1 when di > 1; the next pick is where the pass with that threshold starts in the
 * new table. Members that are not eligible are absent from the list (keepalived removes a failed
 * real server, which is itself a destination change).
 */
import type { SchedulerName } from '../topology/types.js';
import { activeMembers, gcdOf } from './pool.js';
import type { Layer, Scheduler, SchedulerPool } from './scheduler.js';

export class LvsWeightedRoundRobin implements Scheduler {
  readonly name: SchedulerName = 'wrr';
  readonly layer: Layer = 4;
  readonly deterministic = true;
  cycleLength = 0;
  private table = new Int32Array(0);
  private threshold = new Int32Array(0);
  private cursor = 0;
  /** IPVS `mark->cw` as of the last pick (or as set by the last change). */
  private cw = 0;
  private mw = 0;
  private di = 0;
  private passStart = new Map<number, number>();

  update(pool: SchedulerPool): void {
    const active = activeMembers(pool);
    const weights = active.map((i) => pool.weights[i]);
    const di = gcdOf(weights);
    const max = weights.reduce((a, b) => Math.max(a, b), 0);
    const mw = di === 0 ? 0 : max - (di - 1);
    const table: number[] = [];
    const thresholds: number[] = [];
    this.passStart = new Map();
    for (let t = mw; t > 0; t -= di) {
      this.passStart.set(t, table.length);
      active.forEach((m, j) => {
        if (weights[j] >= t) {
          table.push(m);
          thresholds.push(t);
        }
      });
    }
    const first = this.mw === 0 && this.table.length === 0;
    let cw = this.cw;
    if (first || cw > mw || cw === 0) cw = mw;
    else if (di > 1) cw = Math.floor(cw / di) * di + 1;
    this.table = Int32Array.from(table);
    this.threshold = Int32Array.from(thresholds);
    this.cycleLength = table.length;
    this.mw = mw;
    this.di = di;
    this.cw = cw;
    this.cursor = this.passStart.get(cw) ?? 0;
  }

  pick(_hash: number): number {
    const n = this.table.length;
    if (n === 0) return -1;
    const c = this.cursor;
    this.cw = this.threshold[c];
    this.cursor = c + 1 === n ? 0 : c + 1;
    return this.table[c];
  }

  release(_index: number): void {}

  expire(_index: number): void {}

  /** The IPVS state (for tests): current threshold, max weight, gcd. */
  get state(): { cw: number; mw: number; di: number } {
    return { cw: this.cw, mw: this.mw, di: this.di };
  }
}
