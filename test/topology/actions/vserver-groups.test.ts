import { describe, expect, test } from 'vitest';
import { findVServerGroup } from '../../../src/topology/lookup.js';
import { GROUP, GROUP2, HTTP_80, MS_GROUP, REGION, WORLD } from '../fixtures.js';
import { ev, given } from '../gwt.js';

const entries = (state: Parameters<typeof findVServerGroup>[0], id = 'rsp-1') =>
  findVServerGroup(state, id)?.BackendServers.map((b) => `${b.ServerId}:${b.Port}w${b.Weight}`);

describe('CreateVServerGroup', () => {
  test('Given a VPC LB, When a group is created, Then it holds the entries in API order', () => {
    given(WORLD)
      .when('CreateVServerGroup', {
        LoadBalancerId: 'lb-1',
        RegionId: REGION,
        VServerGroupName: 'api',
        BackendServers: [
          { ServerId: 'i-1', Port: 8080, Weight: 50 },
          { ServerId: 'i-2', Port: '8081', Weight: '100' },
        ],
      })
      .then((state, response) => {
        const g = findVServerGroup(state, 'rsp-sim1');
        expect(g).toEqual({
          VServerGroupId: 'rsp-sim1',
          VServerGroupName: 'api',
          LoadBalancerId: 'lb-1',
          BackendServers: [
            { ServerId: 'i-1', Port: 8080, Weight: 50, Type: 'ecs' },
            { ServerId: 'i-2', Port: 8081, Weight: 100, Type: 'ecs' },
          ],
        });
        expect(response).toEqual({
          VServerGroupId: 'rsp-sim1',
          BackendServers: { BackendServer: g?.BackendServers },
        });
        expect(state.nextId).toBe(2);
      });
  });
  test('an empty group is allowed (servers may be attached later); its name defaults to its id', () => {
    given(WORLD)
      .when('CreateVServerGroup', { LoadBalancerId: 'lb-1', VServerGroupId: 'rsp-e' })
      .then((s) =>
        expect(findVServerGroup(s, 'rsp-e')).toMatchObject({ VServerGroupName: 'rsp-e', BackendServers: [] }),
      );
  });
  test('the same ECS on different ports in one group: allowed', () => {
    given(WORLD)
      .when('CreateVServerGroup', {
        LoadBalancerId: 'lb-1',
        VServerGroupId: 'rsp-p',
        BackendServers: [
          { ServerId: 'i-1', Port: 80 },
          { ServerId: 'i-1', Port: 81 },
        ],
      })
      .then((s) => expect(entries(s, 'rsp-p')).toEqual(['i-1:80w100', 'i-1:81w100']));
  });
  test('the same ECS and port twice in one call: rejected', () => {
    given(WORLD)
      .when('CreateVServerGroup', {
        LoadBalancerId: 'lb-1',
        BackendServers: [
          { ServerId: 'i-1', Port: 80 },
          { ServerId: 'i-2', Port: 80 },
          { ServerId: 'i-1', Port: '80' },
        ],
      })
      .rejects('BackendServer.Duplicated', 'BackendServers[2].ServerId');
  });
  test('one ECS in many groups: allowed', () => {
    given(WORLD, GROUP)
      .when('CreateVServerGroup', {
        LoadBalancerId: 'lb-1',
        VServerGroupId: 'rsp-x',
        BackendServers: [{ ServerId: 'i-1', Port: 80 }],
      })
      .then((s) => expect(entries(s, 'rsp-x')).toEqual(['i-1:80w100']));
  });
  test('Port is required and 1–65535', () => {
    given(WORLD)
      .when('CreateVServerGroup', { LoadBalancerId: 'lb-1', BackendServers: [{ ServerId: 'i-1' }] })
      .rejects('MissingParameter', 'BackendServers[0].Port');
    given(WORLD)
      .when('CreateVServerGroup', { LoadBalancerId: 'lb-1', BackendServers: [{ ServerId: 'i-1', Port: 0 }] })
      .rejects('InvalidParameter', 'BackendServers[0].Port');
    given(WORLD)
      .when('CreateVServerGroup', {
        LoadBalancerId: 'lb-1',
        BackendServers: [{ ServerId: 'i-1', Port: 65536 }],
      })
      .rejects('InvalidParameter', 'BackendServers[0].Port');
    given(WORLD)
      .when('CreateVServerGroup', {
        LoadBalancerId: 'lb-1',
        BackendServers: [{ ServerId: 'i-1', Port: 65535 }],
      })
      .then();
  });
  test('a duplicate simulator id is rejected, also against primary/secondary groups', () => {
    given(WORLD, GROUP)
      .when('CreateVServerGroup', { LoadBalancerId: 'lb-1', VServerGroupId: 'rsp-1' })
      .rejects('InvalidVServerGroupId.AlreadyExists', 'VServerGroupId');
    given(WORLD, MS_GROUP)
      .when('CreateVServerGroup', { LoadBalancerId: 'lb-1', VServerGroupId: 'msg-1' })
      .rejects('InvalidVServerGroupId.AlreadyExists', 'VServerGroupId');
  });
  test('VServerGroupName and Description formats', () => {
    given(WORLD)
      .when('CreateVServerGroup', { LoadBalancerId: 'lb-1', VServerGroupName: 'a b' })
      .rejects('InvalidParameter', 'VServerGroupName');
    given(WORLD)
      .when('CreateVServerGroup', {
        LoadBalancerId: 'lb-1',
        BackendServers: [{ ServerId: 'i-1', Port: 80, Description: 'x'.repeat(81) }],
      })
      .rejects('InvalidParameter', 'BackendServers[0].Description');
  });
});

