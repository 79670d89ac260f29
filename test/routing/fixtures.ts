import { fold } from '../../src/topology/apply.js';
import type { TopologyEvent } from '../../src/topology/events.js';
import type { TopologyState } from '../../src/topology/types.js';

export function ecs(id: string): TopologyEvent {
  return {
    action: 'CreateInstance',
    params: { InstanceId: id, RegionId: 'cn-hangzhou', VpcId: 'vpc-1', PrivateIpAddress: '10.0.0.1' },
  };
}

/** An HTTP listener on lb-1:80 with a VServer group, rules and a default pool; everything started. */
export function webTopology(extra: TopologyEvent[] = []): TopologyState {
  const events: TopologyEvent[] = [
    ecs('i-a'),
    ecs('i-b'),
    ecs('i-c'),
    ecs('i-d'),
    {
      action: 'CreateLoadBalancer',
      params: {
        LoadBalancerId: 'lb-1',
        RegionId: 'cn-hangzhou',
        VpcId: 'vpc-1',
        AddressType: 'intranet',
        LoadBalancerSpec: 'slb.s2.small',
      },
    },
    {
      action: 'AddBackendServers',
      params: { LoadBalancerId: 'lb-1', BackendServers: [{ ServerId: 'i-d', Weight: 100 }] },
    },
    {
      action: 'CreateVServerGroup',
      params: {
        LoadBalancerId: 'lb-1',
        VServerGroupId: 'rsp-web',
        VServerGroupName: 'web',
        BackendServers: [
          { ServerId: 'i-a', Port: 8080, Weight: 5 },
          { ServerId: 'i-b', Port: 8080, Weight: 1 },
          { ServerId: 'i-c', Port: 8081, Weight: 1 },
        ],
      },
    },
    {
      action: 'CreateVServerGroup',
      params: {
        LoadBalancerId: 'lb-1',
        VServerGroupId: 'rsp-api',
        VServerGroupName: 'api',
        BackendServers: [
          { ServerId: 'i-a', Port: 9000, Weight: 4 },
          { ServerId: 'i-b', Port: 9000, Weight: 3 },
          { ServerId: 'i-c', Port: 9000, Weight: 2 },
        ],
      },
    },
    {
      action: 'CreateLoadBalancerHTTPListener',
      params: { LoadBalancerId: 'lb-1', ListenerPort: 80, BackendServerPort: 80, VServerGroupId: 'rsp-web' },
    },
    {
      action: 'CreateRules',
      params: {
        LoadBalancerId: 'lb-1',
        ListenerPort: 80,
        RuleList: [
          {
            RuleId: 'rule-api',
            RuleName: 'api',
            Domain: 'api.example.com',
            Url: '/v1',
            VServerGroupId: 'rsp-api',
          },
        ],
      },
    },
    { action: 'StartLoadBalancerListener', params: { LoadBalancerId: 'lb-1', ListenerPort: 80 } },
    ...extra,
  ];
  const { state, results } = fold(events);
  const bad = results.find((r) => !r.ok);
  if (bad && !bad.ok) throw new Error(`fixture rejected: ${bad.error.code} ${bad.error.message}`);
  return state;
}
