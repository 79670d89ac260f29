/**
 * Read-only lookups over a topology state: by id across all load balancers, and the reverse
 * references (which listeners and rules use a group) that deletions and invariants need.
 */
import type {
  EcsInstance,
  ForwardingRule,
  Listener,
  ListenerProtocol,
  LoadBalancer,
  MasterSlaveServerGroup,
  TopologyState,
  VServerGroup,
} from './types.js';

export function findInstance(state: TopologyState, instanceId: string): EcsInstance | undefined {
  return state.Instances.find((i) => i.InstanceId === instanceId);
}

export function findLoadBalancer(state: TopologyState, loadBalancerId: string): LoadBalancer | undefined {
  return state.LoadBalancers.find((lb) => lb.LoadBalancerId === loadBalancerId);
}

/** The listener of `lb` on (protocol, port). */
export function findListener(
  lb: LoadBalancer,
  protocol: ListenerProtocol,
  port: number,
): Listener | undefined {
  return lb.Listeners.find((l) => l.ListenerProtocol === protocol && l.ListenerPort === port);
}

/** A listener by its key `<LoadBalancerId>:<protocol>:<port>` (as scenarios and the journal name it). */
export function findListenerByKey(
  state: TopologyState,
  key: string,
): { readonly lb: LoadBalancer; readonly listener: Listener } | undefined {
  const m = /^(.+):(http|https|tcp|udp):(\d+)$/.exec(key);
  if (!m) return undefined;
  const lb = findLoadBalancer(state, m[1]);
  const listener = lb && findListener(lb, m[2] as ListenerProtocol, Number(m[3]));
  return lb && listener ? { lb, listener } : undefined;
}

/** A VServer group by id, in whichever load balancer holds it. */
export function findVServerGroup(state: TopologyState, groupId: string): VServerGroup | undefined {
  for (const lb of state.LoadBalancers) {
    const g = lb.VServerGroups.find((x) => x.VServerGroupId === groupId);
    if (g) return g;
  }
  return undefined;
}

/** A primary/secondary group by id, in whichever load balancer holds it. */
export function findMasterSlaveServerGroup(
  state: TopologyState,
  groupId: string,
): MasterSlaveServerGroup | undefined {
  for (const lb of state.LoadBalancers) {
    const g = lb.MasterSlaveServerGroups.find((x) => x.MasterSlaveServerGroupId === groupId);
    if (g) return g;
  }
  return undefined;
}

/** A forwarding rule by id, with its listener and load balancer. */
export function findRule(
  state: TopologyState,
  ruleId: string,
): { readonly lb: LoadBalancer; readonly listener: Listener; readonly rule: ForwardingRule } | undefined {
  for (const lb of state.LoadBalancers)
    for (const listener of lb.Listeners)
      for (const rule of listener.Rules) if (rule.RuleId === ruleId) return { lb, listener, rule };
  return undefined;
}

/** Listeners of `lb` bound to the group (VServer or primary/secondary) with this id. */
export function listenersUsingGroup(lb: LoadBalancer, groupId: string): Listener[] {
  return lb.Listeners.filter((l) => l.VServerGroupId === groupId || l.MasterSlaveServerGroupId === groupId);
}

/** Rules of `lb` that forward to the VServer group with this id. */
export function rulesUsingGroup(
  lb: LoadBalancer,
  groupId: string,
): { readonly listener: Listener; readonly rule: ForwardingRule }[] {
  const out: { listener: Listener; rule: ForwardingRule }[] = [];
  for (const listener of lb.Listeners)
    for (const rule of listener.Rules) if (rule.VServerGroupId === groupId) out.push({ listener, rule });
  return out;
}
