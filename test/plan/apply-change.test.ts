import { describe, expect, it } from 'vitest';
import { changeRejections, changeSpan, withChange } from '../../src/plan/apply-change.js';
import { stateAt } from '../../src/scenario/fold-at.js';
import { formatted, lines, valid } from '../scenario/helpers.js';
import { changeOf, scenarioOf } from './fixtures.js';

describe('withChange', () => {
  it('merges the change at its times, after the scenario’s events of the same instant', () => {
    const s = scenarioOf();
    const c = changeOf(
      lines(
        '- at: 2s',
        '  action: StopLoadBalancerListener',
        '  params: { LoadBalancerId: lb-1, ListenerPort: 81 }',
        '- action: SetVServerGroupAttribute',
        '  params: { VServerGroupId: rsp-a, BackendServers: [{ ServerId: i-1, Port: 80, Weight: 7 }] }',
      ),
    );
    const merged = withChange(s, c);
    expect(merged.events).toHaveLength(s.events.length + 2);
    expect(merged.events.slice(0, s.events.length)).toEqual(s.events);
    expect(merged.events.slice(-2).map((e) => [e.at, e.action, e.pos.file])).toEqual([
      [0, 'SetVServerGroupAttribute', 'change.yaml'],
      [2_000_000, 'StopLoadBalancerListener', 'change.yaml'],
    ]);
    const lb = stateAt(merged, 0).state.LoadBalancers[0];
    expect(lb.VServerGroups[0].BackendServers.map((b) => b.Weight)).toEqual([7, 100]);
    expect(s.events.some((e) => e.pos.file === 'change.yaml')).toBe(false);
  });
});

describe('changeRejections', () => {
  it('lists only what the change brings, not what the scenario already had', () => {
    // A scenario with a rejected event of its own (state tolerates it; plan would not load it).
    const s = valid(
      lines(
        'instances:',
        '  - { InstanceId: i-1, RegionId: cn-hangzhou, VpcId: vpc-1 }',
        'events:',
        '  - action: CreateLoadBalancer',
        '    params: { LoadBalancerId: lb-1, RegionId: cn-hangzhou, VpcId: vpc-1 }',
        '  - action: DeleteVServerGroup',
        '    params: { VServerGroupId: rsp-x }',
      ),
    );
    expect(formatted(stateAt(s).diagnostics)).toHaveLength(1);
    const c = changeOf(
      lines(
        '- action: CreateVServerGroup',
        '  params: { LoadBalancerId: lb-1, VServerGroupId: rsp-1, BackendServers: [{ ServerId: i-9, Port: 80 }] }',
      ),
    );
    expect(formatted(changeRejections(s, c))).toEqual([
      'change.yaml:2:87: ObtainIpFail CreateVServerGroup rejected: The specified BackendServers is invalid; ECS instance i-9 does not exist (add it to the inventory first).',
    ]);
    const fine = changeOf('- { action: DeleteLoadBalancer, params: { LoadBalancerId: lb-1 } }\n');
    expect(changeRejections(s, fine)).toEqual([]);
  });
});

describe('changeSpan', () => {
  it('is the first and the last instant of the change', () => {
    const c = changeOf(
      lines(
        '- { at: 40s, action: DeleteRules, params: { RuleIds: [r-1] } }',
        '- { at: 10s, action: DeleteRules, params: { RuleIds: [r-2] } }',
      ),
    );
    expect(changeSpan(c)).toEqual({ fromUs: 10_000_000, settledUs: 40_000_000 });
  });
});
