import { describe, expect, test } from 'vitest';
import { findLoadBalancer } from '../../../src/topology/lookup.js';
import { WORLD } from '../fixtures.js';
import { ev, given } from '../gwt.js';

const add = (LoadBalancerId: string, BackendServers: unknown) =>
  ev('AddBackendServers', { LoadBalancerId, BackendServers: BackendServers as never });

describe('AddBackendServers (default pool)', () => {
  test('Given a VPC LB, When ECS are added, Then they are appended in API order with Weight default 100', () => {
    given(WORLD, add('lb-1', [{ ServerId: 'i-2', Weight: 10 }]))
      .when('AddBackendServers', {
        LoadBalancerId: 'lb-1',
        BackendServers: [
          { ServerId: 'i-3', Description: '前端' },
          { ServerId: 'i-1', Weight: '0' },
        ],
      })
      .then((state, response) => {
        expect(findLoadBalancer(state, 'lb-1')?.BackendServers).toEqual([
          { ServerId: 'i-2', Weight: 10, Type: 'ecs' },
          { ServerId: 'i-3', Weight: 100, Type: 'ecs', Description: '前端' },
          { ServerId: 'i-1', Weight: 0, Type: 'ecs' },
        ]);
        expect(response).toEqual({
          LoadBalancerId: 'lb-1',
          BackendServers: {
            BackendServer: [
              { ServerId: 'i-3', Weight: 100, Type: 'ecs', Description: '前端' },
              { ServerId: 'i-1', Weight: 0, Type: 'ecs' },
            ],
          },
        });
      });
  });
  test('BackendServers as the JSON string the API takes, with numeric strings', () => {
    given(WORLD)
      .when('AddBackendServers', {
        LoadBalancerId: 'lb-1',
        BackendServers: '[{"ServerId":"i-1","Weight":"70","Type":"ecs"}]',
      })
      .then((state) =>
        expect(findLoadBalancer(state, 'lb-1')?.BackendServers).toEqual([
          { ServerId: 'i-1', Weight: 70, Type: 'ecs' },
        ]),
      );
  });
  test('identical entries inside one request are de-duplicated, the first kept', () => {
    given(WORLD)
      .when('AddBackendServers', {
        LoadBalancerId: 'lb-1',
        BackendServers: [{ ServerId: 'i-1', Weight: 5 }, { ServerId: 'i-2' }, { ServerId: 'i-1', Weight: 9 }],
      })
      .then((state) =>
        expect(findLoadBalancer(state, 'lb-1')?.BackendServers).toEqual([
          { ServerId: 'i-1', Weight: 5, Type: 'ecs' },
          { ServerId: 'i-2', Weight: 100, Type: 'ecs' },
        ]),
      );
  });
  test('a server already in the pool is an error', () => {
    given(WORLD, add('lb-1', [{ ServerId: 'i-1' }]))
      .when('AddBackendServers', {
        LoadBalancerId: 'lb-1',
        BackendServers: [{ ServerId: 'i-2' }, { ServerId: 'i-1' }],
      })
      .rejects('BackendServer.AlreadyExists', 'BackendServers[1].ServerId');
  });
  test('entries have no Port', () => {
    given(WORLD)
      .when('AddBackendServers', { LoadBalancerId: 'lb-1', BackendServers: [{ ServerId: 'i-1', Port: 80 }] })
      .rejects('InvalidParameter', 'BackendServers[0].Port');
  });
  test('Weight is 0–100 (InvalidWeight.Malformed at the entry path)', () => {
    given(WORLD)
      .when('AddBackendServers', {
        LoadBalancerId: 'lb-1',
        BackendServers: [{ ServerId: 'i-1' }, { ServerId: 'i-2', Weight: 101 }],
      })
      .rejects('InvalidWeight.Malformed', 'BackendServers[1].Weight');
    given(WORLD)
      .when('AddBackendServers', {
        LoadBalancerId: 'lb-1',
        BackendServers: [{ ServerId: 'i-1', Weight: -1 }],
      })
      .rejects('InvalidWeight.Malformed', 'BackendServers[0].Weight');
  });
  test('a misspelt entry key is rejected with its path', () => {
    given(WORLD)
      .when('AddBackendServers', {
        LoadBalancerId: 'lb-1',
        BackendServers: [{ ServerId: 'i-1', Wieght: 5 }] as never,
      })
      .rejects('InvalidParameter', 'BackendServers[0].Wieght');
  });
  test('malformed lists', () => {
    given(WORLD)
      .when('AddBackendServers', { LoadBalancerId: 'lb-1', BackendServers: '[{"ServerId":' })
      .rejects('BackendServersMalformed', 'BackendServers');
    given(WORLD)
      .when('AddBackendServers', { LoadBalancerId: 'lb-1', BackendServers: [] })
      .rejects('BackendServersMalformed', 'BackendServers');
    given(WORLD)
      .when('AddBackendServers', { LoadBalancerId: 'lb-1', BackendServers: ['i-1'] as never })
      .rejects('BackendServersMalformed', 'BackendServers[0]');
    given(WORLD)
      .when('AddBackendServers', { LoadBalancerId: 'lb-1' })
      .rejects('MissingParameter', 'BackendServers');
    given(WORLD)
      .when('AddBackendServers', { LoadBalancerId: 'lb-1', BackendServers: [{ Weight: 1 }] as never })
      .rejects('MissingParameter', 'BackendServers[0].ServerId');
  });
  test('an unknown load balancer', () => {
    given(WORLD)
      .when('AddBackendServers', { LoadBalancerId: 'lb-x', BackendServers: [{ ServerId: 'i-1' }] })
      .rejects('InvalidLoadBalancerId.NotFound', 'LoadBalancerId');
  });
});

