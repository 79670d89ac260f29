/** Ctrl-C (an interrupted replay): the report says partial; record and journal files stay `.partial`, every line whole. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadChecked } from '../../src/cli/run-pipeline.js';
import { replayScenario } from '../../src/pipeline/replay.js';

const dir = mkdtempSync(join(tmpdir(), 'slbsim-interrupt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('an interrupted replay', () => {
  it('stops between slices with a partial report and partial files of whole lines', async () => {
    const record = join(dir, 'r.jsonl');
    const journal = join(dir, 'j.jsonl');
    let slices = 0;
    const result = await replayScenario(loadChecked('scenarios/cluster-vs-exact.yaml', {}), {
      record,
      journal,
      slice: 1000,
      onSlice: () => ++slices === 3,
    });
    expect(result.interrupted).toBe(true);
    expect(result.report.partial).toBe(true);
    expect(result.report.requests).toBeGreaterThan(0);
    expect(result.report.requests).toBeLessThan(18_000);
    expect(existsSync(record)).toBe(false);
    expect(existsSync(journal)).toBe(false);
    expect(result.outputs).toEqual([`${record}.partial`, `${journal}.partial`]);
    for (const file of result.outputs) {
      const text = readFileSync(file, 'utf8');
      expect(text.endsWith('\n')).toBe(true);
      for (const line of text.trimEnd().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
    }
    const last = readFileSync(`${journal}.partial`, 'utf8').trimEnd().split('\n').pop()!;
    expect(JSON.parse(last)).toMatchObject({ type: 'RunFinished', partial: true });
  });
});
