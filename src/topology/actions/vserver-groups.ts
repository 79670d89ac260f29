/**
 * VServer groups: `CreateVServerGroup`, `AddVServerGroupBackendServers`,
 * `RemoveVServerGroupBackendServers`, `SetVServerGroupAttribute`, `ModifyVServerGroupBackendServers`,
 * `DeleteVServerGroup` (clb-semantics.md §1.4).
 *
 * Entry order is API order: creation order, additions appended. Set keeps positions; Modify
 * removes the old entries and appends the new ones (they are new real servers underneath).
 */
import {
  applyRemove,
  applySet,
  checkQuota,
  checkServers,
  describeEntry,
  type EntryInput,
  entryKey,
  names,
  readEntries,
  rejectDuplicates,
  toVServerBackend,
} from '../backend-entries.js';
import { replaceAt, withLoadBalancer } from '../edit.js';
import { idFormat, nameFormat } from '../formats.js';
import { generateId, isIdTaken } from '../ids.js';
import { listenersUsingGroup, rulesUsingGroup } from '../lookup.js';
import { fail } from '../reject.js';
import type { LoadBalancer, TopologyState, VServerBackend, VServerGroup } from '../types.js';
import { type ActionTable, requireLoadBalancer, requireVServerGroup } from './action-context.js';

function answer(group: VServerGroup) {
  return { VServerGroupId: group.VServerGroupId, BackendServers: { BackendServer: group.BackendServers } };
}

function withGroup(state: TopologyState, lb: LoadBalancer, group: VServerGroup): TopologyState {
  const i = lb.VServerGroups.findIndex((g) => g.VServerGroupId === group.VServerGroupId);
  return withLoadBalancer(state, { ...lb, VServerGroups: replaceAt(lb.VServerGroups, i, group) });
}

/** Store a changed group after the quota check. */
function commit(state: TopologyState, lb: LoadBalancer, group: VServerGroup, param: string) {
  const i = lb.VServerGroups.findIndex((g) => g.VServerGroupId === group.VServerGroupId);
  checkQuota({ ...lb, VServerGroups: replaceAt(lb.VServerGroups, i, group) }, param);
  return { state: withGroup(state, lb, group), response: answer(group) };
}

/** Reject new entries that are already in the group. */
function rejectExisting(group: VServerGroup, entries: readonly EntryInput[]): void {
  const existing = new Set(group.BackendServers.map(entryKey));
  for (const e of entries)
    if (existing.has(entryKey(e)))
      fail(
        'BackendServer.AlreadyExists',
        `${e.path}: ${describeEntry(e)} is already in VServer group ${group.VServerGroupId}; use SetVServerGroupAttribute to change its weight.`,
        `${e.path}.ServerId`,
      );
}

