import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadChecked } from '../../src/cli/run-pipeline.js';
import { simulateScenario } from '../../src/pipeline/replay.js';
import { renderReport } from '../../src/report/render/render-report.js';
import { reportFromStates } from '../../src/report/report-projection.js';
import { replayOnWorkers } from '../../src/scale/shard-pool.js';
import { runShardTask } from '../../src/scale/shard-worker.js';

const dir = mkdtempSync(join(tmpdir(), 'slbsim-shard-pool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The benchmark model with a timeline that moves the listener's default route to another group
 * twice: the requests of one template change scope, and so shard, mid-run (the arrival board then
 * finds each arrival's shard at its time, not from the mix drawer's lists).
 */
function movingScenario(): string {
  const file = join(dir, 'moving.yaml');
  const text = readFileSync('bench/engine-10m.yaml', 'utf8')
    .replace('requests: 10000000', 'requests: 30000')
    .replace(
      'traffic:\n',
      `timeline:
  - { at: 50ms, action: SetLoadBalancerHTTPListenerAttribute, params: { LoadBalancerId: lb-bench, ListenerPort: 80, VServerGroupId: rsp-static } }
  - { at: 120ms, action: SetLoadBalancerHTTPListenerAttribute, params: { LoadBalancerId: lb-bench, ListenerPort: 80, VServerGroupId: rsp-api } }
traffic:
`,
    );
  writeFileSync(file, text);
  return file;
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
      const one = await simulateScenario(loadChecked(file, {}), { label: file });
      const { report, interrupted } = await replayOnWorkers({
        scenario: loadChecked(file, {}),
        label: file,
        workers: 2,
        fed,
      });
      expect(interrupted).toBe(false);
      expect(renderReport(report, 'json')).toBe(renderReport(one, 'json'));
    },
  );

  it.each([
    ['scenarios/cluster-vs-exact.yaml', 3],
    ['scenarios/weight-change.yaml', 4],
  ])('%s on %i worker threads, arrivals fed, gives the report of one thread', async (file, workers) => {
    // Given more shards than drawing roles (one draws the times, one the mix; the rest only read)
    const one = await simulateScenario(loadChecked(file, {}), { label: file });
    const { report } = await replayOnWorkers({
      scenario: loadChecked(file, {}),
      label: file,
      workers,
      fed: true,
    });
    expect(renderReport(report, 'json')).toBe(renderReport(one, 'json'));
  });

  it.each([2, 3])(
    'a fed run whose timeline moves requests between shards, on %i threads, gives the report of one thread',
    async (workers) => {
      const file = movingScenario();
      const one = await simulateScenario(loadChecked(file, {}), { label: file });
      const { report } = await replayOnWorkers({
        scenario: loadChecked(file, {}),
        label: file,
        workers,
        fed: true,
      });
      expect(report.requests).toBe(30_000);
      expect(renderReport(report, 'json')).toBe(renderReport(one, 'json'));
    },
  );

  it.each([16_384, 16_385])(
    'a fed run of %i requests (the arrival board holds 8 192 a chunk) gives the report of one thread',
    async (requests) => {
      const file = 'bench/engine-10m.yaml';
      const one = await simulateScenario(loadChecked(file, { requests }), { label: file });
      const { report } = await replayOnWorkers({
        scenario: loadChecked(file, { requests }),
        label: file,
        requests,
        workers: 2,
        fed: true,
      });
      expect(report.requests).toBe(requests);
      expect(renderReport(report, 'json')).toBe(renderReport(one, 'json'));
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
});
