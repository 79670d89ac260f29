import { describe, expect, it } from 'vitest';
import { loadChecked } from '../../src/cli/run-pipeline.js';
import { simulateScenario } from '../../src/pipeline/replay.js';
import { renderReport } from '../../src/report/render/render-report.js';
import { replayOnWorkers } from '../../src/scale/shard-pool.js';
import {
  explicitRunWorkers,
  prestartShardPool,
  releasePrestartedPool,
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
    prestartShardPool(argv('run', file, '--workers', '2'));
    // When the run asks for two workers
    const run = await replayOnWorkers({
      scenario: loadChecked(file, {}),
      label: file,
      workers: 2,
      fed: true,
    });
    // Then its report is the one-thread report, and no started pool is left over
    const one = await simulateScenario(loadChecked(file, {}), { label: file });
    expect(renderReport(run.report, 'json', {})).toBe(renderReport(one, 'json', {}));
    await expect(releasePrestartedPool()).resolves.toBeUndefined();
  });

  it('a pool nobody takes is destroyed when the command ends', async () => {
    // Given a pool started for a run that then fails before it starts (a bad scenario, say)
    prestartShardPool(argv('run', 'missing.yaml', '--workers', '2'));
    // When the command ends, then the pool is destroyed and the process has nothing left to wait for
    await expect(releasePrestartedPool()).resolves.toBeUndefined();
    await expect(releasePrestartedPool()).resolves.toBeUndefined();
  });
});