export const vServerGroupActions: ActionTable = {
  CreateVServerGroup: {
    params: ['RegionId', 'LoadBalancerId', 'VServerGroupId', 'VServerGroupName', 'BackendServers'],
    run(state, p) {
      const lb = requireLoadBalancer(state, p);
      const givenId = p.str('VServerGroupId', idFormat);
      const name = p.str('VServerGroupName', nameFormat);
      const entries =
        readEntries(p, 'BackendServers', 'vserver', 'add', { required: false, allowEmpty: true }) ?? [];
      rejectDuplicates(entries);
      if (givenId !== undefined && isIdTaken(state, 'rsp', givenId))
        fail(
          'InvalidVServerGroupId.AlreadyExists',
          `A server group with id ${givenId} already exists.`,
          'VServerGroupId',
        );
      checkServers(state, lb, entries);
      let nextId = state.nextId;
      let VServerGroupId = givenId;
      if (VServerGroupId === undefined) ({ id: VServerGroupId, nextId } = generateId(state, 'rsp', nextId));
      const group: VServerGroup = {
        VServerGroupId,
        VServerGroupName: name ?? VServerGroupId,
        LoadBalancerId: lb.LoadBalancerId,
        BackendServers: entries.map(toVServerBackend),
      };
      const next: LoadBalancer = { ...lb, VServerGroups: [...lb.VServerGroups, group] };
      checkQuota(next, 'BackendServers');
      return { state: { ...withLoadBalancer(state, next), nextId }, response: answer(group) };
    },
  },
  AddVServerGroupBackendServers: {
    params: ['RegionId', 'VServerGroupId', 'BackendServers'],
    run(state, p) {
      const { lb, group } = requireVServerGroup(state, p);
      const entries = readEntries(p, 'BackendServers', 'vserver', 'add', { required: true }) ?? [];
      rejectDuplicates(entries);
      rejectExisting(group, entries);
      checkServers(state, lb, entries);
      const next = { ...group, BackendServers: [...group.BackendServers, ...entries.map(toVServerBackend)] };
      return commit(state, lb, next, 'BackendServers');
    },
  },
  RemoveVServerGroupBackendServers: {
    params: ['RegionId', 'VServerGroupId', 'BackendServers'],
    run(state, p) {
      const { lb, group } = requireVServerGroup(state, p);
      const entries = readEntries(p, 'BackendServers', 'vserver', 'remove', { required: true }) ?? [];
      const kept = applyRemove(group.BackendServers, entries);
      if (kept.length === group.BackendServers.length) return { state, response: answer(group) };
      const next = { ...group, BackendServers: kept };
      return { state: withGroup(state, lb, next), response: answer(next) };
    },
  },
  SetVServerGroupAttribute: {
    params: ['RegionId', 'VServerGroupId', 'VServerGroupName', 'BackendServers'],
    run(state, p) {
      const { lb, group } = requireVServerGroup(state, p);
      const name = p.str('VServerGroupName', nameFormat);
      const entries = readEntries(p, 'BackendServers', 'vserver', 'set', { required: false }) ?? [];
      rejectDuplicates(entries);
      const servers = applySet(group.BackendServers, entries, `VServer group ${group.VServerGroupId}`);
      const next: VServerGroup = {
        ...group,
        VServerGroupName: name ?? group.VServerGroupName,
        BackendServers: servers,
      };
      return { state: withGroup(state, lb, next), response: answer(next) };
    },
  },
  ModifyVServerGroupBackendServers: {
    params: ['RegionId', 'VServerGroupId', 'OldBackendServers', 'NewBackendServers'],
    run(state, p) {
      const { lb, group } = requireVServerGroup(state, p);
      const olds = readEntries(p, 'OldBackendServers', 'vserver', 'remove', { required: true }) ?? [];
      const news = readEntries(p, 'NewBackendServers', 'vserver', 'add', { required: true }) ?? [];
      rejectDuplicates(olds);
      rejectDuplicates(news);
      for (const e of olds)
        if (!group.BackendServers.some((x) => names(x, e)))
          fail(
            'BackendServer.NotFound',
            `${e.path}: ${describeEntry(e)} is not in VServer group ${group.VServerGroupId}.`,
            `${e.path}.ServerId`,
          );
      const kept: VServerBackend[] = applyRemove(group.BackendServers, olds);
      rejectExisting({ ...group, BackendServers: kept }, news);
      checkServers(state, lb, news);
      const next = { ...group, BackendServers: [...kept, ...news.map(toVServerBackend)] };
      return commit(state, lb, next, 'NewBackendServers');
    },
  },
  DeleteVServerGroup: {
    params: ['RegionId', 'VServerGroupId'],
    run(state, p) {
      const { lb, group } = requireVServerGroup(state, p);
      const id = group.VServerGroupId;
      const listeners = listenersUsingGroup(lb, id);
      if (listeners.length)
        fail(
          'RspoolVipExist',
          `There are vips associating with this vServer group: ${id} is used by listener ${listeners
            .map((l) => `${l.ListenerProtocol}:${l.ListenerPort}`)
            .join(', ')}.`,
          'VServerGroupId',
        );
      const rules = rulesUsingGroup(lb, id);
      if (rules.length)
        fail(
          'RspoolRuleExist',
          `There are rules associating with this vServer group: ${id} is used by rule ${rules
            .map((r) => `${r.rule.RuleId} (${r.rule.RuleName})`)
            .join(', ')}.`,
          'VServerGroupId',
        );
      const next: LoadBalancer = { ...lb, VServerGroups: lb.VServerGroups.filter((g) => g !== group) };
      return { state: withLoadBalancer(state, next), response: {} };
    },
  },
};
