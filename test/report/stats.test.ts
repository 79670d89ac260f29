import { describe, expect, it } from 'vitest';
import { round6, sig6 } from '../../src/report/round.js';
import {
  chiSquareGoodnessOfFit,
  chiSquareHomogeneity,
  chiSquarePValue,
  maxAbsDifference,
  totalVariation,
} from '../../src/report/stats.js';
import { lvsWrr, swrr } from './journal-builder.js';

describe('chiSquarePValue', () => {
  it('gives the textbook critical values', () => {
    expect(chiSquarePValue(3.841459, 1)).toBeCloseTo(0.05, 6);
    expect(chiSquarePValue(5.991465, 2)).toBeCloseTo(0.05, 6);
    expect(chiSquarePValue(6.634897, 1)).toBeCloseTo(0.01, 6);
    expect(chiSquarePValue(0, 3)).toBe(1);
  });
  it('refuses df < 1', () => {
    expect(() => chiSquarePValue(1, 0)).toThrow(RangeError);
  });
});

describe('chiSquareGoodnessOfFit', () => {
  it('is 0 with p = 1 for exact counts', () => {
    const r = chiSquareGoodnessOfFit([500, 100, 100], [5 / 7, 1 / 7, 1 / 7]);
    expect(round6(r.chiSquare!)).toBe(0);
    expect(r.df).toBe(2);
    expect(r.pValue).toBe(1);
    expect(r.minExpected).toBeCloseTo(100, 9);
  });
  it('matches the fair-die textbook example (χ² = 13.4, df 5, p ≈ 0.0199)', () => {
    const r = chiSquareGoodnessOfFit([5, 8, 9, 8, 10, 20], [1 / 6, 1 / 6, 1 / 6, 1 / 6, 1 / 6, 1 / 6]);
    expect(r.chiSquare).toBeCloseTo(13.4, 9);
    expect(r.df).toBe(5);
    expect(sig6(r.pValue!)).toBe(0.0199052);
  });
  it('leaves out categories with expected probability 0', () => {
    const r = chiSquareGoodnessOfFit([30, 70, 5], [0.5, 0.5, 0]);
    expect(r.df).toBe(1);
    expect(r.chiSquare).toBeCloseTo(16, 9);
  });
  it('is not applicable with no observations or a single category', () => {
    expect(chiSquareGoodnessOfFit([0, 0], [0.5, 0.5]).chiSquare).toBeNull();
    const one = chiSquareGoodnessOfFit([10], [1]);
    expect(one).toEqual({ chiSquare: null, df: 0, pValue: null, minExpected: null });
  });
});

describe('chiSquareHomogeneity', () => {
  it('matches a 2 × 3 textbook table (χ² ≈ 16.2037, df 2)', () => {
    // Row totals 400 and 600, column totals 450, 450, 100.
    const r = chiSquareHomogeneity([200, 150, 50], [250, 300, 50]);
    expect(r.chiSquare).toBeCloseTo(16.203703703, 6);
    expect(r.df).toBe(2);
    expect(sig6(r.pValue!)).toBe(sig6(Math.exp(-16.203703703 / 2)));
  });
  it('is 0 for proportional rows and drops columns empty on both sides', () => {
    const r = chiSquareHomogeneity([10, 20, 0], [30, 60, 0]);
    expect(round6(r.chiSquare!)).toBe(0);
    expect(r.df).toBe(1);
  });
  it('is not applicable when a side is empty', () => {
    expect(chiSquareHomogeneity([0, 0], [1, 2]).chiSquare).toBeNull();
  });
});

describe('distances', () => {
  it('computes TVD and the largest difference', () => {
    expect(totalVariation([0.5, 0.5], [0.7, 0.3])).toBeCloseTo(0.2, 12);
    expect(maxAbsDifference([0.5, 0.3, 0.2], [0.4, 0.4, 0.2])).toBeCloseTo(0.1, 12);
  });
});

describe('rounding', () => {
  it('rounds shares to 6 decimals and p-values to 6 significant digits, no negative zero', () => {
    expect(round6(5 / 7)).toBe(0.714286);
    expect(Object.is(round6(-1e-17), 0)).toBe(true);
    expect(sig6(1.23456789e-40)).toBe(1.23457e-40);
  });
});

describe('reference sequences used by the report tests', () => {
  const letters = (xs: number[]) => xs.map((i) => 'ABCDE'[i]).join('');
  it('reproduces lb-algorithms.md §1.2 and §3.2', () => {
    expect(letters(swrr([5, 1, 1], 14))).toBe('AABACAAAABACAA');
    expect(letters(swrr([4, 3, 2], 9))).toBe('ABCABACBA');
    expect(letters(lvsWrr([5, 1, 1], 7))).toBe('AAAAABC');
    expect(letters(lvsWrr([4, 3, 2], 9))).toBe('AABABCABC');
    expect(letters(lvsWrr([4, 2, 2], 4))).toBe('AABC');
  });
});
