import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { draw31 } from '../../src/schedulers/pool.js';
import { SmoothWeightedRoundRobin } from '../../src/schedulers/swrr.js';
import { stream } from '../../src/util/rng.js';
import { countsOf, gcdOf, keysOf, letters, make, maxPrefixDiscrepancy, picks, pool } from './helpers.js';
import { NginxSwrr } from './reference.js';

const weightsArb = fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 12 });
const positiveWeightsArb = fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 12 });

describe('layer-7 wrr (nginx smooth WRR as a vnswrr table), exact mode', () => {
  it('given the nginx 1.22 vectors, when picked from fresh state, then the sequences match (lb-algorithms.md §1.2)', () => {
    expect(letters(make('wrr', 7, [5, 1, 1]), 14)).toBe('AABACAAAABACAA');
    expect(letters(make('wrr', 7, [4, 3, 2]), 18)).toBe('ABCABACBAABCABACBA');
    expect(letters(make('wrr', 7, [1, 1, 1]), 6)).toBe('ABCABC');
    expect(letters(make('wrr', 7, [1, 2]), 6)).toBe('BABBAB');
  });

  it('equals the plain O(n) nginx SWRR loop pick for pick (Tengine vnswrr equivalence)', () => {
    fc.assert(
      fc.property(weightsArb, (weights) => {
        const ours = make('wrr', 7, weights);
        const ref = new NginxSwrr(weights);
        const total = weights.reduce((a, b) => a + b, 0);
        const n = 3 * total + 5;
        expect(picks(ours, n)).toEqual(Array.from({ length: n }, () => ref.pick()));
      }),
    );
  });

  it('equals the O(n) loop with many members in few weight classes (the class-head build)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 60 }),
        fc.string({ maxLength: 4 }),
        (weights, seed) => {
          const r = stream(seed, 'c');
          const start = draw31(r) % weights.length;
          const ours = make('wrr', 7, weights, stream(seed, 'c')) as SmoothWeightedRoundRobin;
          const ref = new NginxSwrr(weights, start);
          const g = gcdOf(weights);
          const period = weights.reduce((a, b) => a + b, 0) / g;
          const unweighted = weights.every((w) => w === weights[0]);
          const discard = unweighted ? 0 : (((draw31(r) % weights.length) % 1000) + 1) % period;
          for (let i = 0; i < discard; i++) ref.pick();
          const n = 2 * period + 3;
          expect(picks(ours, n)).toEqual(Array.from({ length: n }, () => ref.pick()));
        },
      ),
    );
  });

  it('gives every member exactly weight/gcd picks per full cycle, for any weights', () => {
    fc.assert(
      fc.property(weightsArb, (weights) => {
        const s = make('wrr', 7, weights);
        const g = gcdOf(weights) || 1;
        const period = weights.reduce((a, b) => a + b, 0) / g;
        expect(s.cycleLength).toBe(period);
        for (let cycle = 0; cycle < 3; cycle++)
          expect(countsOf(picks(s, period), weights.length)).toEqual(weights.map((w) => w / g));
      }),
    );
  });

  it('keeps the maximum prefix discrepancy of the measured cases (lb-algorithms.md §8)', () => {
    const d = (w: number[]) =>
      maxPrefixDiscrepancy(picks(make('wrr', 7, w), 3 * w.reduce((a, b) => a + b)), w);
    expect(d([5, 1, 1])).toBeCloseTo(0.571, 2);
    expect(d([4, 3, 2])).toBeCloseTo(0.556, 2);
    expect(d([7, 5, 3, 2, 1])).toBeCloseTo(0.667, 2);
  });

  it('is scale-invariant: the table is one period of the gcd-reduced weights', () => {
    const s = make('wrr', 7, [50, 10, 10]);
    expect(s.cycleLength).toBe(7);
    expect(letters(s, 14)).toBe('AABACAAAABACAA');
  });

  it('given a weight-0 member, then the sequence is that of the others (absent, not skipped)', () => {
    fc.assert(
      fc.property(positiveWeightsArb, fc.nat(), (weights, at) => {
        const k = at % (weights.length + 1);
        const withZero = [...weights.slice(0, k), 0, ...weights.slice(k)];
        const expected = picks(make('wrr', 7, weights), 50).map((m) => (m >= k ? m + 1 : m));
        expect(picks(make('wrr', 7, withZero), 50)).toEqual(expected);
      }),
    );
  });

  it('given an ineligible member, then the sequence is that of the others', () => {
    const s = new SmoothWeightedRoundRobin();
    s.update(pool([5, 1, 1], [1, 1, 0]));
    expect(letters(s, 12)).toBe('AAABAAAAABAA');
  });

  it('given no member can take requests, then a pick returns -1', () => {
    expect(make('wrr', 7, [0, 0]).pick(0)).toBe(-1);
    const s = new SmoothWeightedRoundRobin();
    s.update(pool([3, 2], [0, 0]));
    expect(s.pick(0)).toBe(-1);
    expect(s.cycleLength).toBe(0);
    expect(new SmoothWeightedRoundRobin().pick(0)).toBe(-1);
  });

  it('builds the table lazily, one batch of max(n, 64) steps at a time', () => {
    const weights = Array.from({ length: 1000 }, (_, i) => 1 + ((i * 37) % 100));
    const s = new SmoothWeightedRoundRobin();
    s.update(pool(weights));
    expect(s.state.built).toBe(0);
    s.pick(0);
    expect(s.state.built).toBe(1000);
    for (let i = 1; i < 1000; i++) s.pick(0);
    expect(s.state.built).toBe(1000);
    s.pick(0);
    expect(s.state.built).toBe(2000);
    const small = make('wrr', 7, [5, 1, 1]) as SmoothWeightedRoundRobin;
    small.pick(0);
    expect(small.state.built).toBe(7);
  });
});

