/** Scenarios and changes the plan tests share: load from text or from the repository's examples. */
import { expect } from 'vitest';
import { type Change, loadChange, loadChangeText } from '../../src/plan/change-file.js';
import { type PlanOptions, planChange } from '../../src/plan/plan-change.js';
import type { PlanReport } from '../../src/plan/plan-model.js';
import { checkScenario } from '../../src/scenario/check.js';
import { loadScenario } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/scenario-model.js';
import { formatted, lines, valid } from '../scenario/helpers.js';

/**
 * Two HTTP listeners: :80 with a URL rule (`static` → rsp-b) and a domain rule (`shop` → rsp-b)
 * in front of rsp-a, :81 on rsp-b. 1000 requests of three kinds.
 */
export const FIXTURE = lines(
  'name: plan-fixture',
  'seed: 7',
  'instances:',
  '  - { InstanceId: i-1, RegionId: cn-hangzhou, VpcId: vpc-1 }',
  '  - { InstanceId: i-2, RegionId: cn-hangzhou, VpcId: vpc-1 }',
  '  - { InstanceId: i-3, RegionId: cn-hangzhou, VpcId: vpc-1 }',
  'topology:',
  '  loadBalancers:',
  '    - id: lb-1',
  '      region: cn-hangzhou',
  '      vpc: vpc-1',
  '      vServerGroups:',
  '        - { id: rsp-a, servers: [{ server: i-1, port: 80 }, { server: i-2, port: 80 }] }',
  '        - { id: rsp-b, servers: [{ server: i-3, port: 80 }] }',
  '      listeners:',
  '        - protocol: http',
  '          port: 80',
  '          group: rsp-a',
  '          rules:',
  '            - { name: static, url: /static, group: rsp-b }',
  '            - { name: shop, domain: shop.example.com, group: rsp-b }',
  '        - { protocol: http, port: 81, group: rsp-b }',
  'traffic:',
  '  requests: 1000',
  '  mix:',
  '    - { listener: "lb-1:http:80", host: www.example.com, path: /static/app.js }',
  '    - { listener: "lb-1:http:80", host: shop.example.com, path: /static/logo.png }',
  '    - { listener: "lb-1:http:81", host: www.example.com, path: / }',
  'expect:',
  '  - maxFailed: 0',
);

export function scenarioOf(text: string = FIXTURE, file = 'fixture.yaml'): Scenario {
  const s = valid(text, file);
  expect(formatted(checkScenario(s))).toEqual([]);
  return s;
}

export function changeOf(text: string, file = 'change.yaml'): Change {
  const r = loadChangeText(text, file);
  if (!r.ok) expect.fail(formatted(r.diagnostics).join('\n'));
  return r.change;
}

/** The plan of a change that must be accepted. */
export function planOf(scenario: Scenario, change: Change, opts: PlanOptions = {}): PlanReport {
  const r = planChange(scenario, change, opts);
  if (!r.ok) expect.fail(formatted(r.diagnostics).join('\n'));
  return r.plan;
}

/** An example scenario of the repository, by path. */
export function exampleScenario(path: string): Scenario {
  const s = loadScenario(path);
  if (!s.ok) expect.fail(formatted(s.diagnostics).join('\n'));
  return s.scenario;
}

/** An example scenario and change of the repository, by path. */
export function example(scenarioPath: string, changePath: string): { scenario: Scenario; change: Change } {
  const c = loadChange(changePath);
  if (!c.ok) expect.fail(formatted(c.diagnostics).join('\n'));
  return { scenario: exampleScenario(scenarioPath), change: c.change };
}