describe('SetBackendServers', () => {
  test('changes weights and descriptions of existing entries, in place', () => {
    given(WORLD, add('lb-1', [{ ServerId: 'i-1' }, { ServerId: 'i-2', Description: 'a' }]))
      .when('SetBackendServers', {
        LoadBalancerId: 'lb-1',
        BackendServers: [
          { ServerId: 'i-2', Weight: '20' },
          { ServerId: 'i-1', Description: 'b' },
        ],
      })
      .then((state, response) => {
        expect(findLoadBalancer(state, 'lb-1')?.BackendServers).toEqual([
          { ServerId: 'i-1', Weight: 100, Type: 'ecs', Description: 'b' },
          { ServerId: 'i-2', Weight: 20, Type: 'ecs', Description: 'a' },
        ]);
        expect((response.BackendServers as { BackendServer: unknown[] }).BackendServer).toHaveLength(2);
      });
  });
  test('an entry not in the pool is BackendServer.NotFound', () => {
    given(WORLD, add('lb-1', [{ ServerId: 'i-1' }]))
      .when('SetBackendServers', {
        LoadBalancerId: 'lb-1',
        BackendServers: [
          { ServerId: 'i-1', Weight: 1 },
          { ServerId: 'i-3', Weight: 1 },
        ],
      })
      .rejects('BackendServer.NotFound', 'BackendServers[1].ServerId');
  });
  test('the same server twice in one call is rejected', () => {
    given(WORLD, add('lb-1', [{ ServerId: 'i-1' }]))
      .when('SetBackendServers', {
        LoadBalancerId: 'lb-1',
        BackendServers: [
          { ServerId: 'i-1', Weight: 1 },
          { ServerId: 'i-1', Weight: 2 },
        ],
      })
      .rejects('BackendServer.Duplicated', 'BackendServers[1].ServerId');
  });
});

describe('RemoveBackendServers', () => {
  test('removes the named servers and ignores absent ones', () => {
    given(WORLD, add('lb-1', [{ ServerId: 'i-1' }, { ServerId: 'i-2' }, { ServerId: 'i-3' }]))
      .when('RemoveBackendServers', {
        LoadBalancerId: 'lb-1',
        BackendServers: [{ ServerId: 'i-2' }, { ServerId: 'i-4' }],
      })
      .then((state, response) => {
        expect(findLoadBalancer(state, 'lb-1')?.BackendServers.map((s) => s.ServerId)).toEqual([
          'i-1',
          'i-3',
        ]);
        expect(response).toEqual({
          LoadBalancerId: 'lb-1',
          BackendServers: { BackendServer: findLoadBalancer(state, 'lb-1')?.BackendServers },
        });
      });
  });
  test('removing only absent servers is a no-op that keeps the very same state', () => {
    const g = given(WORLD, add('lb-1', [{ ServerId: 'i-1' }]));
    expect(
      g
        .when('RemoveBackendServers', { LoadBalancerId: 'lb-1', BackendServers: [{ ServerId: 'i-4' }] })
        .then(),
    ).toBe(g.state);
  });
});
