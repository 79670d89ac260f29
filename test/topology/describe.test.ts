import { describe, expect, test } from 'vitest';
import { describeState } from '../../src/topology/describe.js';
import { EMPTY_STATE } from '../../src/topology/types.js';
import { GROUP, HTTP_80, MS_GROUP, WORLD } from './fixtures.js';
import { ev, given } from './gwt.js';

const STATE = given(
  WORLD,
  ev('AddBackendServers', {
    LoadBalancerId: 'lb-1',
    BackendServers: [{ ServerId: 'i-4', Weight: 30, Description: 'pool' }],
  }),
  GROUP,
  HTTP_80,
  ev('CreateRules', {
    LoadBalancerId: 'lb-1',
    ListenerPort: 80,
    RuleList: [
      {
        RuleId: 'rule-1',
        RuleName: 'api',
        Domain: 'api.example.com',
        Url: '/v1',
        VServerGroupId: 'rsp-1',
        ListenerSync: 'off',
        Scheduler: 'rr',
        CookieTimeout: 30,
      },
    ],
  }),
  ev('StartLoadBalancerListener', { LoadBalancerId: 'lb-1', ListenerPort: 80 }),
  ev('CreateLoadBalancerTCPListener', {
    LoadBalancerId: 'lb-1',
    ListenerPort: 443,
    BackendServerPort: 8443,
    PersistenceTimeout: 60,
    Description: 'tls',
  }),
  MS_GROUP,
  ev('CreateLoadBalancerUDPListener', {
    LoadBalancerId: 'lb-g',
    ListenerPort: 53,
    MasterSlaveServerGroupId: 'msg-1',
  }),
).state;

describe('describeState', () => {
  test('an empty topology', () => {
    expect(describeState(EMPTY_STATE)).toEqual({ LoadBalancers: [] });
  });

  test('each load balancer is shaped like DescribeLoadBalancerAttribute plus groups and listeners', () => {
    const lb = describeState(STATE).LoadBalancers[0];
    expect(Object.keys(lb)).toEqual([
      'LoadBalancerId',
      'LoadBalancerName',
      'RegionId',
      'Address',
      'AddressType',
      'NetworkType',
      'VpcId',
      'LoadBalancerStatus',
      'ListenerPortsAndProtocol',
      'BackendServers',
      'VServerGroups',
      'MasterSlaveServerGroups',
      'Listeners',
    ]);
    expect(lb).toMatchObject({
      LoadBalancerId: 'lb-1',
      Address: '10.254.0.1',
      AddressType: 'intranet',
      NetworkType: 'vpc',
      VpcId: 'vpc-1',
      LoadBalancerStatus: 'active',
    });
    expect(lb.ListenerPortsAndProtocol).toEqual({
      ListenerPortAndProtocol: [
        { ListenerPort: 80, ListenerProtocol: 'http' },
        { ListenerPort: 443, ListenerProtocol: 'tcp', Description: 'tls' },
      ],
    });
    expect(lb.BackendServers).toEqual({
      BackendServer: [{ ServerId: 'i-4', Weight: 30, Type: 'ecs', Description: 'pool' }],
    });
    expect(lb.VServerGroups).toEqual([
      {
        VServerGroupId: 'rsp-1',
        VServerGroupName: 'web',
        LoadBalancerId: 'lb-1',
        BackendServers: {
          BackendServer: [
            { ServerId: 'i-1', Port: 80, Weight: 100, Type: 'ecs' },
            { ServerId: 'i-2', Port: 80, Weight: 100, Type: 'ecs' },
          ],
        },
      },
    ]);
  });

  test('listeners: flat Describe…ListenerAttribute fields, rules under Rules.Rule[]', () => {
    const [http, tcp] = describeState(STATE).LoadBalancers[0].Listeners as Record<string, unknown>[];
    expect(http).toEqual({
      ListenerPort: 80,
      ListenerProtocol: 'http',
      Status: 'running',
      Scheduler: 'wrr',
      VServerGroupId: 'rsp-1',
      StickySession: 'off',
      HealthCheck: 'on',
      HealthyThreshold: 3,
      UnhealthyThreshold: 3,
      HealthCheckTimeout: 5,
      HealthCheckInterval: 2,
      Rules: {
        Rule: [
          {
            RuleId: 'rule-1',
            RuleName: 'api',
            Domain: 'api.example.com',
            Url: '/v1',
            VServerGroupId: 'rsp-1',
            ListenerSync: 'off',
            Scheduler: 'rr',
            CookieTimeout: 30,
          },
        ],
      },
    });
    expect(tcp).toEqual({
      ListenerPort: 443,
      ListenerProtocol: 'tcp',
      BackendServerPort: 8443,
      Status: 'stopped',
      Scheduler: 'wrr',
      PersistenceTimeout: 60,
      HealthCheck: 'on',
      HealthCheckType: 'tcp',
      HealthyThreshold: 3,
      UnhealthyThreshold: 3,
      HealthCheckConnectTimeout: 5,
      HealthCheckInterval: 2,
      Description: 'tls',
    });
  });

  test('primary/secondary groups and their listeners', () => {
    const lbg = describeState(STATE).LoadBalancers[1];
    expect(lbg.LoadBalancerSpec).toBe('slb.s2.small');
    expect(lbg.MasterSlaveServerGroups).toEqual([
      {
        MasterSlaveServerGroupId: 'msg-1',
        MasterSlaveServerGroupName: 'msg-1',
        LoadBalancerId: 'lb-g',
        MasterSlaveBackendServers: {
          MasterSlaveBackendServer: [
            { ServerId: 'i-1', Port: 80, Weight: 100, ServerType: 'Master', Type: 'ecs' },
            { ServerId: 'i-2', Port: 80, Weight: 100, ServerType: 'Slave', Type: 'ecs' },
          ],
        },
      },
    ]);
    expect((lbg.Listeners as Record<string, unknown>[])[0]).toMatchObject({
      ListenerProtocol: 'udp',
      MasterSlaveServerGroupId: 'msg-1',
      HealthCheckType: 'udp',
    });
  });

  test('is plain JSON and deterministic', () => {
    const a = JSON.stringify(describeState(STATE));
    expect(JSON.stringify(JSON.parse(a))).toBe(a);
    expect(JSON.stringify(describeState(STATE))).toBe(a);
  });
});
