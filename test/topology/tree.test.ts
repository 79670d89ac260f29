import { describe, expect, test } from 'vitest';
import { renderTree } from '../../src/topology/tree.js';
import { EMPTY_STATE } from '../../src/topology/types.js';
import { GROUP, HTTP_80, MS_GROUP, WORLD } from './fixtures.js';
import { ev, given } from './gwt.js';

describe('renderTree', () => {
  test('an empty topology', () => {
    expect(renderTree(EMPTY_STATE)).toBe('(no load balancers)\n');
  });

  test('load balancers with pools, groups, listeners and rules', () => {
    const state = given(
      WORLD,
      ev('AddBackendServers', {
        LoadBalancerId: 'lb-1',
        BackendServers: [{ ServerId: 'i-4', Weight: 30, Description: 'pool' }],
      }),
      GROUP,
      HTTP_80,
      ev('SetLoadBalancerHTTPListenerAttribute', {
        LoadBalancerId: 'lb-1',
        ListenerPort: 80,
        StickySession: 'on',
        StickySessionType: 'insert',
        CookieTimeout: 600,
        HealthCheckURI: '/hc',
      }),
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
          },
          {
            RuleId: 'rule-2',
            RuleName: 'own',
            Url: '/own',
            VServerGroupId: 'rsp-1',
            ListenerSync: 'off',
            Scheduler: 'rr',
          },
        ],
      }),
      ev('StartLoadBalancerListener', { LoadBalancerId: 'lb-1', ListenerPort: 80 }),
      ev('CreateLoadBalancerTCPListener', {
        LoadBalancerId: 'lb-1',
        ListenerPort: 443,
        BackendServerPort: 8443,
        PersistenceTimeout: 60,
        HealthCheckSwitch: 'off',
      }),
      ev('CreateLoadBalancerHTTPListener', {
        LoadBalancerId: 'lb-1',
        ListenerPort: 8080,
        BackendServerPort: 8080,
        StickySession: 'on',
        StickySessionType: 'server',
        Cookie: 'sid',
        Description: 'alt',
      }),
      MS_GROUP,
      ev('CreateLoadBalancerTCPListener', {
        LoadBalancerId: 'lb-g',
        ListenerPort: 22,
        MasterSlaveServerGroupId: 'msg-1',
        HealthCheckType: 'http',
        HealthCheckURI: '/',
      }),
      ev('StopInstance', { InstanceId: 'i-2' }),
    ).state;
    const lines = renderTree(state).split('\n');
    expect(lines.slice(0, 15)).toEqual([
      'lb-1 (cn-hangzhou, intranet, vpc vpc-1, 10.254.0.1, shared-performance)',
      '├── default pool (1)',
      '│   └── i-4 w30 — pool',
      '├── vserver group rsp-1 "web" (2)',
      '│   ├── i-1:80 w100',
      '│   └── i-2:80 w100 (stopped)',
      '└── listeners (3)',
      '    ├── http:80 running wrr → rsp-1 "web", sticky insert 600s, health /hc 3/3 every 2s timeout 5s',
      '    │   ├── rule api [rule-1] api.example.com /v1 → rsp-1',
      '    │   └── rule own [rule-2] /own → rsp-1 (own settings: rr)',
      '    ├── tcp:443 stopped wrr → default pool :8443, persistence 60s, health off',
      '    └── http:8080 stopped wrr → default pool :8080, sticky server cookie sid, health 3/3 every 2s timeout 5s — alt',
      '',
      'lb-g (cn-hangzhou, intranet, vpc vpc-1, 10.254.0.2, slb.s2.small)',
      '├── default pool (0)',
    ]);
    expect(lines).toContain('├── master/slave group msg-1');
    expect(lines).toContain('│   ├── master i-1:80 w100');
    expect(lines).toContain('│   └── slave i-2:80 w100 (stopped)');
    expect(lines).toContain(
      '    └── tcp:22 stopped wrr → master/slave msg-1, persistence off, health http / 3/3 every 2s timeout 5s',
    );
    expect(lines).toContain('lb-ci (cn-hangzhou, intranet, classic, 10.254.0.3, shared-performance)');
    expect(lines).toContain('lb-net (cn-hangzhou, internet, classic, 198.18.0.1, shared-performance)');
    expect(renderTree(state).endsWith('└── listeners (0)\n')).toBe(true);
  });

  test('named load balancers show their name', () => {
    const s = given(
      ev('CreateLoadBalancer', {
        RegionId: 'cn-hangzhou',
        LoadBalancerId: 'lb-x',
        LoadBalancerName: 'front',
      }),
    ).state;
    expect(renderTree(s).split('\n')[0]).toBe(
      'lb-x "front" (cn-hangzhou, internet, classic, 198.18.0.1, shared-performance)',
    );
  });
});
