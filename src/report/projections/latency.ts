/**
 * Latency recording: an HDR histogram (`hdr-histogram-js`, pure-JS mode, 3 significant digits)
 * of integer µs plus the exact sum. Bucket counts add exactly, so a listener's latency is the sum
 * of its scopes' and does not depend on the order of completions (load-testing-anchors.md §6).
 * Percentiles are HDR's (the highest value equivalent to the bucket, within 0.1 %), capped at the
 * exact maximum; the mean is exact.
 */
import { build, type Histogram } from 'hdr-histogram-js';
import type { LatencySummary } from '../model.js';

export class LatencyRecorder {
  readonly h: Histogram = build({ numberOfSignificantValueDigits: 3, autoResize: true, bitBucketSize: 64 });
  sum = 0;
  max = 0;

  /** Record a latency in µs (rounded to an integer, negatives as 0). */
  record(us: number): void {
    const v = us > 0 ? Math.round(us) : 0;
    this.h.recordValue(v);
    this.sum += v;
    if (v > this.max) this.max = v;
  }

  add(other: LatencyRecorder): void {
    this.h.add(other.h);
    this.sum += other.sum;
    if (other.max > this.max) this.max = other.max;
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