describe('AddVServerGroupBackendServers', () => {
  test('appends entries', () => {
    given(WORLD, GROUP)
      .when('AddVServerGroupBackendServers', {
        VServerGroupId: 'rsp-1',
        BackendServers: '[{"ServerId":"i-3","Port":"80","Weight":"5"},{"ServerId":"i-1","Port":81}]',
      })
      .then((s, r) => {
        expect(entries(s)).toEqual(['i-1:80w100', 'i-2:80w100', 'i-3:80w5', 'i-1:81w100']);
        expect(r.VServerGroupId).toBe('rsp-1');
      });
  });
  test('an entry already in the group is rejected', () => {
    given(WORLD, GROUP)
      .when('AddVServerGroupBackendServers', {
        VServerGroupId: 'rsp-1',
        BackendServers: [
          { ServerId: 'i-3', Port: 80 },
          { ServerId: 'i-2', Port: 80 },
        ],
      })
      .rejects('BackendServer.AlreadyExists', 'BackendServers[1].ServerId');
  });
  test('an unknown group is InvalidParameter with HTTP 404', () => {
    const e = given(WORLD)
      .when('AddVServerGroupBackendServers', {
        VServerGroupId: 'rsp-9',
        BackendServers: [{ ServerId: 'i-1', Port: 80 }],
      })
      .rejects('InvalidParameter', 'VServerGroupId');
    expect(e.httpStatus).toBe(404);
    expect(e.message).toBe('The specified VServerGroupId rsp-9 does not exist.');
    given(WORLD, GROUP)
      .when('AddVServerGroupBackendServers', {
        VServerGroupId: 'rsp-1',
        RegionId: 'cn-beijing',
        BackendServers: [{ ServerId: 'i-1', Port: 80 }],
      })
      .rejects('InvalidParameter', 'RegionId');
  });
});

describe('RemoveVServerGroupBackendServers', () => {
  test('removes the named entries (ServerId + Port)', () => {
    given(WORLD, GROUP)
      .when('RemoveVServerGroupBackendServers', {
        VServerGroupId: 'rsp-1',
        BackendServers: [{ ServerId: 'i-1', Port: 80, Weight: 100 }],
      })
      .then((s) => expect(entries(s)).toEqual(['i-2:80w100']));
  });
  test('absent entries: silent no-op (same state)', () => {
    const g = given(WORLD, GROUP);
    expect(
      g
        .when('RemoveVServerGroupBackendServers', {
          VServerGroupId: 'rsp-1',
          BackendServers: [
            { ServerId: 'i-1', Port: 81 },
            { ServerId: 'i-9', Port: 80 },
          ],
        })
        .then(),
    ).toBe(g.state);
  });
});

describe('SetVServerGroupAttribute', () => {
  test('changes only the name, weights and descriptions of existing entries, keeping order', () => {
    given(WORLD, GROUP)
      .when('SetVServerGroupAttribute', {
        VServerGroupId: 'rsp-1',
        VServerGroupName: 'web2',
        BackendServers: [{ ServerId: 'i-2', Port: 80, Weight: 0, Description: 'drain' }],
      })
      .then((s) => {
        expect(findVServerGroup(s, 'rsp-1')).toMatchObject({ VServerGroupName: 'web2' });
        expect(findVServerGroup(s, 'rsp-1')?.BackendServers[1]).toEqual({
          ServerId: 'i-2',
          Port: 80,
          Weight: 0,
          Type: 'ecs',
          Description: 'drain',
        });
        expect(entries(s)).toEqual(['i-1:80w100', 'i-2:80w0']);
      });
  });
  test('a Weight left out keeps the current weight', () => {
    given(
      WORLD,
      GROUP,
      ev('SetVServerGroupAttribute', {
        VServerGroupId: 'rsp-1',
        BackendServers: [{ ServerId: 'i-1', Port: 80, Weight: 7 }],
      }),
    )
      .when('SetVServerGroupAttribute', {
        VServerGroupId: 'rsp-1',
        BackendServers: [{ ServerId: 'i-1', Port: 80, Description: 'x' }],
      })
      .then((s) => expect(entries(s)).toEqual(['i-1:80w7', 'i-2:80w100']));
  });
  test('cannot add entries: an entry not in the group is BackendServer.NotFound', () => {
    given(WORLD, GROUP)
      .when('SetVServerGroupAttribute', {
        VServerGroupId: 'rsp-1',
        BackendServers: [{ ServerId: 'i-1', Port: 8080, Weight: 5 }],
      })
      .rejects('BackendServer.NotFound', 'BackendServers[0].ServerId');
  });
  test('Weight out of range', () => {
    given(WORLD, GROUP)
      .when('SetVServerGroupAttribute', {
        VServerGroupId: 'rsp-1',
        BackendServers: [{ ServerId: 'i-1', Port: 80, Weight: '150' }],
      })
      .rejects('InvalidWeight.Malformed', 'BackendServers[0].Weight');
  });
});

