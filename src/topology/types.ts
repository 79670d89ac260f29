/**
 * The topology vocabulary: every entity of an Alibaba Cloud CLB (formerly SLB) deployment that
 * affects where a request goes, with the OpenAPI's own field names and casing
 * (API version 2014-05-15). State values are immutable; the fold in `apply.ts` returns new objects.
 *
 * Sources: ../shared/reference/clb-semantics.md §1–3, §7; docs/MODEL.md lists every choice.
 */

import type { SchedulerName } from './scheduler-names.js';

export type { SchedulerName } from './scheduler-names.js';
export type OnOff = 'on' | 'off';
export type NetworkType = 'classic' | 'vpc';
export type AddressType = 'internet' | 'intranet';
export type InstanceStatus = 'Running' | 'Stopped';
export type BackendType = 'ecs' | 'eni' | 'eci';
export type ListenerProtocol = 'http' | 'https' | 'tcp' | 'udp';
export type ListenerStatus = 'running' | 'stopped';
export type StickySessionType = 'insert' | 'server';
export type ServerType = 'Master' | 'Slave';

/** Guaranteed-performance (性能保障型) specifications. A load balancer without one is shared-performance. */
export const GUARANTEED_SPECS = [
  'slb.s1.small',
  'slb.s2.small',
  'slb.s2.medium',
  'slb.s3.small',
  'slb.s3.medium',
  'slb.s3.large',
  'slb.s3.xlarge',
  'slb.s3.xxlarge',
  'slb.s4.large',
] as const;
export type LoadBalancerSpec = (typeof GUARANTEED_SPECS)[number];

/** An ECS instance from the inventory (DescribeInstances shape, the fields routing needs). */
export interface EcsInstance {
  readonly InstanceId: string;
  readonly InstanceName?: string;
  readonly RegionId: string;
  readonly ZoneId?: string;
  readonly NetworkType: NetworkType;
  readonly VpcId?: string;
  readonly Status: InstanceStatus;
  readonly PrivateIpAddress?: string;
}

/** An entry of the default server pool: no port, listeners use their BackendServerPort. */
export interface DefaultBackendServer {
  readonly ServerId: string;
  readonly Weight: number;
  readonly Type: BackendType;
  readonly ServerIp?: string;
  readonly Description?: string;
}

/** An entry of a VServer group: one ECS (or ENI/ECI) on one port. */
export interface VServerBackend {
  readonly ServerId: string;
  readonly Port: number;
  readonly Weight: number;
  readonly Type: BackendType;
  readonly ServerIp?: string;
  readonly Description?: string;
}

export interface VServerGroup {
  readonly VServerGroupId: string;
  readonly VServerGroupName: string;
  readonly LoadBalancerId: string;
  /** In API order: creation order, additions appended (see docs/MODEL.md, "scheduling order"). */
  readonly BackendServers: readonly VServerBackend[];
}

export interface MasterSlaveBackend {
  readonly ServerId: string;
  readonly Port: number;
  readonly Weight: number;
  readonly ServerType: ServerType;
  readonly Type: BackendType;
  readonly ServerIp?: string;
  readonly Description?: string;
}

/** A primary/secondary server group: exactly two entries, TCP/UDP listeners only. */
export interface MasterSlaveServerGroup {
  readonly MasterSlaveServerGroupId: string;
  readonly MasterSlaveServerGroupName: string;
  readonly LoadBalancerId: string;
  readonly MasterSlaveBackendServers: readonly MasterSlaveBackend[];
}

/** Health-check settings as the listener APIs name them (L7 and L4 share the names used here). */
export interface HealthCheckSettings {
  readonly HealthCheck: OnOff;
  /** L4 only: tcp | http (TCP listeners), udp (UDP listeners). */
  readonly HealthCheckType?: 'tcp' | 'http' | 'udp';
  readonly HealthCheckDomain?: string;
  readonly HealthCheckURI?: string;
  readonly HealthCheckConnectPort?: number;
  /** 2–10, default 3. */
  readonly HealthyThreshold: number;
  /** 2–10, default 3. */
  readonly UnhealthyThreshold: number;
  /** Seconds, 1–300, default 5 (L4: HealthCheckConnectTimeout). */
  readonly HealthCheckTimeout: number;
  /** Seconds, 1–50, default 2. */
  readonly HealthCheckInterval: number;
  readonly HealthCheckHttpCode?: string;
}

