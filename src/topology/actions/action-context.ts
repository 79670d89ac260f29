/**
 * What every action handler shares: the handler contract, the documented ranges, and resolving
 * the objects a call names (load balancer, groups, listener) with CLB's not-found errors.
 */
import type { ActionName } from '../events.js';
import { findListener, findLoadBalancer } from '../lookup.js';
import type { IntRange, ParamReader } from '../params.js';
import { fail } from '../reject.js';
import type {
  Listener,
  ListenerProtocol,
  LoadBalancer,
  MasterSlaveServerGroup,
  TopologyState,
  VServerGroup,
} from '../types.js';

export interface ActionOutcome {
  readonly state: TopologyState;
  /** What the API would answer (generated ids, the resulting server list …). */
  readonly response: Readonly<Record<string, unknown>>;
}

export interface ActionHandler {
  /** The parameters this action models; `documented-params.ts` adds those it accepts and ignores. */
  readonly params: readonly string[];
  /** Validate and apply; rejects (throws a `Rejection`) at the first problem. */
  run(state: TopologyState, p: ParamReader): ActionOutcome;
}

export type ActionTable = { readonly [A in ActionName]?: ActionHandler };

export const PORT: IntRange = { min: 1, max: 65535 };
export const WEIGHT: IntRange = { min: 0, max: 100, code: 'InvalidWeight.Malformed' };
export const THRESHOLD: IntRange = { min: 2, max: 10 };
export const HC_TIMEOUT: IntRange = { min: 1, max: 300 };
export const HC_INTERVAL: IntRange = { min: 1, max: 50 };
export const COOKIE_TIMEOUT: IntRange = { min: 1, max: 86400 };
export const PERSISTENCE_TIMEOUT: IntRange = { min: 0, max: 3600 };

export const PROTOCOLS: readonly ListenerProtocol[] = ['http', 'https', 'tcp', 'udp'];

/** The load balancer named by `LoadBalancerId` (and, when given, in `RegionId`). */
export function requireLoadBalancer(state: TopologyState, p: ParamReader): LoadBalancer {
  const id = p.reqStr('LoadBalancerId');
  const lb = findLoadBalancer(state, id);
  if (!lb)
    return fail(
      'InvalidLoadBalancerId.NotFound',
      `The specified LoadBalancerId ${id} does not exist.`,
      'LoadBalancerId',
    );
  const region = p.str('RegionId');
  if (region !== undefined && region !== lb.RegionId)
    fail(
      'InvalidLoadBalancerId.NotFound',
      `The specified LoadBalancerId ${id} does not exist in region ${region} (it is in ${lb.RegionId}).`,
      'RegionId',
    );
  return lb;
}

/** CLB's answer for a VServer group id it cannot find: `InvalidParameter` with HTTP 404. */
export function vServerGroupNotFound(id: string, path: string, where = ''): never {
  return fail('InvalidParameter', `The specified VServerGroupId ${id} does not exist${where}.`, path, 404);
}

/** The VServer group named by parameter `name` (anywhere), with its load balancer. */
export function requireVServerGroup(
  state: TopologyState,
  p: ParamReader,
  name = 'VServerGroupId',
): { readonly lb: LoadBalancer; readonly group: VServerGroup } {
  const id = p.reqStr(name);
  for (const lb of state.LoadBalancers) {
    const group = lb.VServerGroups.find((g) => g.VServerGroupId === id);
    if (group) {
      const region = p.str('RegionId');
      if (region !== undefined && region !== lb.RegionId)
        vServerGroupNotFound(id, 'RegionId', ` in region ${region} (it is in ${lb.RegionId})`);
      return { lb, group };
    }
  }
  return vServerGroupNotFound(id, p.path(name));
}

/**
 * A VServer group of `lb` to bind to a listener or rule. A primary/secondary group's id here is
 * CLB's `VipNotMatchRspool` (the group does not match the listener).
 */
export function vServerGroupOf(lb: LoadBalancer, id: string, path: string): VServerGroup {
  const group = lb.VServerGroups.find((g) => g.VServerGroupId === id);
  if (group) return group;
  if (lb.MasterSlaveServerGroups.some((g) => g.MasterSlaveServerGroupId === id))
    fail(
      'VipNotMatchRspool',
      `${id} is a primary/secondary server group, not a VServer group: the backend server group does not match the listener.`,
      path,
    );
  return vServerGroupNotFound(id, path, ` in load balancer ${lb.LoadBalancerId}`);
}

/** A primary/secondary group of `lb` to bind to a TCP/UDP listener. */
export function masterSlaveGroupOf(lb: LoadBalancer, id: string, path: string): MasterSlaveServerGroup {
  const group = lb.MasterSlaveServerGroups.find((g) => g.MasterSlaveServerGroupId === id);
  if (group) return group;
  if (lb.VServerGroups.some((g) => g.VServerGroupId === id))
    fail(
      'VipNotMatchRspool',
      `${id} is a VServer group, not a primary/secondary server group: use VServerGroupId.`,
      path,
    );
  return fail(
    'InvalidMasterSlaveServerGroupId.NotFound',
    `The specified MasterSlaveServerGroupId ${id} does not exist in load balancer ${lb.LoadBalancerId}.`,
    path,
  );
}

/**
 * The listener named by `ListenerPort` and the protocol: fixed by the action (`protocol`), or the
 * `ListenerProtocol` parameter, which may be left out when only one listener uses the port (or,
 * with `preferLayer7`, when exactly one HTTP/HTTPS listener does — the only kind rules apply to).
 */
export function requireListener(
  lb: LoadBalancer,
  p: ParamReader,
  protocol?: ListenerProtocol,
  preferLayer7 = false,
): Listener {
  const port = p.reqInt('ListenerPort', PORT);
  const proto = protocol ?? p.oneOf('ListenerProtocol', PROTOCOLS, true);
  if (proto !== undefined) {
    const listener = findListener(lb, proto, port);
    if (listener) return listener;
    const others = lb.Listeners.filter((l) => l.ListenerPort === port).map((l) => l.ListenerProtocol);
    return fail(
      'ListenerNotFound',
      `Load balancer ${lb.LoadBalancerId} has no ${proto.toUpperCase()} listener on port ${port}` +
        (others.length ? ` (it has ${others.map((x) => x.toUpperCase()).join(', ')} there).` : '.'),
      'ListenerPort',
    );
  }
  const onPort = lb.Listeners.filter((l) => l.ListenerPort === port);
  if (onPort.length === 1) return onPort[0];
  const l7 = preferLayer7
    ? onPort.find((l) => l.ListenerProtocol === 'http' || l.ListenerProtocol === 'https')
    : undefined;
  if (l7) return l7;
  if (onPort.length === 0)
    return fail(
      'ListenerNotFound',
      `You have not created a listener for port ${port} of load balancer ${lb.LoadBalancerId}.`,
      'ListenerPort',
    );
  return p.missing(
    'ListenerProtocol',
    ` when several listeners share port ${port} (${onPort.map((l) => l.ListenerProtocol).join(', ')})`,
  );
}
