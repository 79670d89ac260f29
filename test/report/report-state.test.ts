import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadChecked } from '../../src/cli/run-pipeline.js';
import { replayScenario } from '../../src/pipeline/replay.js';
import { renderReport } from '../../src/report/render/render-report.js';
import { reportFromStates } from '../../src/report/report-projection.js';

const examples = fs
  .readdirSync('scenarios')
  .filter((f) => /\.(ya?ml|json)$/.test(f))
  .map((f) => `scenarios/${f}`);

describe('a report state', () => {
  it.each(examples)(
    '%s: rebuilt from its JSON state, the report is the run’s own, byte for byte',
    async (file) => {
      const scenario = loadChecked(file, {});
      const { report, state } = await replayScenario(scenario, { label: file });
      const again = reportFromStates([JSON.parse(JSON.stringify(state))]);
      for (const format of ['json', 'table', 'md', 'html'] as const)
        expect(renderReport(again, format)).toBe(renderReport(report, format));
    },
  );
});
