/**
 * A readable tree of the topology (`slbsim state` without `--json`), drawn like find-my-way's
 * prettyPrint: every load balancer with its default pool, VServer groups and their entries
 * (`ServerId:Port wN`), primary/secondary groups, and listeners (protocol:port, status, scheduler,
 * where traffic goes, stickiness, health check) with their forwarding rules. No colours: the CLI
 * adds them.
 */
import { type EcsInstance, type Listener, type LoadBalancer, layerOf, type TopologyState } from './types.js';

interface Node {
  readonly label: string;
  readonly children: readonly Node[];
}

function node(label: string, children: readonly Node[] = []): Node {
  return { label, children };
}

function render(n: Node, prefix: string, last: boolean, root: boolean, out: string[]): void {
  out.push(root ? n.label : `${prefix}${last ? '└── ' : '├── '}${n.label}`);
  const childPrefix = root ? '' : prefix + (last ? '    ' : '│   ');
  n.children.forEach((c, i) => {
    render(c, childPrefix, i === n.children.length - 1, false, out);
  });
}

function quoted(name: string, id: string): string {
  return name === id ? '' : ` "${name}"`;
}

function stopped(state: TopologyState, serverId: string): string {
  const inst: EcsInstance | undefined = state.Instances.find((i) => i.InstanceId === serverId);
  return inst?.Status === 'Stopped' ? ' (stopped)' : '';
}

function desc(d: string | undefined): string {
  return d === undefined ? '' : ` — ${d}`;
}

function target(lb: LoadBalancer, l: Listener): string {
  if (l.MasterSlaveServerGroup === 'on' && l.MasterSlaveServerGroupId)
    return `→ master/slave ${l.MasterSlaveServerGroupId}`;
  if (l.VServerGroup === 'on' && l.VServerGroupId) {
    const g = lb.VServerGroups.find((x) => x.VServerGroupId === l.VServerGroupId);
    return `→ ${l.VServerGroupId}${g ? quoted(g.VServerGroupName, g.VServerGroupId) : ''}`;
  }
  return `→ default pool :${l.BackendServerPort}`;
}

function sticky(l: Listener): string {
  if (layerOf(l.ListenerProtocol) === 4)
    return l.PersistenceTimeout > 0 ? `persistence ${l.PersistenceTimeout}s` : 'persistence off';
  if (l.StickySession !== 'on') return 'sticky off';
  return l.StickySessionType === 'insert'
    ? `sticky insert ${l.CookieTimeout}s`
    : `sticky server cookie ${l.Cookie}`;
}

function health(l: Listener): string {
  if (l.HealthCheck !== 'on') return 'health off';
  const kind = l.HealthCheckType && layerOf(l.ListenerProtocol) === 4 ? ` ${l.HealthCheckType}` : '';
  const uri = l.HealthCheckURI ? ` ${l.HealthCheckURI}` : '';
  return `health${kind}${uri} ${l.HealthyThreshold}/${l.UnhealthyThreshold} every ${l.HealthCheckInterval}s timeout ${l.HealthCheckTimeout}s`;
}

function listenerNode(lb: LoadBalancer, l: Listener): Node {
  const label = `${l.ListenerProtocol}:${l.ListenerPort} ${l.Status} ${l.Scheduler} ${target(lb, l)}, ${sticky(l)}, ${health(l)}${desc(l.Description)}`;
  const rules = l.Rules.map((r) => {
    const match = [r.Domain, r.Url].filter(Boolean).join(' ');
    const own = r.ListenerSync === 'off' ? ` (own settings${r.Scheduler ? `: ${r.Scheduler}` : ''})` : '';
    return node(`rule ${r.RuleName} [${r.RuleId}] ${match} → ${r.VServerGroupId}${own}`);
  });
  return node(label, rules);
}

function loadBalancerNode(state: TopologyState, lb: LoadBalancer): Node {
  const network = lb.NetworkType === 'vpc' ? `vpc ${lb.VpcId}` : 'classic';
  const spec = lb.LoadBalancerSpec ?? 'shared-performance';
  const label = `${lb.LoadBalancerId}${quoted(lb.LoadBalancerName, lb.LoadBalancerId)} (${lb.RegionId}, ${lb.AddressType}, ${network}, ${lb.Address}, ${spec})`;
  const children: Node[] = [];
  children.push(
    node(
      `default pool (${lb.BackendServers.length})`,
      lb.BackendServers.map((s) =>
        node(`${s.ServerId} w${s.Weight}${stopped(state, s.ServerId)}${desc(s.Description)}`),
      ),
    ),
  );
  for (const g of lb.VServerGroups)
    children.push(
      node(
        `vserver group ${g.VServerGroupId}${quoted(g.VServerGroupName, g.VServerGroupId)} (${g.BackendServers.length})`,
        g.BackendServers.map((s) =>
          node(`${s.ServerId}:${s.Port} w${s.Weight}${stopped(state, s.ServerId)}${desc(s.Description)}`),
        ),
      ),
    );
  for (const g of lb.MasterSlaveServerGroups)
    children.push(
      node(
        `master/slave group ${g.MasterSlaveServerGroupId}${quoted(g.MasterSlaveServerGroupName, g.MasterSlaveServerGroupId)}`,
        g.MasterSlaveBackendServers.map((s) =>
          node(
            `${s.ServerType.toLowerCase()} ${s.ServerId}:${s.Port} w${s.Weight}${stopped(state, s.ServerId)}`,
          ),
        ),
      ),
    );
  children.push(
    node(
      `listeners (${lb.Listeners.length})`,
      lb.Listeners.map((l) => listenerNode(lb, l)),
    ),
  );
  return node(label, children);
}

/** The whole topology as a text tree, one block per load balancer; ends with a newline. */
export function renderTree(state: TopologyState): string {
  if (state.LoadBalancers.length === 0) return '(no load balancers)\n';
  const blocks = state.LoadBalancers.map((lb) => {
    const out: string[] = [];
    render(loadBalancerNode(state, lb), '', true, true, out);
    return out.join('\n');
  });
  return `${blocks.join('\n\n')}\n`;
}
