import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareDistributions } from '../../../src/report/distribution-compare.js';
import { PickStream } from '../../../src/report/projections/pick-stream.js';
import { MAX_BUCKETS, TimelineClock } from '../../../src/report/projections/share-timeline.js';

/** Brute force: max over prefixes t (0..T) and members i of |c_i(t)·W − t·w_i|. */
function bruteDiscrepancyNum(seq: number[], w: number[]): number {
  const W = w.reduce((a, b) => a + b, 0);
  const c = w.map(() => 0);
  let m = 0;
  for (let t = 0; t <= seq.length; t++) {
    if (t > 0) c[seq[t - 1]]++;
    for (let i = 0; i < w.length; i++) m = Math.max(m, Math.abs(c[i] * W - t * w[i]));
  }
  return m;
}

function bruteLongestRun(seq: number[]): number {
  let best = 0;
  let run = 0;
  for (let i = 0; i < seq.length; i++) {
    run = i > 0 && seq[i] === seq[i - 1] ? run + 1 : 1;
    best = Math.max(best, run);
  }
  return best;
}

const weightsAndPicks = fc
  .array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 6 })
  .chain((w) =>
    fc.tuple(fc.constant(w), fc.array(fc.integer({ min: 0, max: w.length - 1 }), { maxLength: 200 })),
  );

describe('properties', () => {
  it('the O(1)-per-pick prefix discrepancy equals the brute-force maximum over all prefixes', () => {
    fc.assert(
      fc.property(weightsAndPicks, ([w, seq]) => {
        const W = w.reduce((a, b) => a + b, 0);
        const s = new PickStream(0, 0, w.length);
        for (const m of seq) s.pick(m, w, W, 0, w.length);
        expect(s.discrepancyNumerator(w, W, w.length)).toBe(bruteDiscrepancyNum(seq, w));
        expect(s.longest).toBe(bruteLongestRun(seq));
      }),
    );
  });

  it('a cycle boundary is exact iff every count is t·w/W there', () => {
    fc.assert(
      fc.property(weightsAndPicks, ([w, seq]) => {
        const W = w.reduce((a, b) => a + b, 0);
        const s = new PickStream(0, 0, w.length);
        for (const m of seq) s.pick(m, w, W, W, w.length);
        const c = w.map(() => 0);
        let exact = true;
        seq.forEach((m, k) => {
          c[m]++;
          const t = k + 1;
          if (t % W === 0 && !c.every((ci, i) => ci * W === t * w[i])) exact = false;
        });
        expect(s.boundaries).toBe(Math.floor(seq.length / W));
        expect(s.exact).toBe(exact);
      }),
    );
  });

  it('widening the time buckets keeps every count in the bucket its time falls in', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5_000_000_000 }), { maxLength: 300 }), (raw) => {
        const times = [...raw].sort((a, b) => a - b);
        const clock = new TimelineClock();
        const series = clock.newSeries();
        for (const t of times) series[clock.bucket(t)]++;
        const expected = new Float64Array(MAX_BUCKETS);
        for (const t of times) expected[Math.floor(t / clock.width)]++;
        expect([...series]).toEqual([...expected]);
        const last = times.length > 0 ? Math.floor(times[times.length - 1] / clock.width) + 1 : 0;
        expect(clock.used).toBe(last);
      }),
    );
  });

  it('compare: a distribution against itself passes at threshold 0; differences are antisymmetric', () => {
    const dist = fc.dictionary(
      fc.constantFrom('g1', 'g2'),
      fc.dictionary(fc.constantFrom('i-a:80', 'i-b:80', 'i-c:81'), fc.nat(1000)),
    );
    fc.assert(
      fc.property(dist, dist, (x, y) => {
        const toMap = (o: Record<string, Record<string, number>>) =>
          new Map(Object.entries(o).map(([g, b]) => [g, new Map(Object.entries(b))]));
        const a = toMap(x);
        const b = toMap(y);
        expect(compareDistributions(a, a, { maxDiff: 0 }).passed).toBe(true);
        const ab = compareDistributions(a, b, { maxDiff: 0.05 });
        const ba = compareDistributions(b, a, { maxDiff: 0.05 });
        expect(ab.passed).toBe(ba.passed);
        for (const [k, g] of ab.groups.entries())
          for (const [j, d] of g.backends.entries())
            expect(d.diff + ba.groups[k].backends[j].diff).toBeCloseTo(0, 5);
      }),
    );
  });
});
