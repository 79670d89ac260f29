import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { register as report } from '../../../src/cli/commands/report-command.js';
import { loadChecked, simulate } from '../../../src/cli/run-pipeline.js';
import { REPORT_FORMATS, renderReport } from '../../../src/report/render/render-report.js';
import { runCommand } from '../../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'slbsim-roundtrip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('run → journal → slbsim report', () => {
  it('rebuilds the report of a real run byte for byte, in every format', async () => {
    const journal = join(dir, 'seed-case.jsonl');
    const scenario = loadChecked('scenarios/seed-case.yaml', {});
    const { report: live } = await simulate(scenario, { journal });
    expect(live.partial).toBe(false);
    expect(live.requests).toBeGreaterThan(0);
    for (const format of REPORT_FORMATS) {
      const r = await runCommand(report, ['report', journal, '--format', format]);
      expect(r.stderr).toBe('');
      expect(r.stdout, format).toBe(renderReport(live, format));
    }
  });

  it('exact mode: every wrr epoch that completed a cycle is verified exact', async () => {
    const scenario = loadChecked('scenarios/seed-case.yaml', {});
    const { report: r } = await simulate(scenario, {});
    const seqs = r.groups.flatMap((g) => g.epochs).flatMap((e) => (e.sequence ? [e.sequence] : []));
    expect(seqs.length).toBeGreaterThan(0);
    for (const s of seqs) expect(s.cyclesExact === null || s.cyclesExact).toBe(true);
    expect(seqs.some((s) => s.cyclesExact === true)).toBe(true);
  });
});
