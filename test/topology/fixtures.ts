/**
 * A small world for topology tests: ECS instances in cn-hangzhou (VPC vpc-1 unless said otherwise),
 * and load balancers of every network kind.
 */
import type { ActionParams, TopologyEvent } from '../../src/topology/events.js';
import { ev } from './gwt.js';

export const REGION = 'cn-hangzhou';

export function ecs(id: string, extra: ActionParams = {}): TopologyEvent {
  return ev('CreateInstance', { InstanceId: id, RegionId: REGION, VpcId: 'vpc-1', ...extra });
}

/** i-1 … i-4 running in vpc-1; i-v2 in vpc-2; i-c1, i-c2 classic; i-bj in cn-beijing; i-off stopped. */
export const INVENTORY: readonly TopologyEvent[] = [
  ecs('i-1', { PrivateIpAddress: '10.0.0.1' }),
  ecs('i-2', { PrivateIpAddress: '10.0.0.2' }),
  ecs('i-3', { PrivateIpAddress: '10.0.0.3' }),
  ecs('i-4', { PrivateIpAddress: '10.0.0.4' }),
  ecs('i-v2', { VpcId: 'vpc-2' }),
  ev('CreateInstance', { InstanceId: 'i-c1', RegionId: REGION }),
  ev('CreateInstance', { InstanceId: 'i-c2', RegionId: REGION, NetworkType: 'classic' }),
  ev('CreateInstance', { InstanceId: 'i-bj', RegionId: 'cn-beijing', VpcId: 'vpc-1' }),
  ecs('i-off', { Status: 'Stopped' }),
];

/** lb-1: VPC intranet in vpc-1 (shared performance). */
export const LB_VPC = ev('CreateLoadBalancer', {
  LoadBalancerId: 'lb-1',
  RegionId: REGION,
  AddressType: 'intranet',
  VpcId: 'vpc-1',
});
/** lb-g: VPC intranet in vpc-1, guaranteed performance. */
export const LB_SPEC = ev('CreateLoadBalancer', {
  LoadBalancerId: 'lb-g',
  RegionId: REGION,
  AddressType: 'intranet',
  VpcId: 'vpc-1',
  LoadBalancerSpec: 'slb.s2.small',
});
/** lb-ci: classic intranet. */
export const LB_CLASSIC_INTRANET = ev('CreateLoadBalancer', {
  LoadBalancerId: 'lb-ci',
  RegionId: REGION,
  AddressType: 'intranet',
});
/** lb-net: classic internet. */
export const LB_INTERNET = ev('CreateLoadBalancer', { LoadBalancerId: 'lb-net', RegionId: REGION });

export const WORLD: readonly TopologyEvent[] = [
  ...INVENTORY,
  LB_VPC,
  LB_SPEC,
  LB_CLASSIC_INTRANET,
  LB_INTERNET,
];

/** A VServer group on lb-1 with i-1:80 and i-2:80. */
export const GROUP = ev('CreateVServerGroup', {
  LoadBalancerId: 'lb-1',
  VServerGroupId: 'rsp-1',
  VServerGroupName: 'web',
  BackendServers: [
    { ServerId: 'i-1', Port: 80 },
    { ServerId: 'i-2', Port: 80 },
  ],
});

/** A second VServer group on lb-1 with i-3:8080. */
export const GROUP2 = ev('CreateVServerGroup', {
  LoadBalancerId: 'lb-1',
  VServerGroupId: 'rsp-2',
  BackendServers: [{ ServerId: 'i-3', Port: 8080 }],
});

/** A primary/secondary group on lb-g. */
export const MS_GROUP = ev('CreateMasterSlaveServerGroup', {
  LoadBalancerId: 'lb-g',
  MasterSlaveServerGroupId: 'msg-1',
  MasterSlaveBackendServers: [
    { ServerId: 'i-1', Port: 80, ServerType: 'Master' },
    { ServerId: 'i-2', Port: 80, ServerType: 'Slave' },
  ],
});

/** An HTTP listener on lb-1:80 using rsp-1. */
export const HTTP_80 = ev('CreateLoadBalancerHTTPListener', {
  LoadBalancerId: 'lb-1',
  ListenerPort: 80,
  VServerGroupId: 'rsp-1',
});

/** A TCP listener on lb-1:443 on the default pool, port 8443. */
export const TCP_443 = ev('CreateLoadBalancerTCPListener', {
  LoadBalancerId: 'lb-1',
  ListenerPort: 443,
  BackendServerPort: 8443,
});
