/**
 * One scheduler instance's (node × worker) picks within one epoch of one scope: counts per member
 * and, for deterministic schedulers, the smoothness measures of lb-algorithms.md §8 — maximum
 * prefix discrepancy, longest run of one member — and the check of every whole-cycle boundary.
 *
 * The discrepancy is kept exactly in integers: D·W = max |c_i(t)·W − t·w_i| with W the sum of
 * eligible weights. For member i, c_i(t)·W − t·w_i rises only at a pick of i and falls otherwise,
 * so its maximum is reached right after a pick of i and its minimum right before one (or at the
 * end): checking those two values at each pick, plus every member at the end, is exact and O(1)
 * per pick. At a cycle boundary (t a multiple of the cycle length L) the counts are exact iff
 * c_j·W = t·w_j for every member j, i.e. the discrepancy is 0 there.
 */

/** A pick stream as a shard's report state holds it (JSON; see report/report-state.ts). */
export interface PickStreamState {
  readonly node: number;
  readonly worker: number;
  readonly picks: number;
  readonly counts: readonly number[];
  readonly maxNum: number;
  readonly last: number;
  readonly run: number;
  readonly longest: number;
  readonly boundaries: number;
  readonly toBoundary: number;
  readonly exact: boolean;
}

export class PickStream {
  picks = 0;
  counts: Float64Array;
  /** max |c·W − t·w| seen at picks (the end values are added by `discrepancyNumerator`). */
  maxNum = 0;
  last = -1;
  run = 0;
  longest = 0;
  boundaries = 0;
  /** Picks left until the next cycle boundary (0 = no cycle). */
  private toBoundary = -1;
  /** False once a boundary was not exact. */
  exact = true;

  constructor(
    readonly node: number,
    readonly worker: number,
    capacity: number,
  ) {
    this.counts = new Float64Array(Math.max(1, capacity));
  }

  /** Count a pick of member `slot` (any scheduler). */
  count(slot: number): void {
    if (slot >= this.counts.length) this.grow(slot + 1);
    this.counts[slot]++;
    this.picks++;
  }

  /**
   * Count a pick of member `slot` of a deterministic scheduler, with weights `w` (0 for members
   * that are not eligible), their sum `sumW`, and cycle length `cycle` (0 = none).
   */
  pick(slot: number, w: ArrayLike<number>, sumW: number, cycle: number, k: number): void {
    if (slot >= this.counts.length) this.grow(slot + 1);
    const c = this.counts[slot];
    const t = this.picks + 1;
    const wi = slot < k ? w[slot] : 0;
    const before = Math.abs(c * sumW - (t - 1) * wi);
    const after = Math.abs((c + 1) * sumW - t * wi);
    if (before > this.maxNum) this.maxNum = before;
    if (after > this.maxNum) this.maxNum = after;
    this.counts[slot] = c + 1;
    this.picks = t;
    if (slot === this.last) this.run++;
    else {
      this.last = slot;
      this.run = 1;
    }
    if (this.run > this.longest) this.longest = this.run;
    if (this.toBoundary < 0) this.toBoundary = cycle;
    if (cycle > 0 && --this.toBoundary === 0) {
      this.toBoundary = cycle;
      this.boundaries++;
      if (this.exact) {
        const counts = this.counts;
        for (let j = 0; j < counts.length; j++) {
          const wj = j < k ? w[j] : 0;
          if (counts[j] * sumW !== t * wj) {
            this.exact = false;
            break;
          }
        }
      }
    }
  }

  toState(): PickStreamState {
    return {
      node: this.node,
      worker: this.worker,
      picks: this.picks,
      counts: Array.from(this.counts),
      maxNum: this.maxNum,
      last: this.last,
      run: this.run,
      longest: this.longest,
      boundaries: this.boundaries,
      toBoundary: this.toBoundary,
      exact: this.exact,
    };
  }

  static fromState(st: PickStreamState): PickStream {
    const s = new PickStream(st.node, st.worker, st.counts.length);
    s.counts.set(st.counts);
    s.picks = st.picks;
    s.maxNum = st.maxNum;
    s.last = st.last;
    s.run = st.run;
    s.longest = st.longest;
    s.boundaries = st.boundaries;
    s.toBoundary = st.toBoundary;
    s.exact = st.exact;
    return s;
  }

  /** The exact discrepancy numerator over the whole stream so far, end values included. */
  discrepancyNumerator(w: ArrayLike<number>, sumW: number, k: number): number {
    let m = this.maxNum;
    const t = this.picks;
    for (let j = 0; j < Math.max(k, this.counts.length); j++) {
      const c = j < this.counts.length ? this.counts[j] : 0;
      const wj = j < k ? w[j] : 0;
      const v = Math.abs(c * sumW - t * wj);
      if (v > m) m = v;
    }
    return m;
  }

  /** Set the count of `slot` (restoring a stream whose slots were renumbered). */
  setCount(slot: number, count: number): void {
    if (slot >= this.counts.length) this.grow(slot + 1);
    this.counts[slot] = count;
  }

  private grow(size: number): void {
    const next = new Float64Array(Math.max(size, this.counts.length * 2));
    next.set(this.counts);
    this.counts = next;
  }
}
