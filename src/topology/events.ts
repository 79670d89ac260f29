/**
 * Topology events are OpenAPI calls: `action` is the real action name and `params` carries the
 * action's own request parameters (PascalCase, as the API takes them). List parameters are accepted
 * as arrays or as the JSON strings the API takes; numbers also as numeric strings. Create actions
 * additionally accept the simulator's own id (LoadBalancerId, VServerGroupId, RuleId,
 * MasterSlaveServerGroupId) so later events can refer to it.
 */
import type { Micros } from '../util/duration.js';

/** CLB actions (API version 2014-05-15) and the ECS actions the simulator folds. */
export const ACTIONS = [
  // ECS
  'CreateInstance',
  'StartInstance',
  'StopInstance',
  // Load balancers
  'CreateLoadBalancer',
  'DeleteLoadBalancer',
  // Default server pool
  'AddBackendServers',
  'SetBackendServers',
  'RemoveBackendServers',
  // VServer groups
  'CreateVServerGroup',
  'AddVServerGroupBackendServers',
  'RemoveVServerGroupBackendServers',
  'SetVServerGroupAttribute',
  'ModifyVServerGroupBackendServers',
  'DeleteVServerGroup',
  // Primary/secondary groups
  'CreateMasterSlaveServerGroup',
  'DeleteMasterSlaveServerGroup',
  // Listeners
  'CreateLoadBalancerHTTPListener',
  'CreateLoadBalancerHTTPSListener',
  'CreateLoadBalancerTCPListener',
  'CreateLoadBalancerUDPListener',
  'SetLoadBalancerHTTPListenerAttribute',
  'SetLoadBalancerHTTPSListenerAttribute',
  'SetLoadBalancerTCPListenerAttribute',
  'SetLoadBalancerUDPListenerAttribute',
  'StartLoadBalancerListener',
  'StopLoadBalancerListener',
  'DeleteLoadBalancerListener',
  // Forwarding rules
  'CreateRules',
  'SetRule',
  'DeleteRules',
] as const;

export type ActionName = (typeof ACTIONS)[number];

export function isActionName(value: unknown): value is ActionName {
  return typeof value === 'string' && (ACTIONS as readonly string[]).includes(value);
}

/** A value as the API accepts it: numbers may arrive as numeric strings. */
export type NumberInput = number | string;
/** A list as the API accepts it: an array, or its JSON encoding. */
export type ListInput<T> = readonly T[] | string;

export interface BackendServerInput {
  readonly ServerId: string;
  readonly Port?: NumberInput;
  readonly Weight?: NumberInput;
  readonly Type?: string;
  readonly ServerIp?: string;
  readonly Description?: string;
  readonly ServerType?: string;
}

export interface RuleInput {
  readonly RuleId?: string;
  readonly RuleName: string;
  readonly Domain?: string;
  readonly Url?: string;
  readonly VServerGroupId: string;
  readonly [override: string]: unknown;
}

/** Raw request parameters of one call. Every action validates and coerces its own. */
export interface ActionParams {
  readonly [name: string]: unknown;
  readonly BackendServers?: ListInput<BackendServerInput>;
  readonly RuleList?: ListInput<RuleInput>;
  readonly RuleIds?: ListInput<string>;
}

/** One topology event: an OpenAPI call, optionally at a simulated time. */
export interface TopologyEvent {
  readonly action: ActionName;
  readonly params: ActionParams;
  /** When the call happens, in µs since the scenario start (default 0). */
  readonly at?: Micros;
}
