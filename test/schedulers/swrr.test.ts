import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SmoothWeightedRoundRobin } from '../../src/schedulers/swrr.js';
import { stream } from '../../src/util/rng.js';
import { letters, make, pool } from './helpers.js';

describe('layer-7 wrr (nginx smooth WRR as a vnswrr table)', () => {
  it('reproduces nginx 1.22 sequences in exact mode', () => {
    expect(letters(make('wrr', 7, [5, 1, 1]), 14)).toBe('AABACAAAABACAA');
    expect(letters(make('wrr', 7, [4, 3, 2]), 18)).toBe('ABCABACBAABCABACBA');
    expect(letters(make('wrr', 7, [1, 1, 1]), 6)).toBe('ABCABC');
    expect(letters(make('wrr', 7, [1, 2]), 6)).toBe('BABBAB');
  });
  it('skips a weight-0 member as if it were absent', () => {
    expect(letters(make('wrr', 7, [5, 0, 1]), 12)).toBe(
      letters(make('wrr', 7, [5, 1]), 12).replace(/B/g, 'C'),
    );
  });
  it('skips an ineligible member as if it were absent', () => {
    const s = new SmoothWeightedRoundRobin();
    s.update(pool([5, 1, 1], [1, 1, 0]));
    expect(letters(s, 6)).toBe('AAABAA');
  });
  it('is scale-invariant (gcd-reduced table, same sequence)', () => {
    expect(letters(make('wrr', 7, [50, 10, 10]), 14)).toBe('AABACAAAABACAA');
  });
  it('returns -1 when no member can take requests', () => {
    expect(make('wrr', 7, [0, 0]).pick(0)).toBe(-1);
  });
  it('restarts the cycle for the new weights at an epoch change', () => {
    const s = make('wrr', 7, [5, 1, 1]);
    expect(letters(s, 3)).toBe('AAB');
    s.update(pool([1, 1, 1]));
    expect(letters(s, 3)).toBe('ABC');
  });
  it('gives every member exactly its weight per full cycle (any weights)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 12 }), (weights) => {
        const s = make('wrr', 7, weights);
        const total = weights.reduce((a, b) => a + b, 0);
        const g = weights.reduce((a, b) => gcd(a, b), 0) || 1;
        const counts = new Array(weights.length).fill(0);
        for (let i = 0; i < (2 * total) / g; i++) {
          const m = s.pick(0);
          if (m >= 0) counts[m]++;
        }
        expect(counts).toEqual(weights.map((w) => (2 * w) / g));
      }),
    );
  });
  it('in cluster mode keeps exact counts per cycle, with a seeded phase', () => {
    const a = make('wrr', 7, [4, 3, 2], stream('s', 'w0'));
    const b = make('wrr', 7, [4, 3, 2], stream('s', 'w0'));
    const c = make('wrr', 7, [4, 3, 2], stream('t', 'w0'));
    const seqA = letters(a, 27);
    expect(letters(b, 27)).toBe(seqA);
    for (let k = 0; k < 3; k++) {
      const cycle = seqA.slice(k * 9, k * 9 + 9);
      expect([...cycle].filter((x) => x === 'A').length).toBe(4);
      expect([...cycle].filter((x) => x === 'C').length).toBe(2);
    }
    const seqs = new Set([seqA, letters(c, 27)]);
    for (const seed of ['u', 'v', 'w', 'x'])
      seqs.add(letters(make('wrr', 7, [4, 3, 2], stream(seed, 'w0')), 27));
    expect(seqs.size).toBeGreaterThan(1);
  });
});

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}
