/**
 * Layer-4 `wrr`: Linux IPVS interleaved weighted round robin (`ip_vs_wrr_schedule`,
 * lb-algorithms.md §3.2) — not smooth. State: `cl` (cursor, starts at the list head), `di` = gcd
 * of the positive weights, `mw` = max weight − (di − 1), `cw` = threshold (starts at mw). A pick
 * continues scanning from `cl` for the first destination with weight ≥ cw; at the end of the list
 * cw drops by di, wrapping to mw when it reaches ≤ 0. One full cycle is therefore "for each
 * threshold mw, mw−di, …, ≥ 1: the destinations with weight ≥ threshold, in list order", of
 * length Σw/di. That cycle is the precomputed table, so a pick is O(1):
 * {4,3,2} → AABABCABC, {5,1,1} → AAAAABC, {4,2,2} → AABC.
 *
 * The list order is the pool order the routing layer passes (IPVS inserts new destinations at the
 * head, so by default the routing layer reverses the API order; docs/MODEL.md (Routing)).
 *
 * Epoch change reproduces `ip_vs_wrr_dest_changed`: `cl` returns to the head, di and mw are
 * recomputed, cw is set to mw if it exceeds the new mw, else rounded to (cw/di)·di + 1 when
 * di > 1; the next pick is where the pass with threshold cw starts in the new table. The kernel
 * quirk cw = 0 (left by an epoch with no destinations; the kernel then scans once with threshold
 * 0) maps to the last pass (threshold 1), because weight-0 members are absent here. Ineligible
 * members are absent from the list (keepalived deletes a real server that fails its check, which
 * is itself a destination change). The first update is `ip_vs_wrr_init_svc` with its
 * destinations (cw = mw). An update that leaves the active set unchanged changes nothing.
 */
import type { SchedulerName } from '../topology/types.js';
import { ActiveSet, gcdOf } from './pool.js';
import type { Layer, Scheduler, SchedulerPool } from './scheduler.js';

export class LvsWeightedRoundRobin implements Scheduler {
  readonly name: SchedulerName = 'wrr';
  readonly layer: Layer = 4;
  readonly deterministic = true;
  cycleLength = 0;
  /** One cycle of picks (pool indexes) and the threshold of the pass each entry belongs to. */
  private table = new Int32Array(0);
  private threshold = new Int32Array(0);
  /** Table position where the pass k (threshold mw − k·di) starts. */
  private passStart = new Int32Array(0);
  private cursor = 0;
  /** Position of the last pick in this epoch, -1 if none (then cw = startCw). */
  private lastPos = -1;
  private startCw = 0;
  /** The epoch began with the kernel's cw = 0 scan, which lasts until the table start comes round. */
  private zeroPass = false;
  private mw = 0;
  private di = 1;
  private initialised = false;
  private set: ActiveSet | null = null;

  update(pool: SchedulerPool): void {
    const next = ActiveSet.of(pool);
    if (this.initialised && next.sameAs(this.set)) {
      this.renumber(this.set!, next);
      this.set = next;
      return;
    }
    const cw = this.cw;
    this.set = next;
    const n = next.size;
    const di = gcdOf(next.weights) || 1;
    let max = 0;
    for (const w of next.weights) if (w > max) max = w;
    const mw = Math.max(max - (di - 1), 0);
    let cwNext: number;
    if (!this.initialised) cwNext = mw;
    else if (cw > mw) cwNext = mw;
    else if (di > 1) cwNext = Math.floor(cw / di) * di + 1;
    else cwNext = cw;
    this.initialised = true;
    this.di = di;
    this.mw = mw;
    this.startCw = cwNext;
    this.lastPos = -1;
    this.zeroPass = cwNext <= 0;

    const passes = n === 0 ? 0 : max / di;
    let length = 0;
    for (const w of next.weights) length += w / di;
    this.table = new Int32Array(length);
    this.threshold = new Int32Array(length);
    this.passStart = new Int32Array(passes);
    let t = 0;
    for (let k = 0; k < passes; k++) {
      const th = mw - k * di;
      this.passStart[k] = t;
      for (let j = 0; j < n; j++) {
        if (next.weights[j] >= th) {
          this.table[t] = next.members[j];
          this.threshold[t] = th;
          t++;
        }
      }
    }
    this.cycleLength = length;
    if (passes === 0) {
      this.cursor = 0;
      return;
    }
    // cw ≤ 0 (the kernel's threshold-0 scan) behaves as the last pass: every member once.
    const k = cwNext <= 0 ? passes - 1 : (mw - cwNext) / di;
    this.cursor = this.passStart[k];
  }

  pick(_hash: number): number {
    const n = this.cycleLength;
    if (n === 0) return -1;
    const c = this.cursor;
    // Back at the table start after a pick: the kernel's cw = 0 scan (if any) has ended.
    if (c === 0 && this.lastPos >= 0) this.zeroPass = false;
    this.lastPos = c;
    this.cursor = c + 1 === n ? 0 : c + 1;
    return this.table[c];
  }

  release(_index: number): void {}

  expire(_index: number): void {}

  /** IPVS `mark->cw` now: the threshold of the last pick's pass, or the one the last change set. */
  get cw(): number {
    if (this.lastPos < 0) return this.startCw;
    return this.zeroPass ? 0 : this.threshold[this.lastPos];
  }

  /** The IPVS state (tests, explain): current threshold, max weight − (gcd − 1), gcd. */
  get state(): { cw: number; mw: number; di: number } {
    return { cw: this.cw, mw: this.mw, di: this.di };
  }

  private renumber(previous: ActiveSet, next: ActiveSet): void {
    const map = new Map<number, number>();
    for (let j = 0; j < next.size; j++) map.set(previous.members[j], next.members[j]);
    for (let t = 0; t < this.table.length; t++) this.table[t] = map.get(this.table[t])!;
  }
}
