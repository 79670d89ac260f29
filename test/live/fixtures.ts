/**
 * A small live world: lb-live with an HTTP listener on 80 whose VServer group rsp-web holds three
 * backends weighted 5/1/1 (nginx's {5,1,1} → AABACAA), a domain rule api.example.com → rsp-api
 * (weights 4/3/2 → ABCABACBA), a wildcard rule *.img.example.com with a URL rule /thumbs → rsp-img,
 * a URL-only rule /static → rsp-img, and a default pool on BackendServerPort 80.
 */
import { fold } from '../../src/topology/apply.js';
import type { ActionParams, TopologyEvent } from '../../src/topology/events.js';
import type { TopologyState } from '../../src/topology/types.js';

export function ev(action: TopologyEvent['action'], params: ActionParams): TopologyEvent {
  return { action, params };
}

const ecs = (id: string, ip: string) =>
  ev('CreateInstance', { InstanceId: id, RegionId: 'cn-hangzhou', VpcId: 'vpc-1', PrivateIpAddress: ip });

export function liveEvents(listener: ActionParams = {}): TopologyEvent[] {
  return [
    ecs('i-a', '10.0.0.11'),
    ecs('i-b', '10.0.0.12'),
    ecs('i-c', '10.0.0.13'),
    ev('CreateLoadBalancer', {
      LoadBalancerId: 'lb-live',
      RegionId: 'cn-hangzhou',
      AddressType: 'intranet',
      VpcId: 'vpc-1',
    }),
    ev('AddBackendServers', {
      LoadBalancerId: 'lb-live',
      BackendServers: [
        { ServerId: 'i-b', Weight: 1 },
        { ServerId: 'i-c', Weight: 1 },
      ],
    }),
    ev('CreateVServerGroup', {
      LoadBalancerId: 'lb-live',
      VServerGroupId: 'rsp-web',
      VServerGroupName: 'web',
      BackendServers: [
        { ServerId: 'i-a', Port: 8080, Weight: 5 },
        { ServerId: 'i-b', Port: 8080, Weight: 1 },
        { ServerId: 'i-c', Port: 8080, Weight: 1 },
      ],
    }),
    ev('CreateVServerGroup', {
      LoadBalancerId: 'lb-live',
      VServerGroupId: 'rsp-api',
      VServerGroupName: 'api',
      BackendServers: [
        { ServerId: 'i-a', Port: 9090, Weight: 4 },
        { ServerId: 'i-b', Port: 9090, Weight: 3 },
        { ServerId: 'i-c', Port: 9090, Weight: 2 },
      ],
    }),
    ev('CreateVServerGroup', {
      LoadBalancerId: 'lb-live',
      VServerGroupId: 'rsp-img',
      VServerGroupName: 'img',
      BackendServers: [
        { ServerId: 'i-b', Port: 7070, Weight: 1 },
        { ServerId: 'i-c', Port: 7070, Weight: 2 },
      ],
    }),
    ev('CreateLoadBalancerHTTPListener', {
      LoadBalancerId: 'lb-live',
      ListenerPort: 80,
      BackendServerPort: 80,
      VServerGroupId: 'rsp-web',
      HealthCheck: 'on',
      HealthCheckInterval: 1,
      HealthyThreshold: 2,
      UnhealthyThreshold: 2,
      HealthCheckTimeout: 1,
      ...listener,
    }),
    ev('CreateRules', {
      LoadBalancerId: 'lb-live',
      ListenerPort: 80,
      ListenerProtocol: 'http',
      RuleList: [
        { RuleId: 'rule-api', RuleName: 'api', Domain: 'api.example.com', VServerGroupId: 'rsp-api' },
        {
          RuleId: 'rule-thumbs',
          RuleName: 'thumbs',
          Domain: '*.img.example.com',
          Url: '/thumbs',
          VServerGroupId: 'rsp-img',
        },
        { RuleId: 'rule-static', RuleName: 'static', Url: '/static', VServerGroupId: 'rsp-img' },
      ],
    }),
    ev('StartLoadBalancerListener', {
      LoadBalancerId: 'lb-live',
      ListenerPort: 80,
      ListenerProtocol: 'http',
    }),
  ];
}

export function liveState(listener: ActionParams = {}, extra: TopologyEvent[] = []): TopologyState {
  const { state, results } = fold([...liveEvents(listener), ...extra]);
  const rejected = results.filter((r) => !r.ok);
  if (rejected.length > 0) throw new Error(`fixture rejected: ${JSON.stringify(rejected)}`);
  return state;
}

export const SERVE_ALL = [
  { ServerId: 'i-a', Port: 8080 },
  { ServerId: 'i-b', Port: 8080 },
  { ServerId: 'i-c', Port: 8080 },
  { ServerId: 'i-a', Port: 9090 },
  { ServerId: 'i-b', Port: 9090 },
  { ServerId: 'i-c', Port: 9090 },
  { ServerId: 'i-b', Port: 7070 },
  { ServerId: 'i-c', Port: 7070 },
  { ServerId: 'i-b', Port: 80 },
  { ServerId: 'i-c', Port: 80 },
];
