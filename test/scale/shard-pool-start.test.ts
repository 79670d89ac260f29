import { describe, expect, it } from 'vitest';
import { loadChecked } from '../../src/cli/run-pipeline.js';
import { simulateScenario } from '../../src/pipeline/replay.js';
import { renderReport } from '../../src/report/render/render-report.js';
import { replayOnWorkers } from '../../src/scale/shard-pool.js';
import {
  explicitRunWorkers,
  prestartShardPool,
  releasePrestartedPool,
  takeShardPool,
} from '../../src/scale/shard-pool-start.js';

const argv = (...args: string[]) => ['node', 'slbsim', ...args];

describe('explicitRunWorkers (the early start of run --workers N)', () => {
  it.each([
    [argv('run', 's.yaml', '--workers', '2'), 2],
    [argv('run', '--workers', '3', 's.yaml'), 3],
    [argv('run', 's.yaml', '--workers=4'), 4],
    [argv('run', 's.yaml', '--workers', '2', '--workers', '5'), 5],
  ])('%j → %d', (args, count) => {
    expect(explicitRunWorkers(args)).toBe(count);
  });

  it.each([
    [argv('run', 's.yaml')],
    [argv('sweep', 's.yaml', '--workers', '2')],
    [argv('run', 's.yaml', '--workers')],
    [argv('run', 's.yaml', '--workers', 'two')],
    [argv('run', 's.yaml', '--workers', '-2')],
    [argv('run', 's.yaml', '--', '--workers', '2')],
  ])('%j → none', (args) => {
    expect(explicitRunWorkers(args)).toBeNull();
  });
});

describe('prestartShardPool', () => {
  it('hands the run the pool it started, with the report of one thread', async () => {
    // Given a pool started from argv before the run
    const file = 'scenarios/cluster-vs-exact.yaml';
    const early = prestartShardPool(argv('run', file, '--workers', '2'));
    // (shard 0 runs on this thread: one worker for two shards)
    expect(early?.threads.length).toBe(1);
    // When the run asks for two workers
    const run = await replayOnWorkers({
      scenario: loadChecked(file, {}),
      label: file,
      workers: 2,
      fed: true,
    });
    // Then its report is the one-thread report, and the run took the pool and destroyed it at its end
    const one = await simulateScenario(loadChecked(file, {}), { label: file });
    expect(renderReport(run.report, 'json', {})).toBe(renderReport(one, 'json', {}));
    expect(early?.threads.length).toBe(0);
    expect(prestartShardPool(argv('run', file, '--workers', '2'))).not.toBeNull();
    await releasePrestartedPool();
  });

  it('gives the prestarted pool to a run of its size, and destroys it for a run of another size', async () => {
    // Given a pool of two started from argv
    const early = prestartShardPool(argv('run', 's.yaml', '--workers', '2'));
    // When a run of two takes a pool, then it is that one
    expect(await takeShardPool(2)).toBe(early);
    // Given another pool of two started from argv
    const second = prestartShardPool(argv('run', 's.yaml', '--workers', '2'));
    expect(second).not.toBe(early);
    // When a run of three takes a pool, then the prestarted one of two is destroyed first
    const three = await takeShardPool(3);
    expect(second?.threads.length).toBe(0);
    expect(three.threads.length).toBe(2);
    await Promise.all([early?.destroy(), three.destroy(), releasePrestartedPool()]);
  });

  it('a pool nobody takes is destroyed when the command ends', async () => {
    // Given a pool started for a run that then fails before it starts (a bad scenario, say)
    const early = prestartShardPool(argv('run', 'missing.yaml', '--workers', '2'));
    expect(early?.threads.length).toBe(1);
    // When the command ends, then the pool is destroyed, and a second release has nothing to do
    await releasePrestartedPool();
    expect(early?.threads.length).toBe(0);
    await expect(releasePrestartedPool()).resolves.toBeUndefined();
  });

  it('starts nothing for one worker, for other commands, or while a pool is already started', async () => {
    expect(prestartShardPool(argv('run', 's.yaml', '--workers', '1'))).toBeNull();
    expect(prestartShardPool(argv('sweep', 's.yaml', '--workers', '2'))).toBeNull();
    expect(prestartShardPool(argv('run', 's.yaml', '--workers', '65'))).toBeNull();
    const early = prestartShardPool(argv('run', 's.yaml', '--workers', '2'));
    expect(early).not.toBeNull();
    expect(prestartShardPool(argv('run', 's.yaml', '--workers', '2'))).toBeNull();
    await releasePrestartedPool();
  });
});
