import { describe, expect, it } from 'vitest';
import { simulateScenario } from '../../src/pipeline/replay.js';
import { renderSpread } from '../../src/scale/spread-render.js';
import { sweepScenario, sweepWorkerFile } from '../../src/scale/sweep.js';
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
