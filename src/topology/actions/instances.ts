/**
 * The ECS side: `CreateInstance` (the simulator's way to put an ECS instance into the inventory;
 * its parameters are the DescribeInstances fields routing needs), `StartInstance`, `StopInstance`.
 * A stopped ECS stays in its server groups; routing excludes it, and it cannot be newly added.
 */

import { replaceAt } from '../edit.js';
import { idFormat, ipv4Format, regionFormat, textFormat, tokenFormat } from '../formats.js';
import { findInstance } from '../lookup.js';
import type { ParamReader } from '../params.js';
import { fail } from '../reject.js';
import type { EcsInstance, InstanceStatus, NetworkType, TopologyState } from '../types.js';
import type { ActionTable } from './action-context.js';

const STATUSES: readonly InstanceStatus[] = ['Running', 'Stopped'];
const NETWORK_TYPES: readonly NetworkType[] = ['classic', 'vpc'];

function dryRun(p: ParamReader): boolean {
  const v = p.value('DryRun');
  if (v === undefined || v === false || v === 'false') return false;
  if (v === true || v === 'true') return true;
  return fail('InvalidParameter', `DryRun must be true or false, got ${JSON.stringify(v)}.`, 'DryRun');
}

function requireInstance(state: TopologyState, p: ParamReader): number {
  const id = p.reqStr('InstanceId');
  const i = state.Instances.findIndex((x) => x.InstanceId === id);
  if (i < 0)
    fail('InvalidInstanceId.NotFound', `The specified InstanceId ${id} does not exist.`, 'InstanceId');
  return i;
}

function setStatus(status: InstanceStatus) {
  return (state: TopologyState, p: ParamReader) => {
    const i = requireInstance(state, p);
    const inst = state.Instances[i];
    const dry = dryRun(p);
    if (inst.Status === status)
      fail(
        'IncorrectInstanceStatus',
        `The current status of ECS instance ${inst.InstanceId} does not support this operation: it is already ${status}.`,
        'InstanceId',
      );
    if (dry) return { state, response: { InstanceId: inst.InstanceId, DryRun: true } };
    const next: EcsInstance = { ...inst, Status: status };
    return {
      state: { ...state, Instances: replaceAt(state.Instances, i, next) },
      response: { InstanceId: inst.InstanceId },
    };
  };
}

export const instanceActions: ActionTable = {
  CreateInstance: {
    params: [
      'InstanceId',
      'InstanceName',
      'RegionId',
      'ZoneId',
      'NetworkType',
      'VpcId',
      'Status',
      'PrivateIpAddress',
    ],
    run(state, p) {
      const InstanceId = p.reqStr('InstanceId', idFormat);
      const InstanceName = p.str('InstanceName', textFormat);
      const RegionId = p.reqStr('RegionId', regionFormat);
      const ZoneId = p.str('ZoneId', tokenFormat);
      const VpcId = p.str('VpcId', tokenFormat);
      const NetworkType = p.oneOf('NetworkType', NETWORK_TYPES, true) ?? (VpcId ? 'vpc' : 'classic');
      const Status = p.oneOf('Status', STATUSES, true) ?? 'Running';
      const PrivateIpAddress = p.str('PrivateIpAddress', ipv4Format);
      if (NetworkType === 'vpc' && VpcId === undefined) p.missing('VpcId', ' for a VPC instance');
      if (NetworkType === 'classic' && VpcId !== undefined)
        fail('InvalidParameter', `VpcId: a classic-network instance has no VPC.`, 'VpcId');
      if (findInstance(state, InstanceId))
        fail(
          'InvalidInstanceId.AlreadyExists',
          `ECS instance ${InstanceId} is already in the inventory.`,
          'InstanceId',
        );
      const inst: Record<string, unknown> = { InstanceId };
      if (InstanceName !== undefined) inst.InstanceName = InstanceName;
      inst.RegionId = RegionId;
      if (ZoneId !== undefined) inst.ZoneId = ZoneId;
      inst.NetworkType = NetworkType;
      if (VpcId !== undefined) inst.VpcId = VpcId;
      inst.Status = Status;
      if (PrivateIpAddress !== undefined) inst.PrivateIpAddress = PrivateIpAddress;
      return {
        state: { ...state, Instances: [...state.Instances, inst as unknown as EcsInstance] },
        response: { InstanceId },
      };
    },
  },
  StartInstance: { params: ['InstanceId', 'DryRun'], run: setStatus('Running') },
  StopInstance: { params: ['InstanceId', 'DryRun'], run: setStatus('Stopped') },
};
