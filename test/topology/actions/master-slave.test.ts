import { describe, expect, test } from 'vitest';
import { findMasterSlaveServerGroup } from '../../../src/topology/lookup.js';
import { MS_GROUP, WORLD } from '../fixtures.js';
import { ev, given } from '../gwt.js';

const ms = (servers: unknown, extra: Record<string, unknown> = {}) => ({
  LoadBalancerId: 'lb-g',
  MasterSlaveBackendServers: servers as never,
  ...extra,
});

describe('CreateMasterSlaveServerGroup', () => {
  test('Given an LB, When a group of one Master and one Slave is created, Then it is stored with a generated id', () => {
    given(WORLD)
      .when(
        'CreateMasterSlaveServerGroup',
        ms(
          '[{"ServerId":"i-1","Port":"80"},{"ServerId":"i-2","Port":"80","ServerType":"Slave","Weight":"50"}]',
          { MasterSlaveServerGroupName: 'pair' },
        ),
      )
      .then((s, r) => {
        expect(findMasterSlaveServerGroup(s, 'msg-sim1')).toEqual({
          MasterSlaveServerGroupId: 'msg-sim1',
          MasterSlaveServerGroupName: 'pair',
          LoadBalancerId: 'lb-g',
          MasterSlaveBackendServers: [
            { ServerId: 'i-1', Port: 80, Weight: 100, ServerType: 'Master', Type: 'ecs' },
            { ServerId: 'i-2', Port: 80, Weight: 50, ServerType: 'Slave', Type: 'ecs' },
          ],
        });
        expect(r.MasterSlaveServerGroupId).toBe('msg-sim1');
      });
  });
  test('exactly two servers', () => {
    given(WORLD)
      .when('CreateMasterSlaveServerGroup', ms([{ ServerId: 'i-1', Port: 80 }]))
      .rejects('InvalidParameter', 'MasterSlaveBackendServers');
    given(WORLD)
      .when(
        'CreateMasterSlaveServerGroup',
        ms([
          { ServerId: 'i-1', Port: 80 },
          { ServerId: 'i-2', Port: 80, ServerType: 'Slave' },
          { ServerId: 'i-3', Port: 80, ServerType: 'Slave' },
        ]),
      )
      .rejects('InvalidParameter', 'MasterSlaveBackendServers');
  });
  test('one Master and one Slave (ServerType defaults to Master)', () => {
    given(WORLD)
      .when(
        'CreateMasterSlaveServerGroup',
        ms([
          { ServerId: 'i-1', Port: 80 },
          { ServerId: 'i-2', Port: 80 },
        ]),
      )
      .rejects('InvalidParameter', 'MasterSlaveBackendServers[1].ServerType');
    given(WORLD)
      .when(
        'CreateMasterSlaveServerGroup',
        ms([
          { ServerId: 'i-1', Port: 80, ServerType: 'Backup' },
          { ServerId: 'i-2', Port: 80 },
        ]),
      )
      .rejects('InvalidParameter', 'MasterSlaveBackendServers[0].ServerType');
  });
  test('the same ECS and port twice is rejected; the same ECS on two ports is allowed', () => {
    given(WORLD)
      .when(
        'CreateMasterSlaveServerGroup',
        ms([
          { ServerId: 'i-1', Port: 80 },
          { ServerId: 'i-1', Port: 80, ServerType: 'Slave' },
        ]),
      )
      .rejects('BackendServer.Duplicated', 'MasterSlaveBackendServers[1].ServerId');
    given(WORLD)
      .when(
        'CreateMasterSlaveServerGroup',
        ms([
          { ServerId: 'i-1', Port: 80 },
          { ServerId: 'i-1', Port: 81, ServerType: 'Slave' },
        ]),
      )
      .then();
  });
  test('backend checks apply (stopped ECS)', () => {
    given(WORLD)
      .when(
        'CreateMasterSlaveServerGroup',
        ms([
          { ServerId: 'i-1', Port: 80 },
          { ServerId: 'i-off', Port: 80, ServerType: 'Slave' },
        ]),
      )
      .rejects('ObtainIpFail', 'MasterSlaveBackendServers[1].ServerId');
  });
  test('a duplicate simulator id is rejected', () => {
    given(WORLD, MS_GROUP)
      .when(
        'CreateMasterSlaveServerGroup',
        ms(
          [
            { ServerId: 'i-1', Port: 80 },
            { ServerId: 'i-2', Port: 80, ServerType: 'Slave' },
          ],
          { MasterSlaveServerGroupId: 'msg-1' },
        ),
      )
      .rejects('InvalidMasterSlaveServerGroupId.AlreadyExists', 'MasterSlaveServerGroupId');
  });
});

describe('DeleteMasterSlaveServerGroup', () => {
  test('an unused group is deleted', () => {
    given(WORLD, MS_GROUP)
      .when('DeleteMasterSlaveServerGroup', { MasterSlaveServerGroupId: 'msg-1' })
      .then((s) => expect(findMasterSlaveServerGroup(s, 'msg-1')).toBeUndefined());
  });
  test('in use by a listener: RspoolVipExist', () => {
    given(
      WORLD,
      MS_GROUP,
      ev('CreateLoadBalancerTCPListener', {
        LoadBalancerId: 'lb-g',
        ListenerPort: 22,
        MasterSlaveServerGroupId: 'msg-1',
      }),
    )
      .when('DeleteMasterSlaveServerGroup', { MasterSlaveServerGroupId: 'msg-1' })
      .rejects('RspoolVipExist', 'MasterSlaveServerGroupId');
  });
  test('unknown (or in another region): not found', () => {
    given(WORLD)
      .when('DeleteMasterSlaveServerGroup', { MasterSlaveServerGroupId: 'msg-9' })
      .rejects('InvalidMasterSlaveServerGroupId.NotFound', 'MasterSlaveServerGroupId');
    given(WORLD, MS_GROUP)
      .when('DeleteMasterSlaveServerGroup', { MasterSlaveServerGroupId: 'msg-1', RegionId: 'cn-beijing' })
      .rejects('InvalidMasterSlaveServerGroupId.NotFound', 'MasterSlaveServerGroupId');
  });
});
