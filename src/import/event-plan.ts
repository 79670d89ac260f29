/**
 * An imported topology as the OpenAPI calls that rebuild it, in an order CLB accepts:
 * the ECS inventory, then per load balancer CreateLoadBalancer, the default server group
 * (AddBackendServers), each VServer group (CreateVServerGroup, then AddVServerGroupBackendServers
 * for entries past the 20 one call takes), each primary/secondary group, and per listener its
 * Create…Listener, its rules (CreateRules, ≤ 10 per call) and, when it was running,
 * StartLoadBalancerListener. Instances that were stopped are created running (only running ECS can
 * join a group) and stopped by the last events.
 *
 * Every planned call keeps the input node of each parameter, so a call the fold rejects is
 * reported at the value in the input that made it (`plan-check.ts`).
 */
import { MAX_ENTRIES_PER_CALL } from '../topology/backend-entries.js';
import type { ActionName } from '../topology/events.js';
import type {
  ImportedEntry,
  ImportedGroup,
  ImportedListener,
  ImportedLoadBalancer,
  ImportedTopology,
  Origin,
  ParamSet,
} from './imported-topology.js';
import type { JsonNode } from './json-input.js';

/** Rules per CreateRules call. */
const RULES_PER_CALL = 10;

/** Parameters in the order the API documents them (and `describe.ts` prints them); others after. */
const ORDER = [
  'InstanceId',
  'InstanceName',
  'RegionId',
  'ZoneId',
  'NetworkType',
  'VpcId',
  'Status',
  'PrivateIpAddress',
  'LoadBalancerId',
  'LoadBalancerName',
  'AddressType',
  'VSwitchId',
  'LoadBalancerSpec',
  'Address',
  'RuleId',
  'RuleName',
  'Domain',
  'Url',
  'ListenerPort',
  'ListenerProtocol',
  'BackendServerPort',
  'VServerGroupId',
  'VServerGroupName',
  'MasterSlaveServerGroupId',
  'MasterSlaveServerGroupName',
  'ListenerSync',
  'ServerId',
  'Port',
  'Weight',
  'Type',
  'ServerIp',
  'ServerType',
  'Scheduler',
  'StickySession',
  'StickySessionType',
  'CookieTimeout',
  'Cookie',
  'PersistenceTimeout',
  'HealthCheck',
  'HealthCheckSwitch',
  'HealthCheckType',
  'HealthCheckDomain',
  'HealthCheckURI',
  'HealthCheckConnectPort',
  'HealthyThreshold',
  'UnhealthyThreshold',
  'HealthCheckTimeout',
  'HealthCheckConnectTimeout',
  'HealthCheckInterval',
  'HealthCheckHttpCode',
  'Description',
];
const RANK = new Map(ORDER.map((k, i) => [k, i]));

/** `values` with its keys in the documented order. */
function ordered(values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const keys = Object.keys(values).sort(
    (a, b) => (RANK.get(a) ?? ORDER.length) - (RANK.get(b) ?? ORDER.length),
  );
  return Object.fromEntries(keys.map((k) => [k, values[k]]));
}

export interface PlannedCall {
  readonly action: ActionName;
  readonly params: Record<string, unknown>;
  /** The input node of each parameter, by API parameter path (`BackendServers[3].Weight`). */
  readonly nodes: Record<string, JsonNode>;
  readonly origin: Origin;
  /** Comment written above the call. */
  readonly comment: string;
  /** Comments above items of list parameters (`BackendServers` → one per item, `''` for none). */
  readonly itemComments: Readonly<Record<string, readonly string[]>>;
  /** What the call creates (`lb:lb-1`), and what it needs; a call whose need was rejected is not reported again. */
  readonly key?: string;
  readonly needs: readonly string[];
}

export interface Plan {
  /** CreateInstance parameters, written under `instances:`. */
  readonly instances: readonly PlannedCall[];
  readonly events: readonly PlannedCall[];
}

function comment(origin: Origin, extra = ''): string {
  return `${origin.what}${extra} — ${origin.node.where()}`;
}

type Call = PlannedCall & {
  params: Record<string, unknown>;
  nodes: Record<string, JsonNode>;
  itemComments: Record<string, string[]>;
};

/** Whether `inner` is `outer` or inside it (same file, path prefix). */
function within(inner: JsonNode, outer: JsonNode): boolean {
  return inner.file === outer.file && outer.path.every((seg, i) => inner.path[i] === seg);
}

