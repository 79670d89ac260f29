/**
 * The topology as the API describes it (`slbsim state --json`): each load balancer shaped like
 * DescribeLoadBalancerAttribute, plus `VServerGroups` (DescribeVServerGroupAttribute),
 * `MasterSlaveServerGroups` (DescribeMasterSlaveServerGroupAttribute) and `Listeners`
 * (Describe…ListenerAttribute, flat, with `ListenerProtocol` and rules under `Rules.Rule[]` in
 * DescribeRules shape). Same casing and list wrapping as the API (clb-semantics.md §7.2), so the
 * output can be diffed against the real cloud; numbers are numbers. Key order is fixed; absent
 * optional fields are left out.
 */
import {
  type DefaultBackendServer,
  type ForwardingRule,
  type Listener,
  type LoadBalancer,
  layerOf,
  type MasterSlaveBackend,
  type MasterSlaveServerGroup,
  type TopologyState,
  type VServerBackend,
  type VServerGroup,
} from './types.js';

export type Described = Readonly<Record<string, unknown>>;

export interface DescribedState {
  readonly LoadBalancers: readonly Described[];
}

/** Build an object from [key, value] pairs in order, leaving out undefined values. */
function obj(...pairs: [string, unknown][]): Described {
  const out: Record<string, unknown> = {};
  for (const [k, v] of pairs) if (v !== undefined) out[k] = v;
  return out;
}

function describeDefaultServer(s: DefaultBackendServer): Described {
  return obj(
    ['ServerId', s.ServerId],
    ['Weight', s.Weight],
    ['Type', s.Type],
    ['ServerIp', s.ServerIp],
    ['Description', s.Description],
  );
}

function describeVServerBackend(s: VServerBackend): Described {
  return obj(
    ['ServerId', s.ServerId],
    ['Port', s.Port],
    ['Weight', s.Weight],
    ['Type', s.Type],
    ['ServerIp', s.ServerIp],
    ['Description', s.Description],
  );
}

function describeMasterSlaveBackend(s: MasterSlaveBackend): Described {
  return obj(
    ['ServerId', s.ServerId],
    ['Port', s.Port],
    ['Weight', s.Weight],
    ['ServerType', s.ServerType],
    ['Type', s.Type],
    ['ServerIp', s.ServerIp],
    ['Description', s.Description],
  );
}

/** DescribeVServerGroupAttribute shape. */
export function describeVServerGroup(g: VServerGroup): Described {
  return obj(
    ['VServerGroupId', g.VServerGroupId],
    ['VServerGroupName', g.VServerGroupName],
    ['LoadBalancerId', g.LoadBalancerId],
    ['BackendServers', { BackendServer: g.BackendServers.map(describeVServerBackend) }],
  );
}

/** DescribeMasterSlaveServerGroupAttribute shape. */
export function describeMasterSlaveServerGroup(g: MasterSlaveServerGroup): Described {
  return obj(
    ['MasterSlaveServerGroupId', g.MasterSlaveServerGroupId],
    ['MasterSlaveServerGroupName', g.MasterSlaveServerGroupName],
    ['LoadBalancerId', g.LoadBalancerId],
    [
      'MasterSlaveBackendServers',
      { MasterSlaveBackendServer: g.MasterSlaveBackendServers.map(describeMasterSlaveBackend) },
    ],
  );
}

/** One rule in DescribeRules shape. */
export function describeRule(r: ForwardingRule): Described {
  return obj(
    ['RuleId', r.RuleId],
    ['RuleName', r.RuleName],
    ['Domain', r.Domain],
    ['Url', r.Url],
    ['VServerGroupId', r.VServerGroupId],
    ['ListenerSync', r.ListenerSync],
    ['Scheduler', r.Scheduler],
    ['StickySession', r.StickySession],
    ['StickySessionType', r.StickySessionType],
    ['CookieTimeout', r.CookieTimeout],
    ['Cookie', r.Cookie],
    ['HealthCheck', r.HealthCheck],
    ['HealthCheckDomain', r.HealthCheckDomain],
    ['HealthCheckURI', r.HealthCheckURI],
    ['HealthCheckConnectPort', r.HealthCheckConnectPort],
    ['HealthCheckInterval', r.HealthCheckInterval],
    ['HealthCheckTimeout', r.HealthCheckTimeout],
    ['HealthyThreshold', r.HealthyThreshold],
    ['UnhealthyThreshold', r.UnhealthyThreshold],
    ['HealthCheckHttpCode', r.HealthCheckHttpCode],
  );
}

