/** The backend rules shared by every group kind: inventory, region, network, running state, limits. */
import { describe, expect, test } from 'vitest';
import type { TopologyEvent } from '../../src/topology/events.js';
import { findLoadBalancer, findVServerGroup } from '../../src/topology/lookup.js';
import { ecs, GROUP, WORLD } from './fixtures.js';
import { ev, given } from './gwt.js';

const addTo = (lb: string, ...ids: string[]) =>
  ev('AddBackendServers', { LoadBalancerId: lb, BackendServers: ids.map((ServerId) => ({ ServerId })) });
const addGroup = (group: string, ...entries: [string, number][]) =>
  ev('AddVServerGroupBackendServers', {
    VServerGroupId: group,
    BackendServers: entries.map(([ServerId, Port]) => ({ ServerId, Port })),
  });

describe('backends come from the inventory, running, in the LB region', () => {
  test('an unknown ECS is ObtainIpFail', () => {
    given(WORLD)
      .when('AddBackendServers', {
        LoadBalancerId: 'lb-1',
        BackendServers: [{ ServerId: 'i-1' }, { ServerId: 'i-nope' }],
      })
      .rejects('ObtainIpFail', 'BackendServers[1].ServerId');
  });
  test('a stopped ECS is ObtainIpFail', () => {
    given(WORLD)
      .when('CreateVServerGroup', {
        LoadBalancerId: 'lb-1',
        BackendServers: [{ ServerId: 'i-off', Port: 80 }],
      })
      .rejects('ObtainIpFail', 'BackendServers[0].ServerId');
  });
  test('an ECS stopped after it was added stays in its groups', () => {
    given(WORLD, GROUP)
      .when('StopInstance', { InstanceId: 'i-1' })
      .then((s) =>
        expect(findVServerGroup(s, 'rsp-1')?.BackendServers.map((b) => b.ServerId)).toEqual(['i-1', 'i-2']),
      );
  });
  test('an ECS of another region is ObtainIpFail', () => {
    const e = given(WORLD)
      .when('AddBackendServers', { LoadBalancerId: 'lb-1', BackendServers: [{ ServerId: 'i-bj' }] })
      .rejects('ObtainIpFail', 'BackendServers[0].ServerId');
    expect(e.message).toContain("load balancer's region");
  });
});

describe('network type and VPC', () => {
  test('a VPC LB takes ECS of its own VPC only: another VPC is InvalidBackendServers.Inconsistent', () => {
    given(WORLD)
      .when('AddBackendServers', { LoadBalancerId: 'lb-1', BackendServers: [{ ServerId: 'i-v2' }] })
      .rejects('InvalidBackendServers.Inconsistent', 'BackendServers[0].ServerId');
  });
  test('a VPC LB rejects classic ECS with InvalidParameter (network type not supported)', () => {
    given(WORLD)
      .when('AddBackendServers', { LoadBalancerId: 'lb-1', BackendServers: [{ ServerId: 'i-c1' }] })
      .rejects('InvalidParameter', 'BackendServers[0].ServerId');
  });
  test('a classic intranet LB takes classic ECS only', () => {
    given(WORLD)
      .when('AddBackendServers', {
        LoadBalancerId: 'lb-ci',
        BackendServers: [{ ServerId: 'i-c1' }, { ServerId: 'i-c2' }],
      })
      .then();
    given(WORLD)
      .when('AddBackendServers', { LoadBalancerId: 'lb-ci', BackendServers: [{ ServerId: 'i-1' }] })
      .rejects('InvalidParameter', 'BackendServers[0].ServerId');
  });
  test('a classic internet LB takes classic or VPC ECS …', () => {
    given(WORLD)
      .when('AddBackendServers', { LoadBalancerId: 'lb-net', BackendServers: [{ ServerId: 'i-c1' }] })
      .then();
    given(WORLD)
      .when('AddBackendServers', {
        LoadBalancerId: 'lb-net',
        BackendServers: [{ ServerId: 'i-1' }, { ServerId: 'i-2' }],
      })
      .then();
  });
  test('… but all its backends in one VPC or all classic (Inconsistent), within a call and across groups', () => {
    given(WORLD)
      .when('AddBackendServers', {
        LoadBalancerId: 'lb-net',
        BackendServers: [{ ServerId: 'i-1' }, { ServerId: 'i-c1' }],
      })
      .rejects('InvalidBackendServers.Inconsistent', 'BackendServers[1].ServerId');
    given(WORLD, addTo('lb-net', 'i-1'))
      .when('CreateVServerGroup', {
        LoadBalancerId: 'lb-net',
        BackendServers: [{ ServerId: 'i-v2', Port: 80 }],
      })
      .rejects('InvalidBackendServers.Inconsistent', 'BackendServers[0].ServerId');
  });
});

