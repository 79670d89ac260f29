/**
 * Compile a topology state into what routing needs per listener: the rule matcher and the
 * scheduling scopes a request can land in, each with its members in scheduling order and the
 * settings that apply to it (scheduler, stickiness, health check — the rule's own when its
 * ListenerSync is off).
 *
 * A scope is one server group as one listener (or one rule of it) schedules it: a group shared by
 * two listeners is two scopes with independent scheduler state, as two Tengine upstream blocks or
 * two IPVS virtual services would be. Scopes are identified by a stable key, so scheduler state
 * survives topology changes that do not touch them.
 */

import {
  type ForwardingRule,
  type Listener,
  type ListenerProtocol,
  type LoadBalancer,
  layerOf,
  listenerKey,
  type SchedulerName,
  type TopologyState,
} from '../topology/types.js';
import type { MatchKind, RouteSource } from './outcomes.js';
import { matchKindOf, RuleMatcher, type RuleMatching, type UrlMatching } from './rule-matcher.js';

export type L4Order = 'kernel' | 'api';

export interface CompileOptions {
  readonly ruleMatching: RuleMatching;
  /** Scheduling order of layer-4 groups: IPVS list order (newest first) or the API's order. */
  readonly l4Order: L4Order;
  /** How rules compare targets and hosts (default `normalized`: as Tengine, issue 10). */
  readonly urlMatching?: UrlMatching;
}

export const DEFAULT_COMPILE_OPTIONS: CompileOptions = { ruleMatching: 'domain-first', l4Order: 'kernel' };

export interface MemberSpec {
  readonly ServerId: string;
  readonly Port: number;
  readonly Weight: number;
  /** Primary/secondary groups only. */
  readonly ServerType?: 'Master' | 'Slave';
}

export interface HealthSpec {
  readonly on: boolean;
  /** Seconds. */
  readonly interval: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
  /** Seconds. */
  readonly timeout: number;
}

export type StickyMode = 'off' | 'insert' | 'server' | 'source-ip';

export interface ScopeSpec {
  readonly key: string;
  readonly listenerKey: string;
  readonly LoadBalancerId: string;
  readonly layer: 4 | 7;
  readonly source: RouteSource;
  readonly rule: { readonly RuleId: string; readonly RuleName: string; readonly matchKind: MatchKind } | null;
  /** VServerGroupId or MasterSlaveServerGroupId; null for the default pool. */
  readonly groupId: string | null;
  readonly groupName: string;
  readonly scheduler: SchedulerName;
  readonly sticky: StickyMode;
  /** Cookie name: `SERVERID` (insert) or the listener's/rule's `Cookie` (server). */
  readonly cookieName: string;
  /** Seconds; insert-mode cookie lifetime or L4 persistence timeout. */
  readonly stickyTimeout: number;
  readonly health: HealthSpec;
  /** In scheduling order. */
  readonly members: readonly MemberSpec[];
}

export interface ListenerSpec {
  readonly key: string;
  readonly LoadBalancerId: string;
  readonly protocol: ListenerProtocol;
  readonly port: number;
  readonly layer: 4 | 7;
  readonly running: boolean;
  /** L7 only. */
  readonly matcher: RuleMatcher | null;
  /** Scope key per rule index (L7). */
  readonly ruleScopes: readonly string[];
  /** The listener's VServer group scope when its switch is on. */
  readonly groupScope: string | null;
  /** L4 primary/secondary group scope when its switch is on. */
  readonly masterSlaveScope: string | null;
  /** The default pool on BackendServerPort (no members when the port is unset). */
  readonly defaultScope: string;
}

export interface CompiledTopology {
  readonly listeners: ReadonlyMap<string, ListenerSpec>;
  readonly scopes: ReadonlyMap<string, ScopeSpec>;
}

export function compileTopology(
  state: TopologyState,
  options: CompileOptions = DEFAULT_COMPILE_OPTIONS,
): CompiledTopology {
  const listeners = new Map<string, ListenerSpec>();
  const scopes = new Map<string, ScopeSpec>();
  for (const lb of state.LoadBalancers) {
    for (const listener of lb.Listeners) {
      const spec = compileListener(lb, listener, options, scopes);
      listeners.set(spec.key, spec);
    }
  }
  return { listeners, scopes };
}

/** What every scope of one listener shares: its key, layer, scheduler, stickiness and health check. */
type ScopeBase = Pick<
  ScopeSpec,
  | 'listenerKey'
  | 'LoadBalancerId'
  | 'layer'
  | 'scheduler'
  | 'sticky'
  | 'cookieName'
  | 'stickyTimeout'
  | 'health'
