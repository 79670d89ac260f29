/**
 * Primary/secondary server groups: `CreateMasterSlaveServerGroup` (exactly two entries, one
 * `Master` and one `Slave`; ServerType defaults to Master) and `DeleteMasterSlaveServerGroup`
 * (a group bound to a listener cannot be deleted: `RspoolVipExist`, as CLB documents).
 */
import {
  checkQuota,
  checkServers,
  readEntries,
  rejectDuplicates,
  toMasterSlaveBackend,
} from '../backend-entries.js';
import { withLoadBalancer } from '../edit.js';
import { idFormat, nameFormat } from '../formats.js';
import { generateId, isIdTaken } from '../ids.js';
import { listenersUsingGroup } from '../lookup.js';
import { fail } from '../reject.js';
import type { LoadBalancer, MasterSlaveServerGroup } from '../types.js';
import { type ActionTable, requireLoadBalancer } from './action-context.js';

export const masterSlaveActions: ActionTable = {
  CreateMasterSlaveServerGroup: {
    params: [
      'RegionId',
      'LoadBalancerId',
      'MasterSlaveServerGroupId',
      'MasterSlaveServerGroupName',
      'MasterSlaveBackendServers',
    ],
    run(state, p) {
      const lb = requireLoadBalancer(state, p);
      const givenId = p.str('MasterSlaveServerGroupId', idFormat);
      const name = p.str('MasterSlaveServerGroupName', nameFormat);
      const entries =
        readEntries(p, 'MasterSlaveBackendServers', 'master-slave', 'add', { required: true }) ?? [];
      if (entries.length !== 2)
        fail(
          'InvalidParameter',
          `MasterSlaveBackendServers must hold exactly two servers (one Master, one Slave), got ${entries.length}.`,
          'MasterSlaveBackendServers',
        );
      rejectDuplicates(entries);
      const masters = entries.filter((e) => e.ServerType === 'Master').length;
      if (masters !== 1)
        fail(
          'InvalidParameter',
          `MasterSlaveBackendServers must hold one Master and one Slave, got ${masters} Master and ${2 - masters} Slave (ServerType defaults to Master).`,
          `${entries[1].path}.ServerType`,
        );
      if (givenId !== undefined && isIdTaken(state, 'msg', givenId))
        fail(
          'InvalidMasterSlaveServerGroupId.AlreadyExists',
          `A server group with id ${givenId} already exists.`,
          'MasterSlaveServerGroupId',
        );
      checkServers(state, lb, entries);
      let nextId = state.nextId;
      let id = givenId;
      if (id === undefined) ({ id, nextId } = generateId(state, 'msg', nextId));
      const group: MasterSlaveServerGroup = {
        MasterSlaveServerGroupId: id,
        MasterSlaveServerGroupName: name ?? id,
        LoadBalancerId: lb.LoadBalancerId,
        MasterSlaveBackendServers: entries.map(toMasterSlaveBackend),
      };
      const next: LoadBalancer = { ...lb, MasterSlaveServerGroups: [...lb.MasterSlaveServerGroups, group] };
      checkQuota(next, 'MasterSlaveBackendServers');
      return {
        state: { ...withLoadBalancer(state, next), nextId },
        response: {
          MasterSlaveServerGroupId: id,
          MasterSlaveBackendServers: { MasterSlaveBackendServer: group.MasterSlaveBackendServers },
        },
      };
    },
  },
  DeleteMasterSlaveServerGroup: {
    params: ['RegionId', 'MasterSlaveServerGroupId'],
    run(state, p) {
      const id = p.reqStr('MasterSlaveServerGroupId');
      const region = p.str('RegionId');
      const lb = state.LoadBalancers.find(
        (x) =>
          (region === undefined || x.RegionId === region) &&
          x.MasterSlaveServerGroups.some((g) => g.MasterSlaveServerGroupId === id),
      );
      if (!lb)
        return fail(
          'InvalidMasterSlaveServerGroupId.NotFound',
          `The specified MasterSlaveServerGroupId ${id} does not exist${region ? ` in region ${region}` : ''}.`,
          'MasterSlaveServerGroupId',
        );
      const users = listenersUsingGroup(lb, id);
      if (users.length)
        fail(
          'RspoolVipExist',
          `There are vips associating with this server group: ${id} is used by listener ${users
            .map((l) => `${l.ListenerProtocol}:${l.ListenerPort}`)
            .join(', ')}.`,
          'MasterSlaveServerGroupId',
        );
      const next: LoadBalancer = {
        ...lb,
        MasterSlaveServerGroups: lb.MasterSlaveServerGroups.filter((g) => g.MasterSlaveServerGroupId !== id),
      };
      return { state: withLoadBalancer(state, next), response: {} };
    },
  },
};
