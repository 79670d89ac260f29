/**
 * Latency recording: an HDR histogram (`hdr-histogram-js`, pure-JS mode, 3 significant digits)
 * of integer µs plus the exact sum. Bucket counts add exactly, so a listener's latency is the sum
 * of its scopes' and does not depend on the order of completions (load-testing-anchors.md §6).
 * Percentiles are HDR's (the highest value equivalent to the bucket, within 0.1 %), capped at the
 * exact maximum; the mean is exact.
 */
import type { Histogram } from 'hdr-histogram-js';
import { hdrHistogram } from '../../util/hdr.js';
import type { LatencySummary } from '../report-model.js';

/*
 * Hot path: hdr-histogram-js's pure-JS recordValue costs ~100 ns, more than the rest of a
 * simulated request, so values are first counted in a flat array indexed exactly as HDR indexes
 * them (3 significant digits: 2048 sub-buckets, 1024 per half, unit 1 µs) and flushed into the
 * library histogram — one recordValueWithCount per non-empty bucket — before any read. Same
 * buckets, so the same percentiles.
 */
const SUB_BUCKET_HALF_MAGNITUDE = 10;
const SUB_BUCKET_HALF_COUNT = 1 << SUB_BUCKET_HALF_MAGNITUDE;
const SUB_BUCKET_MASK = 2 * SUB_BUCKET_HALF_COUNT - 1;
/** Values below 2^31 µs (35 min) take the fast path; longer ones go straight to the library. */
const FAST_LIMIT = 2 ** 31;

/** A recorder as a shard's report state holds it: the histogram in HdrHistogram's own encoding. */
export interface LatencyState {
  readonly histogram: string;
  readonly sum: number;
  readonly max: number;
}

export class LatencyRecorder {
  private readonly hist: Histogram = hdrHistogram().build({
    numberOfSignificantValueDigits: 3,
    autoResize: true,
    bitBucketSize: 64,
  });
  private counts = new Float64Array(16 * SUB_BUCKET_HALF_COUNT);
  private pending = 0;
  sum = 0;
  max = 0;

  /** The library histogram, with every recorded value flushed into it. */
  get h(): Histogram {
    this.flush();
    return this.hist;
  }

  /** Record a latency in µs (rounded to an integer, negatives as 0). */
  record(us: number): void {
    const v = us > 0 ? Math.round(us) : 0;
    this.sum += v;
    if (v > this.max) this.max = v;
    if (v >= FAST_LIMIT) {
      this.hist.recordValue(v);
      return;
    }
    const bucket = 31 - SUB_BUCKET_HALF_MAGNITUDE - Math.clz32(v | SUB_BUCKET_MASK);
    const sub = v >>> bucket;
    const index = ((bucket + 1) << SUB_BUCKET_HALF_MAGNITUDE) + sub - SUB_BUCKET_HALF_COUNT;
    if (index >= this.counts.length) this.grow(index);
    this.counts[index]++;
    this.pending++;
  }

  toState(): LatencyState {
    return { histogram: hdrHistogram().encodeIntoCompressedBase64(this.h), sum: this.sum, max: this.max };
  }

  static fromState(st: LatencyState): LatencyRecorder {
    const r = new LatencyRecorder();
    r.hist.add(hdrHistogram().decodeFromCompressedBase64(st.histogram, 64, false));
    r.sum = st.sum;
    r.max = st.max;
    return r;
  }

  add(other: LatencyRecorder): void {
    this.h.add(other.h);
    this.sum += other.sum;
    if (other.max > this.max) this.max = other.max;
  }

  private flush(): void {
    if (this.pending === 0) return;
    const c = this.counts;
    for (let index = 0; index < c.length; index++) {
      const n = c[index];
      if (n === 0) continue;
      // Invert the index: bucket 0 holds sub-buckets 0–2047, later buckets their upper half.
      const bucket = Math.max(0, (index >> SUB_BUCKET_HALF_MAGNITUDE) - 1);
      const sub = index - ((bucket + 1) << SUB_BUCKET_HALF_MAGNITUDE) + SUB_BUCKET_HALF_COUNT;
      this.hist.recordValueWithCount(sub * 2 ** bucket, n);
      c[index] = 0;
    }
    this.pending = 0;
  }

  private grow(index: number): void {
    let cap = this.counts.length;
    while (cap <= index) cap *= 2;
    const next = new Float64Array(cap);
    next.set(this.counts);
    this.counts = next;
  }
}

/** Sum of recorders, or null when there are none. */
export function mergeLatency(parts: readonly (LatencyRecorder | null)[]): LatencyRecorder | null {
  let out: LatencyRecorder | null = null;
  for (const r of parts) {
    if (r === null) continue;
    if (out === null) out = new LatencyRecorder();
    out.add(r);
  }
  return out;
}

/** Percentiles in integer µs; null for an absent or empty recorder. */
export function summarize(r: LatencyRecorder | null): LatencySummary | null {
  if (r === null || r.h.totalCount === 0) return null;
  const h = r.h;
  const at = (p: number) => Math.min(h.getValueAtPercentile(p), r.max);
  return {
    count: h.totalCount,
    min: at(0),
    mean: Math.round(r.sum / h.totalCount),
    p50: at(50),
    p90: at(90),
    p99: at(99),
    p999: at(99.9),
    max: r.max,
  };
}
