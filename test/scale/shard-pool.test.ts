import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadChecked } from '../../src/cli/run-pipeline.js';
import { simulateScenario } from '../../src/pipeline/replay.js';
import { renderReport } from '../../src/report/render/render-report.js';
import { reportFromStates } from '../../src/report/report-projection.js';
import { replayOnWorkers } from '../../src/scale/shard-pool.js';
import { runShardTask } from '../../src/scale/shard-worker.js';
import { writeMovingScenario } from '../helpers/moving-scenario.js';

const dir = mkdtempSync(join(tmpdir(), 'slbsim-shard-pool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The run on one thread and on worker threads: both reports as JSON, and the threaded run's result. */
async function oneAndThreaded(
  file: string,
  options: { readonly workers: number; readonly fed: boolean; readonly requests?: number },
) {
  const overrides = options.requests === undefined ? {} : { requests: options.requests };
  const one = await simulateScenario(loadChecked(file, overrides), { label: file });
  const run = await replayOnWorkers({ scenario: loadChecked(file, overrides), label: file, ...options });
  return { ...run, one: renderReport(one, 'json'), threaded: renderReport(run.report, 'json') };
}

describe('replayOnWorkers (run --workers N)', () => {
  it.each([
    ['scenarios/cluster-vs-exact.yaml', true],
    ['scenarios/wlc-long-connections.yaml', true],
    ['scenarios/backend-failure.yaml', false],
    ['scenarios/backend-failure.yaml', true],
    ['scenarios/weight-change.yaml', true],
    ['scenarios/tcp-consistent-hash.yaml', true],
    ['scenarios/trace-replay.yaml', false],
  ])(
    '%s on 2 worker threads (arrivals fed: %s) gives the report of one thread, byte for byte',
    async (file, fed) => {
      const { interrupted, one, threaded } = await oneAndThreaded(file, { workers: 2, fed });
      expect(interrupted).toBe(false);
      expect(threaded).toBe(one);
    },
  );

  it.each([
    ['scenarios/cluster-vs-exact.yaml', 3],
    ['scenarios/weight-change.yaml', 4],
  ])('%s on %i worker threads, arrivals fed, gives the report of one thread', async (file, workers) => {
    // Given more shards than drawing roles (one draws the times, one the mix; the rest only read)
    const { one, threaded } = await oneAndThreaded(file, { workers, fed: true });
    expect(threaded).toBe(one);
  });

  it.each([2, 3])(
    'a fed run whose timeline moves requests between shards, on %i threads, gives the report of one thread',
    async (workers) => {
      const file = writeMovingScenario(
        dir,
        [
          ['50ms', 'rsp-static'],
          ['120ms', 'rsp-api'],
        ],
        30_000,
      );
      const { report, one, threaded } = await oneAndThreaded(file, { workers, fed: true });
      expect(report.requests).toBe(30_000);
      expect(threaded).toBe(one);
    },
  );

  it.each([16_384, 16_385])(
    'a fed run of %i requests (the arrival board holds 8 192 a chunk) gives the report of one thread',
    async (requests) => {
      const { report, one, threaded } = await oneAndThreaded('bench/engine-10m.yaml', {
        workers: 2,
        fed: true,
        requests,
      });
      expect(report.requests).toBe(requests);
      expect(threaded).toBe(one);
    },
  );

  it.each([
    [3, 'one pass per shard'],
    [5, 'a counting sort'],
  ])(
    'a fed run of static ownership on %i threads (each chunk sorted by shard in %s) gives the report of one thread',
    async (workers) => {
      // Given the benchmark model (no timeline: every template's shard is fixed), its run ending
      // inside a chunk, so the last chunk's sorted offsets run past its arrivals
      const { report, one, threaded } = await oneAndThreaded('bench/engine-10m.yaml', {
        workers,
        fed: true,
        requests: 20_000,
      });
      expect(report.requests).toBe(20_000);
      expect(threaded).toBe(one);
    },
  );

  it('stops every shard of a fed run when asked (Ctrl-C): the report is partial', async () => {
    const file = 'bench/engine-10m.yaml';
    const { report, interrupted } = await replayOnWorkers({
      scenario: loadChecked(file, {}),
      label: file,
      workers: 2,
      fed: true,
      stopped: () => true,
    });
    expect(interrupted).toBe(true);
    expect(report.partial).toBe(true);
    expect(report.requests).toBeLessThan(10_000_000);
  });

  it('runs the same shard task in-thread as the workers do', async () => {
    const file = 'scenarios/backend-failure.yaml';
    const one = await simulateScenario(loadChecked(file, {}), { label: file });
    const states = await Promise.all(
      [0, 1, 2].map((index) =>
        runShardTask({ scenario: loadChecked(file, {}), label: file, index, count: 3 }),
      ),
    );
    expect(renderReport(reportFromStates(states), 'md')).toBe(renderReport(one, 'md'));
  });

  it('a shard that fails sets the stop flag itself, for the shards that wait for its draws', async () => {
    // Given a shard task whose scenario cannot be replayed (no traffic and no events to fold)
    const stop = new Int32Array(new SharedArrayBuffer(4));
    const broken = { ...loadChecked('scenarios/backend-failure.yaml', {}), events: undefined } as never;
    // When it runs, then it fails, and the stop flag every shard reads is set
    await expect(runShardTask({ scenario: broken, label: 'x', index: 0, count: 2, stop })).rejects.toThrow();
    expect(Atomics.load(stop, 0)).toBe(1);
  });

  it('replays one shard on this thread alone, with no pool (workers: 1), to the report of one thread', async () => {
    // Regression: with shard 0 on this thread, one shard asked piscina for a pool of 0 threads
    // ("options.maxThreads must be a positive integer").
    const { interrupted, one, threaded } = await oneAndThreaded('scenarios/cluster-vs-exact.yaml', {
      workers: 1,
      fed: true,
    });
    expect(interrupted).toBe(false);
    expect(threaded).toBe(one);
  });
});