/** A comment for each item that does not come from inside the call's own input record. */
function itemComments(c: Call, name: string, origins: readonly Origin[]): void {
  const comments = origins.map((o) => (within(o.node, c.origin.node) ? '' : comment(o)));
  if (comments.some((x) => x !== '')) c.itemComments[name] = comments;
}

/** A call with `params` (nodes from `from`, when the parameters come from a ParamSet). */
function call(
  action: ActionName,
  origin: Origin,
  params: Record<string, unknown>,
  opts: { comment?: string; key?: string; needs?: string[]; from?: ParamSet } = {},
): Call {
  return {
    action,
    params: ordered(params),
    nodes: { ...(opts.from?.nodes ?? {}) },
    itemComments: {},
    origin,
    comment: opts.comment ?? comment(origin),
    key: opts.key,
    needs: opts.needs ?? [],
  };
}

/** Put `entries` under the list parameter `name` of `c`, with their nodes. */
function withEntries(c: Call, name: string, entries: readonly ImportedEntry[]): void {
  c.params[name] = entries.map((e) => ordered(e.params.values));
  itemComments(
    c,
    name,
    entries.map((e) => e.origin),
  );
  entries.forEach((e, i) => {
    c.nodes[`${name}[${i}]`] = e.origin.node;
    for (const [k, n] of Object.entries(e.params.nodes)) c.nodes[`${name}[${i}].${k}`] = n;
  });
}

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

function serverNeeds(entries: readonly ImportedEntry[]): string[] {
  return entries.map((e) => `ecs:${String(e.params.get('ServerId'))}`);
}

function vServerGroupCalls(lb: ImportedLoadBalancer, g: ImportedGroup): PlannedCall[] {
  const out: PlannedCall[] = [];
  const parts = chunks(g.entries, MAX_ENTRIES_PER_CALL);
  const first = call(
    'CreateVServerGroup',
    g.origin,
    { LoadBalancerId: lb.id, VServerGroupId: g.id, ...g.params.values },
    {
      key: `vsg:${g.id}`,
      needs: [`lb:${lb.id}`, ...serverNeeds(parts[0] ?? [])],
      from: g.params,
      comment: comment(
        g.origin,
        parts.length > 1 ? ` (entries 1–${MAX_ENTRIES_PER_CALL} of ${g.entries.length})` : '',
      ),
    },
  );
  first.nodes.VServerGroupId = g.origin.node;
  if (parts.length > 0) withEntries(first, 'BackendServers', parts[0]);
  out.push(first);
  parts.slice(1).forEach((part, k) => {
    const from = (k + 1) * MAX_ENTRIES_PER_CALL + 1;
    const c = call(
      'AddVServerGroupBackendServers',
      g.origin,
      { VServerGroupId: g.id },
      {
        needs: [`vsg:${g.id}`, ...serverNeeds(part)],
        comment: `${g.origin.what}, entries ${from}–${from + part.length - 1} (one call takes ${MAX_ENTRIES_PER_CALL})`,
      },
    );
    c.nodes.VServerGroupId = g.origin.node;
    withEntries(c, 'BackendServers', part);
    out.push(c);
  });
  return out;
}

function masterSlaveCall(lb: ImportedLoadBalancer, g: ImportedGroup): PlannedCall {
  const c = call(
    'CreateMasterSlaveServerGroup',
    g.origin,
    { LoadBalancerId: lb.id, MasterSlaveServerGroupId: g.id, ...g.params.values },
    { key: `msg:${g.id}`, needs: [`lb:${lb.id}`, ...serverNeeds(g.entries)], from: g.params },
  );
  c.nodes.MasterSlaveServerGroupId = g.origin.node;
  withEntries(c, 'MasterSlaveBackendServers', g.entries);
  return c;
}

const PROTOCOL_NAME = { http: 'HTTP', https: 'HTTPS', tcp: 'TCP', udp: 'UDP' } as const;