/** Describe…ListenerAttribute shape (HTTP/HTTPS or TCP/UDP fields), plus `ListenerProtocol`. */
export function describeListener(l: Listener): Described {
  const l7 = layerOf(l.ListenerProtocol) === 7;
  const head: [string, unknown][] = [
    ['ListenerPort', l.ListenerPort],
    ['ListenerProtocol', l.ListenerProtocol],
    ['BackendServerPort', l.BackendServerPort],
    ['Status', l.Status],
    ['Scheduler', l.Scheduler],
    ['VServerGroupId', l.VServerGroup === 'on' ? l.VServerGroupId : undefined],
  ];
  const health: [string, unknown][] = [
    ['HealthCheck', l.HealthCheck],
    ['HealthCheckType', l7 ? undefined : l.HealthCheckType],
    ['HealthCheckDomain', l.HealthCheckDomain],
    ['HealthCheckURI', l.HealthCheckURI],
    ['HealthCheckConnectPort', l.HealthCheckConnectPort],
    ['HealthyThreshold', l.HealthyThreshold],
    ['UnhealthyThreshold', l.UnhealthyThreshold],
    [l7 ? 'HealthCheckTimeout' : 'HealthCheckConnectTimeout', l.HealthCheckTimeout],
    ['HealthCheckInterval', l.HealthCheckInterval],
    ['HealthCheckHttpCode', l.HealthCheckHttpCode],
  ];
  if (l7)
    return obj(
      ...head,
      ['StickySession', l.StickySession],
      ['StickySessionType', l.StickySessionType],
      ['CookieTimeout', l.CookieTimeout],
      ['Cookie', l.Cookie],
      ...health,
      ['Description', l.Description],
      ['Rules', { Rule: l.Rules.map(describeRule) }],
    );
  return obj(
    ...head,
    ['MasterSlaveServerGroupId', l.MasterSlaveServerGroup === 'on' ? l.MasterSlaveServerGroupId : undefined],
    ['PersistenceTimeout', l.PersistenceTimeout],
    ...health,
    ['Description', l.Description],
  );
}

/** DescribeLoadBalancerAttribute shape, plus the groups and listeners in full. */
export function describeLoadBalancer(lb: LoadBalancer): Described {
  return obj(
    ['LoadBalancerId', lb.LoadBalancerId],
    ['LoadBalancerName', lb.LoadBalancerName],
    ['RegionId', lb.RegionId],
    ['Address', lb.Address],
    ['AddressType', lb.AddressType],
    ['NetworkType', lb.NetworkType],
    ['VpcId', lb.VpcId],
    ['VSwitchId', lb.VSwitchId],
    ['LoadBalancerSpec', lb.LoadBalancerSpec],
    ['LoadBalancerStatus', lb.LoadBalancerStatus],
    [
      'ListenerPortsAndProtocol',
      {
        ListenerPortAndProtocol: lb.Listeners.map((l) =>
          obj(
            ['ListenerPort', l.ListenerPort],
            ['ListenerProtocol', l.ListenerProtocol],
            ['Description', l.Description],
          ),
        ),
      },
    ],
    ['BackendServers', { BackendServer: lb.BackendServers.map(describeDefaultServer) }],
    ['VServerGroups', lb.VServerGroups.map(describeVServerGroup)],
    ['MasterSlaveServerGroups', lb.MasterSlaveServerGroups.map(describeMasterSlaveServerGroup)],
    ['Listeners', lb.Listeners.map(describeListener)],
  );
}

/** `{"LoadBalancers": […]}`, in creation order. */
export function describeState(state: TopologyState): DescribedState {
  return { LoadBalancers: state.LoadBalancers.map(describeLoadBalancer) };
}