describe('ENI / ECI backends', () => {
  test('only on guaranteed-performance load balancers, with their ServerIp', () => {
    given(WORLD)
      .when('CreateVServerGroup', {
        LoadBalancerId: 'lb-1',
        BackendServers: [{ ServerId: 'eni-1', Type: 'eni', ServerIp: '10.0.1.5', Port: 80 }],
      })
      .rejects('InvalidParameter', 'BackendServers[0].Type');
    given(WORLD)
      .when('CreateVServerGroup', {
        LoadBalancerId: 'lb-g',
        BackendServers: [{ ServerId: 'eni-1', Type: 'eni', Port: 80 }],
      })
      .rejects('MissingParameter', 'BackendServers[0].ServerIp');
  });
  test('one ENI with several private IPs is several entries', () => {
    given(WORLD)
      .when('CreateVServerGroup', {
        LoadBalancerId: 'lb-g',
        VServerGroupId: 'rsp-eni',
        BackendServers: [
          { ServerId: 'eni-1', Type: 'eni', ServerIp: '10.0.1.5', Port: 80 },
          { ServerId: 'eni-1', Type: 'ENI', ServerIp: '10.0.1.6', Port: 80 },
        ],
      })
      .then((s) =>
        expect(findVServerGroup(s, 'rsp-eni')?.BackendServers.map((b) => b.ServerIp)).toEqual([
          '10.0.1.5',
          '10.0.1.6',
        ]),
      );
    given(WORLD)
      .when('CreateVServerGroup', {
        LoadBalancerId: 'lb-g',
        BackendServers: [
          { ServerId: 'eni-1', Type: 'eni', ServerIp: '10.0.1.5', Port: 80 },
          { ServerId: 'eni-1', Type: 'eni', ServerIp: '10.0.1.5', Port: 80 },
        ],
      })
      .rejects('BackendServer.Duplicated', 'BackendServers[1].ServerId');
  });
});

describe('limits', () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => ecs(`i-m${i}`));

  test('at most 20 entries per call (TooManyBackendServers)', () => {
    const inv = many(21);
    given(WORLD, inv)
      .when('AddBackendServers', {
        LoadBalancerId: 'lb-1',
        BackendServers: inv.map((_, i) => ({ ServerId: `i-m${i}` })),
      })
      .rejects('TooManyBackendServers', 'BackendServers');
    given(WORLD, inv)
      .when('AddBackendServers', {
        LoadBalancerId: 'lb-1',
        BackendServers: inv.slice(0, 20).map((_, i) => ({ ServerId: `i-m${i}` })),
      })
      .then((s) => expect(findLoadBalancer(s, 'lb-1')?.BackendServers).toHaveLength(20));
  });

  test('a 20-entry batch with one bad entry adds none', () => {
    const inv = many(20);
    const servers = inv.map((_, i) => ({ ServerId: `i-m${i}`, Port: 80, Weight: i === 13 ? 'heavy' : 10 }));
    const g = given(WORLD, inv, GROUP);
    g.when('AddVServerGroupBackendServers', { VServerGroupId: 'rsp-1', BackendServers: servers }).rejects(
      'InvalidParameter',
      'BackendServers[13].Weight',
    );
    expect(findVServerGroup(g.state, 'rsp-1')?.BackendServers).toHaveLength(2);
    const stoppedLast = servers.map((s, i) => ({
      ...s,
      Weight: 10,
      ServerId: i === 19 ? 'i-off' : s.ServerId,
    }));
    g.when('AddVServerGroupBackendServers', { VServerGroupId: 'rsp-1', BackendServers: stoppedLast }).rejects(
      'ObtainIpFail',
      'BackendServers[19].ServerId',
    );
  });

  test('200 distinct backend servers per load balancer, counted across all its groups', () => {
    const inv = many(201);
    const events: TopologyEvent[] = [...WORLD, ...inv];
    // 180 in the default pool, 20 more in a VServer group (one of them also in the pool).
    for (let k = 0; k < 9; k++)
      events.push(addTo('lb-1', ...Array.from({ length: 20 }, (_, i) => `i-m${k * 20 + i}`)));
    events.push(
      ev('CreateVServerGroup', {
        LoadBalancerId: 'lb-1',
        VServerGroupId: 'rsp-big',
        BackendServers: Array.from({ length: 20 }, (_, i) => ({ ServerId: `i-m${179 + i}`, Port: 80 })),
      }),
    );
    const g = given(events);
    // 199 distinct so far: adding one more is fine, the next one is over quota.
    const g2 = g.and(addGroup('rsp-big', ['i-m199', 80]));
    g2.when('AddVServerGroupBackendServers', {
      VServerGroupId: 'rsp-big',
      BackendServers: [{ ServerId: 'i-m200', Port: 80 }],
    }).rejects('QuotaExceeded.BackendServersNum', 'BackendServers');
    // The same ECS on another port is not a new server.
    g2.when('AddVServerGroupBackendServers', {
      VServerGroupId: 'rsp-big',
      BackendServers: [{ ServerId: 'i-m0', Port: 81 }],
    }).then();
  });
});