describe('layer-7 wrr: changes mid-run', () => {
  it('given a new active set, when updated mid-cycle, then the new cycle starts from its beginning', () => {
    const s = make('wrr', 7, [5, 1, 1]);
    expect(letters(s, 3)).toBe('AAB');
    s.update(pool([1, 1, 1]));
    expect(letters(s, 3)).toBe('ABC');
    s.update(pool([4, 3, 2]));
    expect(letters(s, 9)).toBe('ABCABACBA');
  });

  it('given a member fails and recovers, then each epoch runs whole exact cycles from its start', () => {
    const s = make('wrr', 7, [4, 3, 2]);
    expect(letters(s, 4)).toBe('ABCA');
    s.update(pool([4, 3, 2], [1, 0, 1])); // B down: {4,2} = {2,1} → ACA ACA
    expect(letters(s, 6)).toBe('ACAACA');
    s.update(pool([4, 3, 2])); // B back
    expect(letters(s, 9)).toBe('ABCABACBA');
  });

  it('given an update that leaves the active set unchanged, then the position is kept', () => {
    const s = make('wrr', 7, [5, 1, 1, 0]);
    expect(letters(s, 3)).toBe('AAB');
    s.update(pool([5, 1, 1, 0], [1, 1, 1, 0])); // only the weight-0 member's health changed
    expect(letters(s, 4)).toBe('ACAA');
  });

  it('given the same members renumbered in the pool, then the position is kept and indexes follow', () => {
    const keys = keysOf(3);
    const s = new SmoothWeightedRoundRobin();
    s.update(pool([5, 1, 1], undefined, keys));
    expect(letters(s, 3)).toBe('AAB');
    // A new weight-0 member in front: every index shifts by one, the active set is the same.
    s.update(pool([0, 5, 1, 1], undefined, ['i-new:80', ...keys]));
    expect(letters(s, 4)).toBe('BDBB');
  });
});

describe('layer-7 wrr: cluster mode (Tengine random start and OPT_ALI)', () => {
  const expectedSequence = (weights: number[], seed: string, count: number): number[] => {
    const r = stream(seed, 'w');
    const start = draw31(r) % weights.length;
    const discardDraw = draw31(r);
    const unweighted = weights.every((w) => w === weights[0]);
    const ref = new NginxSwrr(weights, start);
    const total = weights.reduce((a, b) => a + b, 0) / (gcdOf(weights) || 1);
    const discard = unweighted ? 0 : (((discardDraw % weights.length) % 1000) + 1) % total;
    for (let i = 0; i < discard; i++) ref.pick();
    return Array.from({ length: count }, () => ref.pick());
  };

  it('given a seeded stream, then the scan order is rotated by init_number and the first picks are discarded', () => {
    fc.assert(
      fc.property(positiveWeightsArb, fc.string({ minLength: 1, maxLength: 6 }), (weights, seed) => {
        const s = make('wrr', 7, weights, stream(seed, 'w'));
        const total = weights.reduce((a, b) => a + b, 0);
        expect(picks(s, 2 * total + 3)).toEqual(expectedSequence(weights, seed, 2 * total + 3));
      }),
    );
  });

  it('given equal weights, then it is plain round robin whose first pick is init_number (no discards)', () => {
    const r = stream('7', 'w');
    const init = draw31(r) % 4;
    const s = make('wrr', 7, [3, 3, 3, 3], stream('7', 'w')) as SmoothWeightedRoundRobin;
    expect(s.state.phase).toBe(0);
    expect(picks(s, 8)).toEqual(Array.from({ length: 8 }, (_, i) => (init + i) % 4));
  });

  it('keeps exact counts over every full cycle from the phase, and the phase survives an epoch change', () => {
    const s = make('wrr', 7, [4, 3, 2], stream('s', 'w0')) as SmoothWeightedRoundRobin;
    for (let k = 0; k < 3; k++) expect(countsOf(picks(s, 9), 3)).toEqual([4, 3, 2]);
    s.update(pool([5, 1, 1]));
    expect(s.state.cursor).toBe(s.state.phase);
    for (let k = 0; k < 3; k++) expect(countsOf(picks(s, 7), 3)).toEqual([5, 1, 1]);
  });

  it('gives the same picks for the same seed and different picks for other seeds', () => {
    const seq = (seed: string) => letters(make('wrr', 7, [4, 3, 2], stream(seed, 'w0')), 27);
    expect(seq('s')).toBe(seq('s'));
    const distinct = new Set(['s', 't', 'u', 'v', 'w', 'x'].map(seq));
    expect(distinct.size).toBeGreaterThan(1);
  });
});
