/**
 * The round trip on every topology the repository's scenarios build, plus one past the per-call
 * limits: fold → the Describe* responses the API would return for it (one call per file, string
 * numbers in every other set, listener attributes without protocol or load balancer) → import →
 * fold: `slbsim state --json` and the inventory come back identical.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/cli/command-action.js';
import { importAliyun } from '../../src/import/aliyun-import.js';
import { stateAt } from '../../src/scenario/fold-at.js';
import { loadScenario } from '../../src/scenario/load.js';
import { fold } from '../../src/topology/apply.js';
import { describeState } from '../../src/topology/describe.js';
import type { TopologyEvent } from '../../src/topology/events.js';
import type { TopologyState } from '../../src/topology/types.js';
import { foldImported, writeDescribeFiles } from './round-trip.js';

function roundTrip(state: TopologyState, stringNumbers: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'slbsim-roundtrip-'));
  writeDescribeFiles(state, dir, { stringNumbers, pageSize: 4 });
  const r = importAliyun([dir], { allInstances: true });
  if (!r.ok) expect.fail(r.diagnostics.map(formatDiagnostic).join('\n'));
  const back = foldImported(r.text);
  expect(back.described).toEqual(describeState(state));
  expect(back.instances).toEqual(state.Instances);
  return r;
}

const SCENARIOS = readdirSync('scenarios')
  .filter((f) => /\.(ya?ml|json)$/.test(f))
  .sort();

describe('import aliyun ∘ Describe* = identity, on every scenario of the repository', () => {
  it.each(SCENARIOS.map((f, i) => [f, i % 2 === 1] as const))('%s (string numbers: %s)', (file, strings) => {
    const loaded = loadScenario(join('scenarios', file));
    if (!loaded.ok) expect.fail(loaded.diagnostics.map(formatDiagnostic).join('\n'));
    const { state } = stateAt(loaded.scenario);
    expect(state.LoadBalancers.length).toBeGreaterThan(0);
    roundTrip(state, strings);
  });
});

describe('past the per-call limits', () => {
  const ecs = (i: number): TopologyEvent => ({
    action: 'CreateInstance',
    params: {
      InstanceId: `i-${i}`,
      RegionId: 'cn-hangzhou',
      VpcId: 'vpc-1',
      PrivateIpAddress: `10.0.0.${i}`,
    },
  });
  const servers = Array.from({ length: 45 }, (_, i) => ({
    ServerId: `i-${i + 1}`,
    Port: 8000 + i,
    Weight: i % 101,
  }));
  const events: TopologyEvent[] = [
    ...Array.from({ length: 45 }, (_, i) => ecs(i + 1)),
    {
      action: 'CreateLoadBalancer',
      params: { LoadBalancerId: 'lb-big', RegionId: 'cn-hangzhou', VpcId: 'vpc-1' },
    },
    {
      action: 'CreateVServerGroup',
      params: { LoadBalancerId: 'lb-big', VServerGroupId: 'rsp-big', BackendServers: servers.slice(0, 20) },
    },
    {
      action: 'AddVServerGroupBackendServers',
      params: { VServerGroupId: 'rsp-big', BackendServers: servers.slice(20, 40) },
    },
    {
      action: 'AddVServerGroupBackendServers',
      params: { VServerGroupId: 'rsp-big', BackendServers: servers.slice(40) },
    },
    {
      action: 'AddBackendServers',
      params: {
        LoadBalancerId: 'lb-big',
        BackendServers: servers.slice(0, 20).map(({ ServerId }) => ({ ServerId })),
      },
    },
    {
      action: 'AddBackendServers',
      params: {
        LoadBalancerId: 'lb-big',
        BackendServers: servers.slice(20, 25).map(({ ServerId }) => ({ ServerId, Weight: 7 })),
      },
    },
    {
      action: 'CreateLoadBalancerHTTPListener',
      params: { LoadBalancerId: 'lb-big', ListenerPort: 80, VServerGroupId: 'rsp-big' },
    },
    ...[0, 1, 2].map(
      (k): TopologyEvent => ({
        action: 'CreateRules',
        params: {
          LoadBalancerId: 'lb-big',
          ListenerPort: 80,
          RuleList: Array.from({ length: k < 2 ? 10 : 5 }, (_, j) => ({
            RuleName: `r${k * 10 + j}`,
            Url: `/p${k * 10 + j}`,
            VServerGroupId: 'rsp-big',
          })),
        },
      }),
    ),
  ];
  const { state, results } = fold(events);

  it('splits a 45-entry group, a 25-entry default group and 25 rules into calls CLB accepts', () => {
    expect(results.every((r) => r.ok)).toBe(true);
    const r = roundTrip(state, false);
    if (!r.ok) return;
    expect(r.plan.events.map((e) => e.action)).toEqual([
      'CreateLoadBalancer',
      'AddBackendServers',
      'AddBackendServers',
      'CreateVServerGroup',
      'AddVServerGroupBackendServers',
      'AddVServerGroupBackendServers',
      'CreateLoadBalancerHTTPListener',
      'CreateRules',
      'CreateRules',
      'CreateRules',
    ]);
    expect(
      r.plan.events
        .map((e) => (e.params.BackendServers ?? e.params.RuleList ?? []) as unknown[])
        .map((l) => l.length),
    ).toEqual([0, 20, 5, 20, 20, 5, 0, 10, 10, 5]);
  });
});
