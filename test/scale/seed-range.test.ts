import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatSeeds, MAX_SEEDS, parseSeeds } from '../../src/scale/seed-range.js';
import { UserError } from '../../src/util/user-error.js';

function problem(spec: string): string {
  try {
    parseSeeds(spec);
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).exitCode).toBe(2);
    return (err as UserError).problems.join('\n');
  }
  throw new Error(`"${spec}" parsed`);
}

describe('parseSeeds', () => {
  it('expands an inclusive range', () => {
    expect(parseSeeds('1..5')).toEqual(['1', '2', '3', '4', '5']);
    expect(parseSeeds('7..7')).toEqual(['7']);
    expect(parseSeeds('-2..1')).toEqual(['-2', '-1', '0', '1']);
  });

  it('keeps list items as written, in order, mixed with ranges', () => {
    expect(parseSeeds('42, canary-1,1..3,10')).toEqual(['42', 'canary-1', '1', '2', '3', '10']);
    expect(parseSeeds('007')).toEqual(['007']);
  });

  it('rejects empty items, countdowns, duplicates and oversized sweeps with one message', () => {
    expect(problem('')).toBe('--seeds: empty item in "" (expected e.g. 1..50 or 1,2,5)');
    expect(problem('1,,2')).toBe('--seeds: empty item in "1,,2" (expected e.g. 1..50 or 1,2,5)');
    expect(problem('5..1')).toBe('--seeds: "5..1" counts down; write the smaller bound first (1..5)');
    expect(problem('1..5,3')).toBe('--seeds: seed 3 is named twice');
    expect(problem('a..b')).toBe('--seeds: "a..b" is not a range of whole numbers such as 1..50');
    expect(problem(`1..${MAX_SEEDS + 1}`)).toBe(
      `--seeds: "1..${MAX_SEEDS + 1}" is more than ${MAX_SEEDS} seeds`,
    );
  });
});

describe('formatSeeds', () => {
  it('writes runs of three or more as ranges', () => {
    expect(formatSeeds(['1', '2', '3', '4', '9', '10', 'x', '007', '008'])).toBe('1..4,9,10,x,007,008');
    expect(formatSeeds([])).toBe('');
  });

  it('is the inverse of parseSeeds', () => {
    const item = fc.oneof(
      fc
        .tuple(fc.integer({ min: -50, max: 50 }), fc.integer({ min: 0, max: 6 }))
        .map(([a, n]) => `${a}..${a + n}`),
      fc.stringMatching(/^[a-z][a-z0-9-]{0,6}$/),
    );
    fc.assert(
      fc.property(fc.array(item, { maxLength: 6 }), (items) => {
        let seeds: string[];
        try {
          seeds = parseSeeds(items.join(','));
        } catch {
          return; // overlapping ranges, or no item at all
        }
        expect(parseSeeds(formatSeeds(seeds))).toEqual(seeds);
      }),
    );
  });
});
