import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadChecked } from '../../src/cli/run-pipeline.js';
import { ArrivalOwners } from '../../src/engine/arrival-owner.js';
import { planCut } from '../../src/engine/shard-cut.js';
import { writeMovingScenario } from '../helpers/moving-scenario.js';

const dir = mkdtempSync(join(tmpdir(), 'slbsim-arrival-owner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ArrivalOwners', () => {
  it('says ownership is static when no timeline event moves a template to another scope', () => {
    // Given scenarios whose timelines change weights and members only (or have none)
    for (const file of [
      'bench/engine-10m.yaml',
      'scenarios/weight-change.yaml',
      'scenarios/cluster-vs-exact.yaml',
    ]) {
      const scenario = loadChecked(file, {});
      // Then every arrival's shard follows from its template and client
      expect([
        file,
        new ArrivalOwners(scenario, scenario.seed, planCut(scenario, 2)).ownershipIsStatic(),
      ]).toEqual([file, true]);
    }
  });

  it('follows the timeline when an event moves a template to another scope', () => {
    // Given the benchmark model whose listener's default route moves to rsp-static at 50 ms
    const file = writeMovingScenario(dir, [['50ms', 'rsp-static']]);
    const scenario = loadChecked(file, {});
    // Then ownership is not static, and the template of `other.net /` (index 5) changes shard at 50 ms
    expect(new ArrivalOwners(scenario, scenario.seed, planCut(scenario, 2)).ownershipIsStatic()).toBe(false);
    const owners = new ArrivalOwners(scenario, scenario.seed, planCut(scenario, 2));
    const before = owners.ownerOf(49_999, 5, 0x0a000001, 40000);
    const after = owners.ownerOf(50_000, 5, 0x0a000001, 40000);
    expect(before).not.toBe(after);
    // and a template whose route does not move keeps its shard
    expect(owners.ownerOf(60_000, 0, 0x0a000001, 40000)).toBe(
      new ArrivalOwners(scenario, scenario.seed, planCut(scenario, 2)).ownerOf(0, 0, 0x0a000001, 40000),
    );
  });
});
