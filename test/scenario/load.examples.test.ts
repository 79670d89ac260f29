import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkScenario } from '../../src/scenario/check.js';
import { loadScenario } from '../../src/scenario/load.js';
import { formatted, problems } from './helpers.js';

const EXAMPLES = readdirSync('scenarios')
  .filter((f) => /\.(ya?ml|json)$/.test(f))
  .map((f) => `scenarios/${f}`);

describe('example scenarios', () => {
  it('include the seed case and the shared-ECS / shared-group cases', () => {
    expect(EXAMPLES).toEqual(
      expect.arrayContaining([
        'scenarios/seed-case.yaml',
        'scenarios/seed-case-events.yaml',
        'scenarios/shared-ecs.yaml',
        'scenarios/shared-group.yaml',
      ]),
    );
  });

  it.each(EXAMPLES)('%s validates: it loads and every event folds', (file) => {
    const r = loadScenario(file);
    expect(problems(r)).toEqual([]);
    if (r.ok) expect(formatted(checkScenario(r.scenario))).toEqual([]);
  });

  it.each(EXAMPLES)('%s references the JSON Schema and says how to run it', (file) => {
    const text = readFileSync(file, 'utf8');
    if (file.endsWith('.json')) expect(text).toMatch(/"\$schema": "\.\.\/schema\/scenario\.schema\.json"/);
    else {
      expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/scenario.schema.json');
      expect(text).toMatch(/^# {3}slbsim \w+ scenarios\//m);
    }
  });
});