describe('ModifyVServerGroupBackendServers', () => {
  test('replaces old entries with new ones (old removed, new appended)', () => {
    given(WORLD, GROUP)
      .when('ModifyVServerGroupBackendServers', {
        VServerGroupId: 'rsp-1',
        OldBackendServers: [{ ServerId: 'i-1', Port: 80 }],
        NewBackendServers: '[{"ServerId":"i-3","Port":"8080","Weight":"30"}]',
      })
      .then((s) => expect(entries(s)).toEqual(['i-2:80w100', 'i-3:8080w30']));
  });
  test('an old entry may come back with a new weight', () => {
    given(WORLD, GROUP)
      .when('ModifyVServerGroupBackendServers', {
        VServerGroupId: 'rsp-1',
        OldBackendServers: [{ ServerId: 'i-1', Port: 80 }],
        NewBackendServers: [{ ServerId: 'i-1', Port: 80, Weight: 1 }],
      })
      .then((s) => expect(entries(s)).toEqual(['i-2:80w100', 'i-1:80w1']));
  });
  test('old entries must exist; new ones must not duplicate remaining entries', () => {
    given(WORLD, GROUP)
      .when('ModifyVServerGroupBackendServers', {
        VServerGroupId: 'rsp-1',
        OldBackendServers: [{ ServerId: 'i-3', Port: 80 }],
        NewBackendServers: [{ ServerId: 'i-4', Port: 80 }],
      })
      .rejects('BackendServer.NotFound', 'OldBackendServers[0].ServerId');
    given(WORLD, GROUP)
      .when('ModifyVServerGroupBackendServers', {
        VServerGroupId: 'rsp-1',
        OldBackendServers: [{ ServerId: 'i-1', Port: 80 }],
        NewBackendServers: [{ ServerId: 'i-2', Port: 80 }],
      })
      .rejects('BackendServer.AlreadyExists', 'NewBackendServers[0].ServerId');
    given(WORLD, GROUP)
      .when('ModifyVServerGroupBackendServers', {
        VServerGroupId: 'rsp-1',
        OldBackendServers: [{ ServerId: 'i-1', Port: 80 }],
        NewBackendServers: [{ ServerId: 'i-off', Port: 80 }],
      })
      .rejects('ObtainIpFail', 'NewBackendServers[0].ServerId');
    given(WORLD, GROUP)
      .when('ModifyVServerGroupBackendServers', {
        VServerGroupId: 'rsp-1',
        OldBackendServers: [{ ServerId: 'i-1', Port: 80 }],
      })
      .rejects('MissingParameter', 'NewBackendServers');
  });
});

describe('DeleteVServerGroup', () => {
  test('an unused group is deleted', () => {
    given(WORLD, GROUP, GROUP2)
      .when('DeleteVServerGroup', { VServerGroupId: 'rsp-1' })
      .then((s) => {
        expect(findVServerGroup(s, 'rsp-1')).toBeUndefined();
        expect(findVServerGroup(s, 'rsp-2')).toBeDefined();
      });
  });
  test('in use by a listener: RspoolVipExist', () => {
    given(WORLD, GROUP, HTTP_80)
      .when('DeleteVServerGroup', { VServerGroupId: 'rsp-1' })
      .rejects('RspoolVipExist', 'VServerGroupId');
  });
  test('in use by a rule: RspoolRuleExist', () => {
    given(
      WORLD,
      GROUP,
      GROUP2,
      HTTP_80,
      ev('CreateRules', {
        LoadBalancerId: 'lb-1',
        ListenerPort: 80,
        RuleList: [{ RuleName: 'r', Url: '/a', VServerGroupId: 'rsp-2' }],
      }),
    )
      .when('DeleteVServerGroup', { VServerGroupId: 'rsp-2' })
      .rejects('RspoolRuleExist', 'VServerGroupId');
  });
  test('after the listener switches it off, the group can go', () => {
    given(
      WORLD,
      GROUP,
      HTTP_80,
      ev('SetLoadBalancerHTTPListenerAttribute', {
        LoadBalancerId: 'lb-1',
        ListenerPort: 80,
        VServerGroup: 'off',
        BackendServerPort: 80,
      }),
    )
      .when('DeleteVServerGroup', { VServerGroupId: 'rsp-1' })
      .then();
  });
});
