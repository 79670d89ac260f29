import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EpochSample } from '../../src/scale/run-sample.js';
import { spreadOf, stat } from '../../src/scale/spread.js';
import { runSample as run } from './run-samples.js';

const HEADER = { slbsimVersion: '0.1.0', scenario: { name: 's', file: 's.yaml' }, requests: null };

function epoch(
  epochNo: number,
  observed: Record<string, number>,
  tvd: number | null,
  served = 100,
): EpochSample {
  return {
    epoch: epochNo,
    cause: epochNo === 1 ? 'start' : 'SetVServerGroupAttribute',
    fromUs: 0,
    toUs: 1,
    served,
    tvd,
    backends: Object.entries(observed).map(([backend, share]) => ({
      backend,
      weight: 1,
      expected: 0.5,
      observed: share,
    })),
  };
}

describe('stat', () => {
  it('gives min, median and max, the median of an even count the mean of the middle two', () => {
    expect(stat([3, 1, 2])).toEqual({ min: 1, median: 2, max: 3 });
    expect(stat([4, 1, 3, 2])).toEqual({ min: 1, median: 2.5, max: 4 });
    expect(stat([0.1234567])).toEqual({ min: 0.123457, median: 0.123457, max: 0.123457 });
  });

  it('is ordered and does not depend on the order of the values', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1 }), (xs) => {
        const s = stat(xs);
        expect(s.min).toBeLessThanOrEqual(s.median);
        expect(s.median).toBeLessThanOrEqual(s.max);
        expect(stat([...xs].reverse())).toEqual(s);
      }),
    );
  });
});

describe('spreadOf', () => {
  it('folds the runs per scope, epoch and backend, with the worst TVD and its seed', () => {
    // Given three runs of one scope with two epochs
    const samples = [
      run('1', [epoch(1, { a: 0.5, b: 0.5 }, 0), epoch(2, { a: 0.4, b: 0.6 }, 0.1)]),
      run('2', [epoch(1, { a: 0.52, b: 0.48 }, 0.02), epoch(2, { a: 0.3, b: 0.7 }, 0.2)], 1),
      run('3', [epoch(1, { a: 0.47, b: 0.53 }, 0.03), epoch(2, { a: 0.35, b: 0.65 }, 0.2)]),
    ];
    // When they are folded
    const s = spreadOf(HEADER, samples);
    // Then each epoch has the min/median/max share per backend and the first seed with the worst TVD
    expect(s.seeds).toEqual(['1', '2', '3']);
    expect(s.expectations).toEqual({ runsPassed: 2, runsFailed: 1, failedSeeds: ['2'] });
    expect(s.epochs.map((e) => [e.epoch, e.runs, e.tvd])).toEqual([
      [1, 3, { min: 0, median: 0.02, max: 0.03, worstSeed: '3' }],
      [2, 3, { min: 0.1, median: 0.2, max: 0.2, worstSeed: '2' }],
    ]);
    expect(s.epochs[1].backends).toEqual([
      {
        backend: 'a',
        weight: 1,
        expected: { min: 0.5, max: 0.5 },
        share: { min: 0.3, median: 0.35, max: 0.4 },
      },
      {
        backend: 'b',
        weight: 1,
        expected: { min: 0.5, max: 0.5 },
        share: { min: 0.6, median: 0.65, max: 0.7 },
      },
    ]);
  });

  it('counts a backend missing from a run as share 0 there, and skips epochs that served nothing', () => {
    const s = spreadOf(HEADER, [
      run('1', [epoch(1, { a: 1 }, 0.5)]),
      run('2', [epoch(1, { a: 0.5, b: 0.5 }, 0)]),
      run('3', [epoch(1, {}, null, 0)]),
    ]);
    expect(s.epochs).toHaveLength(1);
    expect(s.epochs[0].runs).toBe(2);
    expect(s.epochs[0].backends.map((b) => [b.backend, b.share])).toEqual([
      ['a', { min: 0.5, median: 0.75, max: 1 }],
      ['b', { min: 0, median: 0.25, max: 0.5 }],
    ]);
  });

  it('has no expectations section when the scenario has none', () => {
    const bare = { ...run('1', []), expectations: null };
    expect(spreadOf(HEADER, [bare]).expectations).toBeNull();
  });
});
