/**
 * Share over time: fixed-width time buckets, at most `MAX_BUCKETS` of them, whose width grows
 * along the ladder 1 ms, 2 ms, 10 ms, 20 ms, 100 ms, … (×2 then ×5) as the run gets longer —
 * each step merges whole buckets, so counts stay exact and the result depends only on the rows.
 * Every series (one per group backend, plus failures) shares the clock and is merged together.
 * O(1) amortized per row, no allocation per row.
 */

export const MAX_BUCKETS = 200;
const FIRST_WIDTH_US = 1000;

export class TimelineClock {
  /** Current bucket width, µs. */
  width = FIRST_WIDTH_US;
  /** Highest bucket index used so far + 1. */
  used = 0;
  private step = 0;
  private readonly series: Float64Array[] = [];

  /** A new series of MAX_BUCKETS counters on this clock. */
  newSeries(): Float64Array {
    const s = new Float64Array(MAX_BUCKETS);
    this.series.push(s);
    return s;
  }

  /** Bucket of the last lookup and its time span [curStart, curEnd): rows come in time order. */
  private cur = 0;
  private curStart = 0;
  private curEnd = 0;

  /** Bucket index of time `t` (µs ≥ 0), widening the buckets first when `t` lies beyond the last. */
  bucket(t: number): number {
    if (t < this.curEnd && t >= this.curStart) return this.cur;
    let idx = Math.floor(t / this.width);
    while (idx >= MAX_BUCKETS) {
      this.widen();
      idx = Math.floor(t / this.width);
    }
    if (idx < 0) idx = 0;
    if (idx >= this.used) this.used = idx + 1;
    this.cur = idx;
    this.curStart = idx * this.width;
    this.curEnd = this.curStart + this.width;
    return idx;
  }

  /** The bucket width after `step` widenings: 1 ms × 2 × 5 × 2 × … */
  static widthAt(step: number): number {
    let w = FIRST_WIDTH_US;
    for (let i = 0; i < step; i++) w *= i % 2 === 0 ? 2 : 5;
    return w;
  }

  get steps(): number {
    return this.step;
  }

  /** Widen (merging whole buckets of every series) until the width is that of `step`. */
  widenTo(step: number): void {
    while (this.step < step) this.widen();
  }

  /** Note that buckets up to `used` − 1 hold counts (restoring a shard's state). */
  markUsed(used: number): void {
    if (used > this.used) this.used = used;
  }

  private widen(): void {
    const factor = this.step % 2 === 0 ? 2 : 5;
    this.step++;
    this.width *= factor;
    for (const s of this.series) {
      for (let j = 0; j < MAX_BUCKETS; j++) {
        let sum = 0;
        const from = j * factor;
        if (from < MAX_BUCKETS) for (let k = from; k < from + factor && k < MAX_BUCKETS; k++) sum += s[k];
        s[j] = sum;
      }
    }
    this.used = Math.ceil(this.used / factor);
    this.curStart = 0;
    this.curEnd = 0;
  }
}

/**
 * A series counted on buckets of step `from` summed onto the wider buckets of step `to` (a ladder
 * width divides every later one, so whole buckets merge and counts stay exact).
 */
export function rebucket(series: readonly number[], from: number, to: number): number[] {
  const ratio = TimelineClock.widthAt(to) / TimelineClock.widthAt(from);
  const out: number[] = [];
  for (let j = 0; j < series.length; j++) {
    const k = Math.floor(j / ratio);
    out[k] = (out[k] ?? 0) + series[j];
  }
  return out;
}
