import { describe, expect, it } from 'vitest';
import type { EpochSample } from '../../src/scale/run-sample.js';
import { maxSharesOf, variantSpreadOf, worstTvdOf } from '../../src/scale/variant-spread.js';
import { runSample as run } from './run-samples.js';

const HEADER = {
  slbsimVersion: '0.1.0',
  scenario: { name: 's', file: 's.yaml' },
  requests: null,
  variantsFile: 'v.yaml',
  seedsFrom: 'option' as const,
};

function epoch(epochNo: number, shares: Record<string, [number, number]>, tvd: number): EpochSample {
  return {
    epoch: epochNo,
    cause: epochNo === 1 ? 'start' : 'SetVServerGroupAttribute',
    fromUs: 0,
    toUs: 1,
    served: 100,
    tvd,
    backends: Object.entries(shares).map(([backend, [expected, observed]]) => ({
      backend,
      weight: 1,
      expected,
      observed,
    })),
  };
}

const INFOS = [
  { name: 'as is', description: null, source: null, events: 0 },
  { name: 'drain b', description: 'b to 0 at 10s', source: 'v.yaml:3:3', events: 1 },
];

describe('variantSpreadOf', () => {
  const baseline = [
    run('1', [epoch(1, { a: [0.5, 0.52], b: [0.5, 0.48] }, 0.02)], 0),
    run('2', [epoch(1, { a: [0.5, 0.55], b: [0.5, 0.45] }, 0.05)], 0),
  ];
  const drained = [
    run('1', [epoch(1, { a: [0.5, 0.51], b: [0.5, 0.49] }, 0.01), epoch(2, { a: [1, 1], b: [0, 0] }, 0)], 1),
    run('2', [epoch(1, { a: [0.5, 0.6], b: [0.5, 0.4] }, 0.1), epoch(2, { a: [1, 1], b: [0, 0] }, 0)], 0),
  ];
  const s = variantSpreadOf(HEADER, INFOS, [baseline, drained]);

  it('folds each variant into its own spread and counts the runs over all of them', () => {
    expect(s.schema).toBe('slbsim-sweep-variants/1');
    expect([s.runs, s.seeds, s.seedsFrom, s.variantsFile]).toEqual([4, ['1', '2'], 'option', 'v.yaml']);
    expect(
      s.variants.map((v) => [v.name, v.baseline, v.spread.runs, v.spread.epochs.length, v.runsFailed]),
    ).toEqual([
      ['as is', true, 2, 1, 0],
      ['drain b', false, 2, 2, 1],
    ]);
    expect(s.expectations).toEqual({ runsPassed: 3, runsFailed: 1, failedVariants: ['drain b'] });
    expect(s.variants[1].spread.expectations?.failedSeeds).toEqual(['1']);
  });

  it('gives each variant its worst TVD with where and the seed, and the max share per backend', () => {
    expect(s.variants.map((v) => v.worstTvd)).toEqual([
      {
        tvd: 0.05,
        seed: '2',
        scope: 'lb:http:80 listener-vserver-group',
        group: 'rsp',
        epoch: 1,
        cause: 'start',
      },
      {
        tvd: 0.1,
        seed: '2',
        scope: 'lb:http:80 listener-vserver-group',
        group: 'rsp',
        epoch: 1,
        cause: 'start',
      },
    ]);
    expect(s.variants[1].maxShares).toEqual([
      {
        scope: 'lb:http:80 listener-vserver-group',
        group: 'rsp',
        backend: 'a',
        expected: { min: 0.5, max: 1 },
        max: 1,
      },
      {
        scope: 'lb:http:80 listener-vserver-group',
        group: 'rsp',
        backend: 'b',
        expected: { min: 0, max: 0.5 },
        max: 0.49,
      },
    ]);
    expect(maxSharesOf(s.variants[0].spread).map((m) => [m.backend, m.expected, m.max])).toEqual([
      ['a', { min: 0.5, max: 0.5 }, 0.55],
      ['b', { min: 0.5, max: 0.5 }, 0.48],
    ]);
  });

  it('has no worst TVD where nothing was served, and no expectations without any', () => {
    const empty = variantSpreadOf(HEADER, INFOS.slice(0, 1), [[{ ...run('1', [], 0), expectations: null }]]);
    expect(worstTvdOf(empty.variants[0].spread)).toBeNull();
    expect([empty.expectations, empty.variants[0].runsFailed, empty.variants[0].maxShares]).toEqual([
      null,
      null,
      [],
    ]);
  });
});
