/** The examples of docs/SCENARIO.md are real: put together, they validate. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkScenario } from '../../src/scenario/check.js';
import { loadScenarioText } from '../../src/scenario/load.js';
import { formatted, problems } from './helpers.js';

const DOC = readFileSync('docs/SCENARIO.md', 'utf8');
const BLOCKS = [...DOC.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
const block = (key: string) => {
  const found = BLOCKS.filter((b) => b.startsWith(`${key}:`));
  expect(found.length, key).toBeGreaterThan(0);
  return found;
};

function validates(text: string): void {
  const r = loadScenarioText(text, 'doc.yaml');
  expect(problems(r)).toEqual([]);
  if (r.ok) expect(formatted(checkScenario(r.scenario))).toEqual([]);
}

describe('docs/SCENARIO.md', () => {
  it('its instances and raw events validate', () => {
    const instances = [
      'instances:',
      '  - { InstanceId: i-web1, RegionId: cn-hangzhou, VpcId: vpc-1 }',
      '  - { InstanceId: i-old1, RegionId: cn-hangzhou, NetworkType: classic, Status: Stopped }',
    ].join('\n');
    validates(`${instances}\n${block('events')[0]}`);
    expect(parse(block('instances')[0]).instances.length).toBe(2);
    validates(block('instances')[0]);
  });

  it('its topology, timeline, traffic, simulation and expectations validate together', () => {
    const servers = ['i-legacy1', 'i-web1', 'i-web2', 'i-api1', 'i-db1', 'i-db2'];
    const instances = [
      'instances:',
      ...servers.map((s) => `  - { InstanceId: ${s}, RegionId: cn-hangzhou, VpcId: vpc-seed }`),
    ];
    const traffic = block('traffic').find((b) => b.includes('phases')) as string;
    const text = [
      ...instances,
      block('topology')[0],
      block('timeline')[0],
      traffic,
      block('simulation')[0],
      block('expect')[0],
    ].join('\n');
    validates(text);
  });
});
