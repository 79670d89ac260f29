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

describe('a report state whose counts do not add up', () => {
  it('given a state whose requests are not the sum of its outcomes, when merged, then it is refused', async () => {
    const scenario = loadChecked('scenarios/seed-case.yaml', { requests: 200 });
    const { state } = await replayScenario(scenario, { label: 'seed-case' });
    const edited = JSON.parse(JSON.stringify(state));
    edited.requests += 1;
    expect(() => reportFromStates([edited])).toThrow(/shard 1: 201 requests but 200 outcomes/);
    const listener = JSON.parse(JSON.stringify(state));
    listener.listeners.requests[0] -= 1;
    const n = state.listeners.requests[0];
    expect(() => reportFromStates([listener])).toThrow(
      `shard 1: listener 0 has ${n - 1} requests but ${n} outcomes`,
    );
  });
});

describe('a scope state whose epochs do not hold its requests', () => {
  it('given a scope whose routed count differs from its epochs’ requests, when merged, then it is refused', async () => {
    const scenario = loadChecked('scenarios/seed-case.yaml', { requests: 200 });
    const { state } = await replayScenario(scenario, { label: 'seed-case' });
    const edited = JSON.parse(JSON.stringify(state));
    const i = edited.scopes.findIndex((s: { routed: number } | null) => s !== null && s.routed > 0);
    const routed = edited.scopes[i].routed;
    edited.scopes[i].routed = routed + 1;
    expect(() => reportFromStates([edited])).toThrow(
      `shard 1, scope ${i}: ${routed + 1} requests routed but its epochs hold ${routed}`,
    );
  });
});