>;

/** One listener and its scopes, added to `scopes` in scheduling-relevant order: rules, primary/secondary, group, default pool. */
function compileListener(
  lb: LoadBalancer,
  listener: Listener,
  options: CompileOptions,
  scopes: Map<string, ScopeSpec>,
): ListenerSpec {
  const key = listenerKey(lb.LoadBalancerId, listener.ListenerProtocol, listener.ListenerPort);
  const layer = layerOf(listener.ListenerProtocol);
  const add = (scope: ScopeSpec): string => {
    scopes.set(scope.key, scope);
    return scope.key;
  };
  const base: ScopeBase = {
    listenerKey: key,
    LoadBalancerId: lb.LoadBalancerId,
    layer,
    scheduler: listener.Scheduler,
    ...stickyOf(listener, layer),
    health: healthOf(listener),
  };
  const ruleScopes =
    layer === 7 ? listener.Rules.map((rule) => add(ruleScope(lb, listener, rule, base, options))) : [];
  const ms = layer === 4 ? masterSlaveScope(lb, listener, base) : null;
  const masterSlave = ms === null ? null : add(ms);
  const group = groupScope(lb, listener, base, options);
  const groupKey = group === null ? null : add(group);
  const defaultScope = add(defaultPoolScope(lb, listener, base, options));
  return {
    key,
    LoadBalancerId: lb.LoadBalancerId,
    protocol: listener.ListenerProtocol,
    port: listener.ListenerPort,
    layer,
    running: listener.Status === 'running',
    matcher: layer === 7 ? new RuleMatcher(listener.Rules, options.ruleMatching, options.urlMatching) : null,
    ruleScopes,
    groupScope: groupKey,
    masterSlaveScope: masterSlave,
    defaultScope,
  };
}

/** A forwarding rule's scope: its VServer group, with the rule's own settings when ListenerSync is off. */
function ruleScope(
  lb: LoadBalancer,
  listener: Listener,
  rule: ForwardingRule,
  base: ScopeBase,
  options: CompileOptions,
): ScopeSpec {
  const group = lb.VServerGroups.find((g) => g.VServerGroupId === rule.VServerGroupId);
  return {
    ...base,
    ...ruleSettings(rule, listener, base),
    key: `${base.listenerKey}/rule/${rule.RuleId}/${rule.VServerGroupId}`,
    source: 'rule',
    rule: { RuleId: rule.RuleId, RuleName: rule.RuleName, matchKind: matchKindOf(rule) },
    groupId: rule.VServerGroupId,
    groupName: group?.VServerGroupName ?? rule.VServerGroupId,
    members: ordered(group?.BackendServers ?? [], base.layer, options),
  };
}

/** The layer-4 primary/secondary group when its switch is on: primary first, then secondary. */
function masterSlaveScope(lb: LoadBalancer, listener: Listener, base: ScopeBase): ScopeSpec | null {
  if (listener.MasterSlaveServerGroup !== 'on' || !listener.MasterSlaveServerGroupId) return null;
  const id = listener.MasterSlaveServerGroupId;
  const group = lb.MasterSlaveServerGroups.find((g) => g.MasterSlaveServerGroupId === id);
  const entries = group?.MasterSlaveBackendServers ?? [];
  // Primary first, then secondary: the order the failover logic reads them in.
  const members = [...entries]
    .sort((a, b) => (a.ServerType === b.ServerType ? 0 : a.ServerType === 'Master' ? -1 : 1))
    .map((e) => ({ ServerId: e.ServerId, Port: e.Port, Weight: e.Weight, ServerType: e.ServerType }));
  return {
    ...base,
    key: `${base.listenerKey}/master-slave/${id}`,
    source: 'master-slave',
    rule: null,
    groupId: id,
    groupName: group?.MasterSlaveServerGroupName ?? id,
    members,
  };
}

/** The listener's VServer group when its switch is on. */
function groupScope(
  lb: LoadBalancer,
  listener: Listener,
  base: ScopeBase,
  options: CompileOptions,
): ScopeSpec | null {
  if (listener.VServerGroup !== 'on' || !listener.VServerGroupId) return null;
  const id = listener.VServerGroupId;
  const group = lb.VServerGroups.find((g) => g.VServerGroupId === id);
  return {
    ...base,
    key: `${base.listenerKey}/listener-vserver-group/${id}`,
    source: 'listener-vserver-group',
    rule: null,
    groupId: id,
    groupName: group?.VServerGroupName ?? id,
    members: ordered(group?.BackendServers ?? [], base.layer, options),
  };
}

