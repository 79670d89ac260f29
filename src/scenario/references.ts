/**
 * What a scenario's events name, read statically from their parameters (no fold): the listeners,
 * server groups, rules and servers they create or use. The traffic mix, service times, faults,
 * simulation options and expectations may refer only to these; a typo there would otherwise
 * silently send every request to "no such listener" or check a group that never exists.
 *
 * Ids that the fold would generate (a Create call without an id) cannot be referred to, which is
 * why the declarative form asks for ids.
 */
import { listenerKey } from '../topology/types.js';
import type { ScheduledEvent } from './scenario-model.js';

export interface ReferenceIndex {
  /** `<LoadBalancerId>:<protocol>:<port>`. */
  readonly listeners: ReadonlySet<string>;
  readonly vServerGroups: ReadonlySet<string>;
  readonly masterSlaveGroups: ReadonlySet<string>;
  /** RuleNames and RuleIds per listener key. */
  readonly rules: ReadonlyMap<string, ReadonlySet<string>>;
  /** ECS instance ids and every ServerId a backend list names. */
  readonly servers: ReadonlySet<string>;
  /**
   * The backend ports each server serves on, at any time: the Port of every backend list entry
   * naming it (VServer and primary/secondary groups), and for a server of a load balancer's
   * default server group, every listener's BackendServerPort (or ListenerPort) on that load
   * balancer.
   */
  portsOf(serverId: string): ReadonlySet<number>;
}

const PROTOCOL_OF: Readonly<Record<string, 'http' | 'https' | 'tcp' | 'udp'>> = {
  CreateLoadBalancerHTTPListener: 'http',
  CreateLoadBalancerHTTPSListener: 'https',
  CreateLoadBalancerTCPListener: 'tcp',
  CreateLoadBalancerUDPListener: 'udp',
};

const BACKEND_LISTS = ['BackendServers', 'NewBackendServers', 'MasterSlaveBackendServers'];

function str(v: unknown): string | undefined {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** A list parameter given as an array or as its JSON string; anything else is empty. */
function list(v: unknown): readonly unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') {
    try {
      const parsed: unknown = JSON.parse(v);
      return Array.isArray(parsed) ? parsed : [];
    } catch {
      return [];
    }
  }
  return [];
}

function field(item: unknown, name: string): string | undefined {
  return typeof item === 'object' && item !== null ? str((item as Record<string, unknown>)[name]) : undefined;
}

export function indexReferences(events: readonly ScheduledEvent[]): ReferenceIndex {
  const listeners = new Set<string>();
  const vServerGroups = new Set<string>();
  const masterSlaveGroups = new Set<string>();
  const rules = new Map<string, Set<string>>();
  const servers = new Set<string>();
  const ports = new Map<string, Set<number>>();
  /** Default-server-group members and listener backend ports, by load balancer. */
  const defaultMembers = new Map<string, Set<string>>();
  const listenerPorts = new Map<string, Set<number>>();
  const add = <K, V>(m: Map<K, Set<V>>, k: K, v: V) => {
    const set = m.get(k) ?? new Set<V>();
    set.add(v);
    m.set(k, set);
  };
  for (const e of events) {
    const p = e.params as Record<string, unknown>;
    const lb = str(p.LoadBalancerId);
    for (const name of BACKEND_LISTS)
      for (const item of list(p[name])) {
        const id = field(item, 'ServerId');
        if (id === undefined) continue;
        servers.add(id);
        const port = Number(field(item, 'Port'));
        if (Number.isInteger(port)) add(ports, id, port);
        else if (lb !== undefined) add(defaultMembers, lb, id);
      }
    switch (e.action) {
      case 'CreateInstance': {
        const id = str(p.InstanceId);
        if (id !== undefined) servers.add(id);
        break;
      }
      case 'CreateVServerGroup': {
        const id = str(p.VServerGroupId);
        if (id !== undefined) vServerGroups.add(id);
        break;
      }
      case 'CreateMasterSlaveServerGroup': {
        const id = str(p.MasterSlaveServerGroupId);
        if (id !== undefined) masterSlaveGroups.add(id);
        break;
      }
      case 'CreateRules': {
        const port = Number(str(p.ListenerPort));
        if (lb === undefined || !Number.isInteger(port)) break;
        const proto = str(p.ListenerProtocol)?.toLowerCase();
        const keys =
          proto === 'http' || proto === 'https'
            ? [listenerKey(lb, proto, port)]
            : [listenerKey(lb, 'http', port), listenerKey(lb, 'https', port)];
        for (const key of keys) {
          const names = rules.get(key) ?? new Set<string>();
          for (const item of list(p.RuleList)) {
            const name = field(item, 'RuleName');
            const id = field(item, 'RuleId');
            if (name !== undefined) names.add(name);
            if (id !== undefined) names.add(id);
          }
          rules.set(key, names);
        }
        break;
      }
      default: {
        const proto = PROTOCOL_OF[e.action];
        if (proto === undefined) break;
        const port = Number(str(p.ListenerPort));
        if (lb !== undefined && Number.isInteger(port)) {
          listeners.add(listenerKey(lb, proto, port));
          const backendPort = Number(str(p.BackendServerPort) ?? port);
          if (Number.isInteger(backendPort)) add(listenerPorts, lb, backendPort);
        }
      }
    }
  }
  for (const [lb, members] of defaultMembers)
    for (const id of members) for (const port of listenerPorts.get(lb) ?? []) add(ports, id, port);
  const none: ReadonlySet<number> = new Set();
  return {
    listeners,
    vServerGroups,
    masterSlaveGroups,
    rules,
    servers,
    portsOf: (id) => ports.get(id) ?? none,
  };
}
