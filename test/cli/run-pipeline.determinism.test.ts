/**
 * Same seed, same bytes: three replays of a scenario with every kind of randomness (Poisson
 * arrivals, a weighted mix, many clients, lognormal service times, a 4×8 cluster, a timeline)
 * write identical journals, records and reports; another seed writes different ones.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadChecked, simulate } from '../../src/cli/run-pipeline.js';
import { renderReport } from '../../src/report/render/render-report.js';

const dir = mkdtempSync(join(tmpdir(), 'slbsim-determinism-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function replay(path: string, tag: string, seed?: string): Promise<string[]> {
  const journal = join(dir, `${tag}.jsonl`);
  const record = join(dir, `${tag}.csv`);
  const { report } = await simulate(loadChecked(path, { seed }), { label: path, seed, journal, record });
  return [renderReport(report, 'json'), readFileSync(journal, 'utf8'), readFileSync(record, 'utf8')];
}

describe('determinism', () => {
  for (const path of [
    'scenarios/cluster-vs-exact.yaml',
    'scenarios/wlc-long-connections.yaml',
    'scenarios/backend-failure.yaml',
  ]) {
    it(`${path}: three runs with one seed are byte-identical; another seed differs`, async () => {
      const name = path.replace(/\W/g, '_');
      const a = await replay(path, `${name}-a`);
      const b = await replay(path, `${name}-b`);
      const c = await replay(path, `${name}-c`);
      expect(b).toEqual(a);
      expect(c).toEqual(a);
      const other = await replay(path, `${name}-d`, 'another-seed');
      expect(other[1]).not.toBe(a[1]);
      expect(other[0]).toContain('"seed": "another-seed"');
    });
  }
});
