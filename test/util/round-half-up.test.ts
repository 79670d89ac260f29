import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundHalfUp } from '../../src/util/round-half-up.js';

describe('roundHalfUp', () => {
  it('is Math.round at the edges: halves, the largest double below 1/2, −0, 2^52 − 1/2, NaN, +∞', () => {
    for (const x of [0, -0, 0.5, 1.5, 2.5, 0.49999999999999994, 2 ** 52 - 0.5, 2 ** 53, Number.NaN, Infinity])
      expect(Object.is(roundHalfUp(x), Math.round(x))).toBe(true);
  });

  it('is Math.round for every double x ≥ 0', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, noNaN: true }), (x) => {
        expect(Object.is(roundHalfUp(x), Math.round(x))).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it('is Math.round for service-time sized values and their halves', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.constantFrom(0, 0.25, 0.5, 0.75), (n, f) => {
        expect(Object.is(roundHalfUp(n + f), Math.round(n + f))).toBe(true);
      }),
    );
  });
});