/** The per-rule settings that apply when ListenerSync is off. */
export interface RuleOverrides {
  readonly Scheduler?: SchedulerName;
  readonly StickySession?: OnOff;
  readonly StickySessionType?: StickySessionType;
  readonly CookieTimeout?: number;
  readonly Cookie?: string;
  readonly HealthCheck?: OnOff;
  readonly HealthCheckDomain?: string;
  readonly HealthCheckURI?: string;
  readonly HealthCheckConnectPort?: number;
  readonly HealthyThreshold?: number;
  readonly UnhealthyThreshold?: number;
  readonly HealthCheckTimeout?: number;
  readonly HealthCheckInterval?: number;
  readonly HealthCheckHttpCode?: string;
}

/** A domain/URL forwarding rule of an HTTP/HTTPS listener. */
export interface ForwardingRule extends RuleOverrides {
  readonly RuleId: string;
  readonly RuleName: string;
  /** Exact (`www.example.com`) or wildcard (`*.example.com`), stored lowercased. */
  readonly Domain?: string;
  /** Path prefix: starts with `/`, not `/` alone. */
  readonly Url?: string;
  readonly VServerGroupId: string;
  readonly ListenerSync: OnOff;
}

export interface Listener extends HealthCheckSettings {
  readonly ListenerProtocol: ListenerProtocol;
  readonly ListenerPort: number;
  /** Port of the default-pool backends; required when no VServer group is set. */
  readonly BackendServerPort?: number;
  readonly Scheduler: SchedulerName;
  /** The listener's VServer group switch (Set…ListenerAttribute `VServerGroup`). */
  readonly VServerGroup: OnOff;
  readonly VServerGroupId?: string;
  /** L4 only. */
  readonly MasterSlaveServerGroup: OnOff;
  readonly MasterSlaveServerGroupId?: string;
  /** L7 only. */
  readonly StickySession: OnOff;
  readonly StickySessionType?: StickySessionType;
  /** Seconds, 1–86400 (insert mode). */
  readonly CookieTimeout?: number;
  /** Cookie name (server mode). */
  readonly Cookie?: string;
  /** L4 only: source-IP persistence in seconds, 0 = off, 0–3600. */
  readonly PersistenceTimeout: number;
  readonly Status: ListenerStatus;
  readonly Description?: string;
  /** L7 only; in creation order. */
  readonly Rules: readonly ForwardingRule[];
}

export interface LoadBalancer {
  readonly LoadBalancerId: string;
  readonly LoadBalancerName: string;
  readonly RegionId: string;
  readonly AddressType: AddressType;
  readonly NetworkType: NetworkType;
  readonly VpcId?: string;
  readonly VSwitchId?: string;
  readonly LoadBalancerSpec?: LoadBalancerSpec;
  readonly Address: string;
  readonly LoadBalancerStatus: 'active';
  /** The default server pool, in API order. */
  readonly BackendServers: readonly DefaultBackendServer[];
  readonly VServerGroups: readonly VServerGroup[];
  readonly MasterSlaveServerGroups: readonly MasterSlaveServerGroup[];
  readonly Listeners: readonly Listener[];
}

/** The whole modelled world: the ECS inventory and the load balancers. */
export interface TopologyState {
  readonly Instances: readonly EcsInstance[];
  readonly LoadBalancers: readonly LoadBalancer[];
  /** Counter behind deterministic generated ids (lb-…, rsp-…, rule-…, msg-…). */
  readonly nextId: number;
}

export const EMPTY_STATE: TopologyState = Object.freeze({
  Instances: Object.freeze([]) as readonly EcsInstance[],
  LoadBalancers: Object.freeze([]) as readonly LoadBalancer[],
  nextId: 1,
});

/** Layer of a listener protocol: HTTP/HTTPS run on Tengine (7), TCP/UDP on LVS (4). */
export function layerOf(protocol: ListenerProtocol): 4 | 7 {
  return protocol === 'http' || protocol === 'https' ? 7 : 4;
}

/** The listener id Terraform and slbsim use: `<LoadBalancerId>:<protocol>:<port>`. */
export function listenerKey(lbId: string, protocol: ListenerProtocol, port: number): string {
  return `${lbId}:${protocol}:${port}`;
}
