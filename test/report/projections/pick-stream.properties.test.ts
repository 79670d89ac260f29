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

/** The pick-by-pick stream as it was before fast mode (the reference for every field of its state). */
class ReferenceStream {
  picks = 0;
  counts: number[];
  maxNum = 0;
  last = -1;
  run = 0;
  longest = 0;
  boundaries = 0;
  toBoundary = -1;
  exact = true;

  constructor(n: number) {
    this.counts = new Array(n).fill(0);
  }

  pick(slot: number, w: number[], sumW: number, cycle: number): void {
    const c = this.counts[slot];
    const t = this.picks + 1;
    this.maxNum = Math.max(
      this.maxNum,
      Math.abs(c * sumW - (t - 1) * w[slot]),
      Math.abs((c + 1) * sumW - t * w[slot]),
    );
    this.counts[slot] = c + 1;
    this.picks = t;
    this.run = slot === this.last ? this.run + 1 : 1;
    this.last = slot;
    this.longest = Math.max(this.longest, this.run);
    if (this.toBoundary < 0) this.toBoundary = cycle;
    if (cycle > 0 && --this.toBoundary === 0) {
      this.toBoundary = cycle;
      this.boundaries++;
      if (!this.counts.every((cj, j) => cj * sumW === t * w[j])) this.exact = false;
    }
  }
}

/** A weighted cycle (each member w_i times, in a drawn order) repeated, with some picks changed. */
const repeatedCycles = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 5 }).chain((w) => {
  const L = w.reduce((a, b) => a + b, 0);
  const multiset = w.flatMap((wi, i) => new Array<number>(wi).fill(i));
  return fc.tuple(
    fc.constant(w),
    fc.shuffledSubarray(multiset, { minLength: L, maxLength: L }),
    fc.integer({ min: 0, max: 12 }),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: w.length - 1 })), { maxLength: 3 }),
    fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
  );
});

describe('fast mode (a kept cycle)', () => {
  it('every field of the state equals the pick-by-pick reference, read at any point', () => {
    fc.assert(
      fc.property(repeatedCycles, ([w, cycle, repeats, changes, reads]) => {
        const L = cycle.length;
        const seq: number[] = [];
        for (let r = 0; r < repeats; r++) seq.push(...cycle);
        for (const [at, m] of changes) if (seq.length > 0) seq[at % seq.length] = m;
        const readAt = new Set(reads.map((r) => r % (seq.length + 1)));
        const s = new PickStream(0, 0, w.length);
        const ref = new ReferenceStream(w.length);
        const check = () => {
          const st = s.toState();
          expect({ ...st, counts: st.counts.slice(0, w.length) }).toEqual({
            node: 0,
            worker: 0,
            picks: ref.picks,
            counts: ref.counts,
            maxNum: ref.maxNum,
            last: ref.last,
            run: ref.run,
            longest: ref.longest,
            boundaries: ref.boundaries,
            toBoundary: ref.toBoundary,
            exact: ref.exact,
          });
        };
        seq.forEach((m, k) => {
          if (readAt.has(k)) check();
          s.pick(m, w, L, L, w.length);
          ref.pick(m, w, L, L);
        });
        check();
        expect(s.discrepancyNumerator(w, L, w.length)).toBe(bruteDiscrepancyNum(seq, w));
        expect(s.longest).toBe(bruteLongestRun(seq));
      }),
      { numRuns: 500 },
    );
  });

  it('a million picks of one cycle settle in one step to the reference counts', () => {
    const w = [5, 1, 1];
    const cycle = [0, 0, 1, 0, 2, 0, 0];
    const s = new PickStream(0, 0, 3);
    const ref = new ReferenceStream(3);
    for (let k = 0; k < 1_000_003; k++) {
      s.pick(cycle[k % 7], w, 7, 7, 3);
      ref.pick(cycle[k % 7], w, 7, 7);
    }
    expect(s.toState()).toEqual({ node: 0, worker: 0, ...ref, counts: ref.counts });
    expect(s.picks).toBe(1_000_003);
  });
});
