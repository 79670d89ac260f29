/**
 * `CreateLoadBalancer` and `DeleteLoadBalancer`. A load balancer with a VpcId is a VPC instance
 * (NetworkType vpc), otherwise classic. Its Address is the given one or a deterministic one:
 * the first free address of 198.18.0.0/15 (internet; the benchmarking range, never a real host)
 * or of 10.254.0.0/16 (intranet). Deleting a load balancer removes its listeners, rules and groups.
 */

import { ipToNumber, numberToIp } from '../../util/ip.js';
import { idFormat, ipv4Format, nameFormat, regionFormat, tokenFormat } from '../formats.js';
import { generateId, isIdTaken } from '../ids.js';
import { fail } from '../reject.js';
import {
  type AddressType,
  GUARANTEED_SPECS,
  type LoadBalancer,
  type LoadBalancerSpec,
  type TopologyState,
} from '../types.js';
import { type ActionTable, requireLoadBalancer } from './action-context.js';

const ADDRESS_TYPES: readonly AddressType[] = ['internet', 'intranet'];
const INTERNET_BASE = ipToNumber('198.18.0.1') as number;
const INTRANET_BASE = ipToNumber('10.254.0.1') as number;

function freeAddress(state: TopologyState, type: AddressType): string {
  const used = new Set(state.LoadBalancers.map((lb) => lb.Address));
  const base = type === 'internet' ? INTERNET_BASE : INTRANET_BASE;
  for (let k = 0; ; k++) {
    const a = numberToIp(base + k);
    if (!used.has(a)) return a;
  }
}

export const loadBalancerActions: ActionTable = {
  CreateLoadBalancer: {
    params: [
      'RegionId',
      'LoadBalancerId',
      'LoadBalancerName',
      'AddressType',
      'VpcId',
      'VSwitchId',
      'LoadBalancerSpec',
      'Address',
    ],
    run(state, p) {
      const RegionId = p.reqStr('RegionId', regionFormat);
      const givenId = p.str('LoadBalancerId', idFormat);
      const name = p.str('LoadBalancerName', nameFormat);
      const AddressType = p.oneOf('AddressType', ADDRESS_TYPES, true) ?? 'internet';
      const VpcId = p.str('VpcId', tokenFormat);
      const VSwitchId = p.str('VSwitchId', tokenFormat);
      const spec = p.str('LoadBalancerSpec');
      const address = p.str('Address', ipv4Format);
      if (VSwitchId !== undefined && VpcId === undefined)
        p.missing('VpcId', ' with VSwitchId (the simulator has no VSwitch inventory to find its VPC)');
      if (spec !== undefined && !(GUARANTEED_SPECS as readonly string[]).includes(spec))
        fail(
          'InvalidParameter',
          `LoadBalancerSpec ${JSON.stringify(spec)} is not a guaranteed-performance specification (${GUARANTEED_SPECS.join(', ')}); leave it out for a shared-performance instance.`,
          'LoadBalancerSpec',
        );
      if (givenId !== undefined && isIdTaken(state, 'lb', givenId))
        fail(
          'InvalidLoadBalancerId.AlreadyExists',
          `A load balancer with LoadBalancerId ${givenId} already exists.`,
          'LoadBalancerId',
        );
      if (address !== undefined && state.LoadBalancers.some((lb) => lb.Address === address))
        fail(
          'InvalidParameter',
          `The specified Address ${address} is already used by another load balancer.`,
          'Address',
        );
      let nextId = state.nextId;
      let LoadBalancerId = givenId;
      if (LoadBalancerId === undefined) ({ id: LoadBalancerId, nextId } = generateId(state, 'lb', nextId));
      const lb: Record<string, unknown> = {
        LoadBalancerId,
        LoadBalancerName: name ?? LoadBalancerId,
        RegionId,
        AddressType,
        NetworkType: VpcId === undefined ? 'classic' : 'vpc',
      };
      if (VpcId !== undefined) lb.VpcId = VpcId;
      if (VSwitchId !== undefined) lb.VSwitchId = VSwitchId;
      if (spec !== undefined) lb.LoadBalancerSpec = spec as LoadBalancerSpec;
      lb.Address = address ?? freeAddress(state, AddressType);
      lb.LoadBalancerStatus = 'active';
      lb.BackendServers = [];
      lb.VServerGroups = [];
      lb.MasterSlaveServerGroups = [];
      lb.Listeners = [];
      const created = lb as unknown as LoadBalancer;
      const response: Record<string, unknown> = {
        LoadBalancerId,
        LoadBalancerName: created.LoadBalancerName,
        Address: created.Address,
        NetworkType: created.NetworkType,
      };
      if (VpcId !== undefined) response.VpcId = VpcId;
      if (VSwitchId !== undefined) response.VSwitchId = VSwitchId;
      return { state: { ...state, LoadBalancers: [...state.LoadBalancers, created], nextId }, response };
    },
  },
  DeleteLoadBalancer: {
    params: ['RegionId', 'LoadBalancerId'],
    run(state, p) {
      const lb = requireLoadBalancer(state, p);
      return {
        state: {
          ...state,
          LoadBalancers: state.LoadBalancers.filter((x) => x !== lb),
        },
        response: {},
      };
    },
  },
};