/** The default server group on BackendServerPort (no members when the port is unset). */
function defaultPoolScope(
  lb: LoadBalancer,
  listener: Listener,
  base: ScopeBase,
  options: CompileOptions,
): ScopeSpec {
  const port = listener.BackendServerPort;
  const members =
    port === undefined
      ? []
      : lb.BackendServers.map((b) => ({ ServerId: b.ServerId, Port: port, Weight: b.Weight }));
  return {
    ...base,
    key: `${base.listenerKey}/default-pool/${port ?? '-'}`,
    source: 'default-pool',
    rule: null,
    groupId: null,
    groupName:
      port === undefined ? 'default server group (no BackendServerPort)' : `default server group :${port}`,
    members: ordered(members, base.layer, options),
  };
}

/**
 * Scheduling order. Layer 7 (Tengine): the upstream lists servers in the group's API order.
 * Layer 4 (IPVS): `__ip_vs_update_dest` inserts each new real server at the head of the
 * service's list, so by default the order is the reverse of the API order (newest first).
 */
function ordered(entries: readonly MemberSpec[], layer: 4 | 7, options: CompileOptions): MemberSpec[] {
  const members = entries.map((e) => ({ ServerId: e.ServerId, Port: e.Port, Weight: e.Weight }));
  return layer === 4 && options.l4Order === 'kernel' ? members.reverse() : members;
}

function stickyOf(
  listener: Listener,
  layer: 4 | 7,
): { sticky: StickyMode; cookieName: string; stickyTimeout: number } {
  if (layer === 4) {
    return listener.PersistenceTimeout > 0
      ? { sticky: 'source-ip', cookieName: '', stickyTimeout: listener.PersistenceTimeout }
      : { sticky: 'off', cookieName: '', stickyTimeout: 0 };
  }
  return cookieSticky(
    listener.StickySession,
    listener.StickySessionType,
    listener.Cookie,
    listener.CookieTimeout,
  );
}

function cookieSticky(
  on: 'on' | 'off' | undefined,
  type: 'insert' | 'server' | undefined,
  cookie: string | undefined,
  timeout: number | undefined,
): { sticky: StickyMode; cookieName: string; stickyTimeout: number } {
  if (on !== 'on') return { sticky: 'off', cookieName: '', stickyTimeout: 0 };
  if (type === 'server') return { sticky: 'server', cookieName: cookie ?? 'SERVERID', stickyTimeout: 0 };
  return { sticky: 'insert', cookieName: 'SERVERID', stickyTimeout: timeout ?? 0 };
}

function healthOf(
  s: Pick<
    Listener,
    'HealthCheck' | 'HealthCheckInterval' | 'HealthyThreshold' | 'UnhealthyThreshold' | 'HealthCheckTimeout'
  >,
): HealthSpec {
  return {
    on: s.HealthCheck === 'on',
    interval: s.HealthCheckInterval,
    healthyThreshold: s.HealthyThreshold,
    unhealthyThreshold: s.UnhealthyThreshold,
    timeout: s.HealthCheckTimeout,
  };
}

/** With ListenerSync off, the rule's own scheduler, stickiness and health check apply to its traffic. */
function ruleSettings(
  rule: ForwardingRule,
  listener: Listener,
  base: {
    scheduler: SchedulerName;
    sticky: StickyMode;
    cookieName: string;
    stickyTimeout: number;
    health: HealthSpec;
  },
): {
  scheduler: SchedulerName;
  sticky: StickyMode;
  cookieName: string;
  stickyTimeout: number;
  health: HealthSpec;
} {
  if (rule.ListenerSync !== 'off') return base;
  const sticky =
    rule.StickySession === undefined
      ? base
      : cookieSticky(rule.StickySession, rule.StickySessionType, rule.Cookie, rule.CookieTimeout);
  return {
    scheduler: rule.Scheduler ?? listener.Scheduler,
    sticky: sticky.sticky,
    cookieName: sticky.cookieName,
    stickyTimeout: sticky.stickyTimeout,
    health:
      rule.HealthCheck === undefined
        ? base.health
        : {
            on: rule.HealthCheck === 'on',
            interval: rule.HealthCheckInterval ?? listener.HealthCheckInterval,
            healthyThreshold: rule.HealthyThreshold ?? listener.HealthyThreshold,
            unhealthyThreshold: rule.UnhealthyThreshold ?? listener.UnhealthyThreshold,
            timeout: rule.HealthCheckTimeout ?? listener.HealthCheckTimeout,
          },
  };
}
