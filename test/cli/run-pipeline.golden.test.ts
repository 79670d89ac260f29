/**
 * Golden reports: every example in scenarios/ is replayed and its report (JSON, Markdown, HTML)
 * must equal, byte for byte, the one committed in reports/<name>/. After an intended change,
 * regenerate with `npm run golden` and review the diff.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadChecked, simulate } from '../../src/cli/run-pipeline.js';
import { renderReport } from '../../src/report/render/render-report.js';

const UPDATE = process.env.UPDATE_GOLDEN === '1';
const scenarios = readdirSync('scenarios')
  .filter((f) => /\.(ya?ml|json)$/.test(f))
  .sort();

describe('golden reports', () => {
  it('covers every example scenario', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(10);
  });

  for (const file of scenarios) {
    it(`scenarios/${file} gives the committed report`, async () => {
      const path = `scenarios/${file}`;
      const name = file.replace(/\.(ya?ml|json)$/, '');
      const { report, interrupted } = await simulate(loadChecked(path, {}), { label: path });
      expect(interrupted).toBe(false);
      const dir = join('reports', name);
      const outputs: Array<[string, string]> = [
        ['report.json', renderReport(report, 'json')],
        ['report.md', renderReport(report, 'md')],
        ['report.html', renderReport(report, 'html')],
      ];
      for (const [out, text] of outputs) {
        const target = join(dir, out);
        if (UPDATE) {
          mkdirSync(dir, { recursive: true });
          writeFileSync(target, text);
        } else {
          expect(existsSync(target), `${target} is missing: run npm run golden`).toBe(true);
          expect(
            text === readFileSync(target, 'utf8'),
            `${target} differs: run npm run golden and review`,
          ).toBe(true);
        }
      }
    });
  }
});
