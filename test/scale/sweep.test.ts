import { describe, expect, it } from 'vitest';
import { simulateScenario } from '../../src/pipeline/replay.js';
import { withChange } from '../../src/plan/apply-change.js';
import { renderSpread } from '../../src/scale/spread-render.js';
import { sweepScenario, sweepVariants, sweepWorkerFile } from '../../src/scale/sweep.js';
import { renderVariantSpread } from '../../src/scale/variant-spread-render.js';
import { loadVariants, type VariantsFile } from '../../src/scale/variants-file.js';
import { loadScenario } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/scenario-model.js';

const FILE = 'scenarios/weight-change.yaml';

function scenario(): Scenario {
  const loaded = loadScenario(FILE);
  if (!loaded.ok) throw new Error('weight-change.yaml does not load');
  return loaded.scenario;
}

describe('sweepScenario', () => {
  it('gives the same bytes on worker threads as on this thread, in seed order', async () => {
    const seeds = ['3', '1', '2'];
    const done: number[] = [];
    const onPool = await sweepScenario(FILE, scenario(), {
      seeds,
      requests: 4000,
      workers: 2,
      onRun: (n, total) => done.push(n, total),
    });
    const inThread = await sweepScenario(FILE, scenario(), { seeds, requests: 4000, workers: 0 });
    expect(renderSpread(onPool, 'json')).toBe(renderSpread(inThread, 'json'));
    expect(onPool.seeds).toEqual(seeds);
    expect(done).toEqual([1, 3, 2, 3, 3, 3]);
  });

  it('reports, for one seed, exactly the shares and TVD of that run', async () => {
    const report = await simulateScenario(scenario(), { label: FILE, seed: '7' });
    const spread = await sweepScenario(FILE, scenario(), { seeds: ['7'], workers: 1 });
    expect(spread.epochs).toHaveLength(2);
    const epochs = report.groups[0].epochs;
    expect(spread.epochs.map((e) => [e.scope, e.group, e.epoch, e.cause, e.tvd?.max])).toEqual(
      epochs.map((e) => [report.groups[0].scope, 'rsp-shop', e.epoch, e.cause, e.fidelity.tvd]),
    );
    expect(
      spread.epochs.map((e) => e.backends.map((b) => [b.backend, b.expected.min, b.share.median])),
    ).toEqual(
      epochs.map((e) => e.backends.map((b) => [`${b.ServerId}:${b.Port}`, b.expectedShare, b.observedShare])),
    );
    expect(spread.requestsPerRun).toEqual({
      min: report.requests,
      median: report.requests,
      max: report.requests,
    });
    expect(spread.epochs[0].tvd?.worstSeed).toBe('7');
  });

  it('rejects with the reason when aborted, stopping the workers', async () => {
    const abort = new AbortController();
    const run = sweepScenario(FILE, scenario(), {
      seeds: ['1', '2', '3', '4'],
      workers: 2,
      signal: abort.signal,
      onRun: () => abort.abort(new Error('stop')),
    });
    await expect(run).rejects.toThrow();
    expect(abort.signal.aborted).toBe(true);
  });

  it('runs workers from the built package when it runs from the TypeScript sources', () => {
    expect(sweepWorkerFile()).toMatch(/dist[/\\]scale[/\\]sweep-worker\.js$/);
  });
});

const SEED_CASE = 'scenarios/seed-case.yaml';

function seedCase(): Scenario {
  const loaded = loadScenario(SEED_CASE);
  if (!loaded.ok) throw new Error('seed-case.yaml does not load');
  return loaded.scenario;
}

function variants(): VariantsFile {
  const loaded = loadVariants('scenarios/variants/seed-case-weights.yaml');
  if (!loaded.ok) throw new Error('seed-case-weights.yaml does not load');
  return loaded.variants;
}

describe('sweepVariants', () => {
  it('runs the baseline and every variant over every seed, the same bytes on workers as on this thread', async () => {
    const done: number[] = [];
    const opts = { seeds: ['2', '1'], requests: 600 };
    const onPool = await sweepVariants(SEED_CASE, seedCase(), variants(), {
      ...opts,
      workers: 2,
      onRun: (n) => done.push(n),
    });
    const inThread = await sweepVariants(SEED_CASE, seedCase(), variants(), { ...opts, workers: 0 });
    expect(renderVariantSpread(onPool, 'json')).toBe(renderVariantSpread(inThread, 'json'));
    expect(renderVariantSpread(onPool, 'table')).toBe(renderVariantSpread(inThread, 'table'));
    expect(done).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([onPool.runs, onPool.seeds, onPool.seedsFrom]).toEqual([8, ['2', '1'], 'option']);
    expect(onPool.variants.map((v) => [v.name, v.baseline, v.events, v.spread.runs, v.runsFailed])).toEqual([
      ['as is', true, 0, 2, 0],
      ['rebalance web, drain api2', false, 2, 2, 2],
      ['web weights / 10', false, 1, 2, 0],
      // 600 requests end before 20s: the drain comes after the last request.
      ['api2 drained at 20s', false, 1, 2, 0],
    ]);
    expect(onPool.expectations).toEqual({
      runsPassed: 6,
      runsFailed: 2,
      failedVariants: ['rebalance web, drain api2'],
    });
    // The baseline is the sweep over seeds, figure for figure.
    const plain = await sweepScenario(SEED_CASE, seedCase(), { ...opts, workers: 0 });
    expect(onPool.variants[0].spread).toEqual(plain);
  });

  it("runs the scenario's seed without --seeds, and a variant's run is the run of the changed scenario", async () => {
    const vs = variants();
    const spread = await sweepVariants(SEED_CASE, seedCase(), vs, { workers: 0 });
    expect([spread.seeds, spread.seedsFrom, spread.runs]).toEqual([['42'], 'scenario', 4]);
    const report = await simulateScenario(withChange(seedCase(), vs.variants[2].change), {
      label: SEED_CASE,
    });
    const drained = spread.variants[3].spread;
    expect(drained.epochs.map((e) => [e.scope, e.epoch, e.cause, e.tvd?.max])).toEqual(
      report.groups.flatMap((g) =>
        g.epochs.filter((e) => e.served > 0).map((e) => [g.scope, e.epoch, e.cause, e.fidelity.tvd]),
      ),
    );
    expect(
      drained.epochs.map((e) => [e.epoch, e.backends.map((b) => [b.backend, b.weight, b.expected.min])]),
    ).toEqual([
      [
        1,
        [
          ['i-api1:9000', 60, 0.6],
          ['i-api2:9000', 40, 0.4],
        ],
      ],
      [
        2,
        [
          ['i-api1:9000', 60, 1],
          ['i-api2:9000', 0, 0],
        ],
      ],
      [
        1,
        [
          ['i-web1:8080', 100, 0.5],
          ['i-web1:8081', 50, 0.25],
          ['i-web2:8080', 50, 0.25],
        ],
      ],
      [
        1,
        [
          ['i-legacy1:80', 100, 0.666667],
          ['i-legacy2:80', 50, 0.333333],
        ],
      ],
    ]);
    expect(spread.variants[3].maxShares.slice(0, 2).map((m) => [m.backend, m.expected])).toEqual([
      ['i-api1:9000', { min: 0.6, max: 1 }],
      ['i-api2:9000', { min: 0, max: 0.4 }],
    ]);
  });
});
