import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadChecked } from '../../src/cli/run-pipeline.js';
import { OwnArrivals } from '../../src/engine/own-arrivals.js';
import { arrivalSource } from '../../src/engine/run-start.js';
import { planCut } from '../../src/engine/shard-cut.js';
import { simulateScenario } from '../../src/pipeline/replay.js';
import { renderReport } from '../../src/report/render/render-report.js';
import { reportFromStates } from '../../src/report/report-projection.js';
import { runShardTask } from '../../src/scale/shard-worker.js';
import { writeMovingScenario } from '../helpers/moving-scenario.js';

const dir = mkdtempSync(join(tmpdir(), 'slbsim-own-arrivals-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('OwnArrivals (a shard drawing its own arrivals)', () => {
  it('takes no part in a run without synthetic arrivals (a trace)', () => {
    const scenario = loadChecked('scenarios/trace-replay.yaml', {});
    expect(
      OwnArrivals.of(
        scenario,
        scenario.seed,
        arrivalSource(scenario, scenario.seed, undefined),
        { index: 0, count: 2 },
        planCut(scenario, 2),
      ),
    ).toBeNull();
  });

  it.each([2, 3])(
    'gives each of %i shards its arrivals when the timeline moves requests between shards: the merge is the run',
    async (count) => {
      // Given the benchmark model whose default route moves twice (a template changes shard mid-run)
      const file = writeMovingScenario(
        dir,
        [
          ['40ms', 'rsp-static'],
          ['90ms', 'rsp-api'],
        ],
        20_000,
      );
      const one = await simulateScenario(loadChecked(file, {}), { label: file });
      // When each shard replays on this thread, drawing every arrival and keeping its own
      const states = await Promise.all(
        Array.from({ length: count }, (_, index) =>
          runShardTask({ scenario: loadChecked(file, {}), label: file, index, count }),
        ),
      );
      // Then the merged report is the one-thread report, byte for byte
      expect(renderReport(reportFromStates(states), 'json')).toBe(renderReport(one, 'json'));
    },
  );
});