function listenerCalls(lb: ImportedLoadBalancer, l: ImportedListener): PlannedCall[] {
  const key = `listener:${lb.id}:${l.protocol}:${l.port}`;
  const groups = ['VServerGroupId', 'MasterSlaveServerGroupId']
    .filter((k) => l.params.has(k))
    .map((k) => `${k === 'VServerGroupId' ? 'vsg' : 'msg'}:${String(l.params.get(k))}`);
  const create = call(
    `CreateLoadBalancer${PROTOCOL_NAME[l.protocol]}Listener` as ActionName,
    l.origin,
    { LoadBalancerId: lb.id, ...l.params.values },
    { key, needs: [`lb:${lb.id}`, ...groups], from: l.params },
  );
  const out: PlannedCall[] = [create];
  const ruleParts = chunks(l.rules, RULES_PER_CALL);
  ruleParts.forEach((part, k) => {
    const c = call(
      'CreateRules',
      l.origin,
      { LoadBalancerId: lb.id, ListenerPort: l.port, ListenerProtocol: l.protocol },
      {
        needs: [key, ...part.map((r) => `vsg:${String(r.params.get('VServerGroupId'))}`)],
        comment:
          `rules of ${lb.id}:${l.protocol}:${l.port}` +
          (ruleParts.length > 1
            ? ` (call ${k + 1} of ${ruleParts.length}: one takes ${RULES_PER_CALL})`
            : ''),
      },
    );
    c.params.RuleList = part.map((r) => ordered(r.params.values));
    itemComments(
      c,
      'RuleList',
      part.map((r) => r.origin),
    );
    part.forEach((r, i) => {
      c.nodes[`RuleList[${i}]`] = r.origin.node;
      for (const [n, node] of Object.entries(r.params.nodes)) c.nodes[`RuleList[${i}].${n}`] = node;
    });
    out.push(c);
  });
  if (l.running)
    out.push(
      call(
        'StartLoadBalancerListener',
        l.origin,
        { LoadBalancerId: lb.id, ListenerPort: l.port, ListenerProtocol: l.protocol },
        { needs: [key], comment: `${lb.id}:${l.protocol}:${l.port} was running — ${l.origin.node.where()}` },
      ),
    );
  return out;
}

function loadBalancerCalls(lb: ImportedLoadBalancer): PlannedCall[] {
  const create = call('CreateLoadBalancer', lb.origin, lb.params.values, {
    key: `lb:${lb.id}`,
    from: lb.params,
  });
  const out: PlannedCall[] = [create];
  const origin = lb.defaultOrigin ?? lb.origin;
  const parts = chunks(lb.defaultServers, MAX_ENTRIES_PER_CALL);
  parts.forEach((part, k) => {
    const c = call(
      'AddBackendServers',
      origin,
      { LoadBalancerId: lb.id },
      {
        needs: [`lb:${lb.id}`, ...serverNeeds(part)],
        comment:
          `default server group of ${lb.id}` +
          (parts.length > 1 ? ` (call ${k + 1} of ${parts.length}: one takes ${MAX_ENTRIES_PER_CALL})` : '') +
          ` — ${origin.what}, ${origin.node.where()}`,
      },
    );
    withEntries(c, 'BackendServers', part);
    out.push(c);
  });
  for (const g of lb.vServerGroups) out.push(...vServerGroupCalls(lb, g));
  for (const g of lb.masterSlaveGroups) out.push(masterSlaveCall(lb, g));
  for (const l of lb.listeners) out.push(...listenerCalls(lb, l));
  return out;
}

/** The ECS instances some group of some load balancer names. */
export function referencedInstances(t: ImportedTopology): Set<string> {
  const ids = new Set<string>();
  for (const lb of t.loadBalancers)
    for (const e of [
      ...lb.defaultServers,
      ...lb.vServerGroups.flatMap((g) => g.entries),
      ...lb.masterSlaveGroups.flatMap((g) => g.entries),
    ])
      ids.add(String(e.params.get('ServerId')));
  return ids;
}

/** The calls that rebuild `t`. */
export function planEvents(t: ImportedTopology): Plan {
  const used = referencedInstances(t);
  const instances: PlannedCall[] = [];
  const stops: PlannedCall[] = [];
  for (const inst of t.instances) {
    const stopLater = inst.stopped && used.has(inst.id);
    const values: Record<string, unknown> = { ...inst.params.values };
    if (inst.stopped && !stopLater) values.Status = 'Stopped';
    // NetworkType follows from VpcId (the default CreateInstance applies).
    if (values.NetworkType === (values.VpcId === undefined ? 'classic' : 'vpc')) delete values.NetworkType;
    const c = call('CreateInstance', inst.origin, values, {
      key: `ecs:${inst.id}`,
      from: inst.params,
      comment: stopLater
        ? `${comment(inst.origin)} (Stopped: created running so it can join its groups, stopped at the end)`
        : comment(inst.origin),
    });
    instances.push(c);
    if (stopLater)
      stops.push(
        call(
          'StopInstance',
          inst.origin,
          { InstanceId: inst.id },
          { needs: [`ecs:${inst.id}`], comment: `${inst.id} is Stopped — ${inst.origin.node.where()}` },
        ),
      );
  }
  const events = t.loadBalancers.flatMap(loadBalancerCalls);
  return { instances, events: [...events, ...stops] };
}
