/**
 * Round-trip helpers for the import tests: fold an imported scenario the way `slbsim state` does,
 * the field lists `describe.ts` emits for each kind of object (derived from describe.ts itself, so
 * a field added there is compared here too), a comparison of one described object against the
 * input record it came from, and a writer that splits a topology into the Describe* responses the
 * API would return for it (one call per file, wrappers, numbers as strings where asked).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { formatDiagnostic } from '../../src/cli/command-action.js';
import { checkScenario } from '../../src/scenario/check.js';
import { stateAt } from '../../src/scenario/fold-at.js';
import { loadScenarioText } from '../../src/scenario/load.js';
import {
  type Described,
  describeListener,
  describeLoadBalancer,
  describeMasterSlaveServerGroup,
  describeRule,
  describeState,
  describeVServerGroup,
} from '../../src/topology/describe.js';
import type {
  EcsInstance,
  ForwardingRule,
  Listener,
  LoadBalancer,
  TopologyState,
} from '../../src/topology/types.js';

/** What `slbsim state <file> --json` prints for an imported scenario, and its inventory. */
export function foldImported(text: string, file = 'imported.yaml') {
  const loaded = loadScenarioText(text, file);
  if (!loaded.ok)
    expect.fail(
      `the imported scenario does not load:\n${loaded.diagnostics.map(formatDiagnostic).join('\n')}`,
    );
  expect(checkScenario(loaded.scenario).map(formatDiagnostic)).toEqual([]);
  const { state } = stateAt(loaded.scenario);
  return { state, described: describeState(state), instances: state.Instances, scenario: loaded.scenario };
}

const RULE: ForwardingRule = {
  RuleId: 'r',
  RuleName: 'r',
  Domain: 'd',
  Url: '/u',
  VServerGroupId: 'g',
  ListenerSync: 'off',
  Scheduler: 'wrr',
  StickySession: 'on',
  StickySessionType: 'insert',
  CookieTimeout: 1,
  Cookie: 'c',
  HealthCheck: 'on',
  HealthCheckDomain: 'd',
  HealthCheckURI: '/',
  HealthCheckConnectPort: 1,
  HealthyThreshold: 2,
  UnhealthyThreshold: 2,
  HealthCheckTimeout: 1,
  HealthCheckInterval: 1,
  HealthCheckHttpCode: 'http_2xx',
};

function maxListener(protocol: 'http' | 'tcp'): Listener {
  return {
    ListenerProtocol: protocol,
    ListenerPort: 1,
    BackendServerPort: 1,
    Scheduler: 'wrr',
    VServerGroup: 'on',
    VServerGroupId: 'g',
    MasterSlaveServerGroup: 'on',
    MasterSlaveServerGroupId: 'm',
    StickySession: 'on',
    StickySessionType: 'insert',
    CookieTimeout: 1,
    Cookie: 'c',
    PersistenceTimeout: 0,
    HealthCheck: 'on',
    HealthCheckType: 'tcp',
    HealthCheckDomain: 'd',
    HealthCheckURI: '/',
    HealthCheckConnectPort: 1,
    HealthyThreshold: 2,
    UnhealthyThreshold: 2,
    HealthCheckTimeout: 1,
    HealthCheckInterval: 1,
    HealthCheckHttpCode: 'http_2xx',
    Status: 'running',
    Description: 'x',
    Rules: [RULE],
  };
}

const ENTRY = {
  ServerId: 's',
  Port: 1,
  Weight: 1,
  Type: 'eni' as const,
  ServerIp: '10.0.0.1',
  Description: 'x',
};
const MAX_LB: LoadBalancer = {
  LoadBalancerId: 'lb',
  LoadBalancerName: 'n',
  RegionId: 'r',
  AddressType: 'intranet',
  NetworkType: 'vpc',
  VpcId: 'v',
  VSwitchId: 'w',
  LoadBalancerSpec: 'slb.s1.small',
  Address: '10.0.0.1',
  LoadBalancerStatus: 'active',
  BackendServers: [{ ServerId: 's', Weight: 1, Type: 'eni', ServerIp: '10.0.0.1', Description: 'x' }],
  VServerGroups: [
    { VServerGroupId: 'g', VServerGroupName: 'n', LoadBalancerId: 'lb', BackendServers: [ENTRY] },
  ],
  MasterSlaveServerGroups: [
    {
      MasterSlaveServerGroupId: 'm',
      MasterSlaveServerGroupName: 'n',
      LoadBalancerId: 'lb',
      MasterSlaveBackendServers: [{ ...ENTRY, ServerType: 'Master' }],
    },
  ],
  Listeners: [maxListener('http')],
};

const NESTED = new Set([
  'ListenerPortsAndProtocol',
  'BackendServers',
  'VServerGroups',
  'MasterSlaveServerGroups',
  'Listeners',
  'Rules',
  'MasterSlaveBackendServers',
]);
const scalarKeys = (d: Described) => Object.keys(d).filter((k) => !NESTED.has(k));
const entryKeys = (d: Described, list: string, inner: string) =>
  Object.keys(((d[list] as Described)[inner] as Described[])[0]);

/** The scalar fields describe.ts emits, per kind of object. */
export const HELD = (() => {
  const lb = describeLoadBalancer(MAX_LB);
  const vsg = describeVServerGroup(MAX_LB.VServerGroups[0]);
  const msg = describeMasterSlaveServerGroup(MAX_LB.MasterSlaveServerGroups[0]);
  return {
    loadBalancer: scalarKeys(lb),
    defaultEntry: entryKeys(lb, 'BackendServers', 'BackendServer'),
    vServerGroup: scalarKeys(vsg),
    vServerEntry: entryKeys(vsg, 'BackendServers', 'BackendServer'),
    masterSlaveGroup: scalarKeys(msg),
    masterSlaveEntry: entryKeys(msg, 'MasterSlaveBackendServers', 'MasterSlaveBackendServer'),
    l7: scalarKeys(describeListener(maxListener('http'))),
    l4: scalarKeys(describeListener(maxListener('tcp'))),
    rule: Object.keys(describeRule(RULE)),
  };
})();

/** A Describe value as the model holds it: numeric strings as numbers, `""`/null as absent. */
export function apiValue(v: unknown): unknown {
  if (v === '' || v === null || v === undefined) return undefined;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  return v;
}

/**
 * `described` holds, for every field in `keys`, the value `source` gives (numbers from numeric
 * strings); where `source` gives none, CLB's default from `defaults` or nothing. `expected`
 * overrides the source for documented normalisations (a `-520` port left out, …).
 */
export function expectFields(
  described: Described,
  source: Readonly<Record<string, unknown>>,
  keys: readonly string[],
  where: string,
  opts: { defaults?: Readonly<Record<string, unknown>>; expected?: Readonly<Record<string, unknown>> } = {},
): void {
  for (const k of keys) {
    const raw = opts.expected && k in opts.expected ? opts.expected[k] : apiValue(source[k]);
    // A text field keeps its digits as text (`"Cookie": "23"`).
    const given =
      typeof raw === 'number' && typeof source[k] === 'string' && typeof described[k] === 'string'
        ? source[k]
        : raw;
    const want = given ?? opts.defaults?.[k];
    expect(described[k], `${where}.${k}`).toEqual(want);
  }
}

/** CLB's documented defaults of listener fields (docs/MODEL.md). */
export const LISTENER_DEFAULTS = {
  Scheduler: 'wrr',
  StickySession: 'off',
  PersistenceTimeout: 0,
  HealthCheck: 'on',
  HealthyThreshold: 3,
  UnhealthyThreshold: 3,
  HealthCheckTimeout: 5,
  HealthCheckConnectTimeout: 5,
  HealthCheckInterval: 2,
  Status: 'stopped',
};

const asText = (v: unknown) => (typeof v === 'number' ? String(v) : v);

/** Every number of `d` as a string, as the API's documented examples write them. */
function stringNumbers(d: unknown): unknown {
  if (Array.isArray(d)) return d.map(stringNumbers);
  if (d !== null && typeof d === 'object')
    return Object.fromEntries(Object.entries(d).map(([k, v]) => [k, stringNumbers(v)]));
  return asText(d);
}

function ecsShape(i: EcsInstance): Record<string, unknown> {
  return {
    InstanceId: i.InstanceId,
    ...(i.InstanceName ? { InstanceName: i.InstanceName } : {}),
    RegionId: i.RegionId,
    ...(i.ZoneId ? { ZoneId: i.ZoneId } : {}),
    Status: i.Status,
    InstanceNetworkType: i.NetworkType,
    VpcAttributes: {
      VpcId: i.VpcId ?? '',
      PrivateIpAddress: {
        IpAddress: i.NetworkType === 'vpc' && i.PrivateIpAddress ? [i.PrivateIpAddress] : [],
      },
    },
    InnerIpAddress: {
      IpAddress: i.NetworkType === 'classic' && i.PrivateIpAddress ? [i.PrivateIpAddress] : [],
    },
    InstanceType: 'ecs.g6.large',
  };
}

/**
 * Write the Describe* responses the API would return for `state` into `dir`: DescribeInstances in
 * pages of `pageSize`, per load balancer its DescribeLoadBalancerAttribute, DescribeVServerGroups,
 * each group's attribute and each listener's attribute (named after the load balancer, protocol
 * and port, which is all a listener attribute's own JSON does not say). Returns the file count.
 */
export function writeDescribeFiles(
  state: TopologyState,
  dir: string,
  opts: { stringNumbers?: boolean; pageSize?: number } = {},
): number {
  mkdirSync(dir, { recursive: true });
  let n = 0;
  const write = (name: string, value: unknown) => {
    writeFileSync(
      join(dir, name),
      `${JSON.stringify(opts.stringNumbers ? stringNumbers(value) : value, null, 2)}\n`,
    );
    n++;
  };
  const size = opts.pageSize ?? 10;
  const pages = Math.max(1, Math.ceil(state.Instances.length / size));
  for (let p = 0; p < pages; p++)
    write(`ecs-page-${p + 1}.json`, {
      RequestId: `R-ECS-${p}`,
      PageNumber: p + 1,
      PageSize: size,
      TotalCount: state.Instances.length,
      Instances: { Instance: state.Instances.slice(p * size, (p + 1) * size).map(ecsShape) },
    });
  state.LoadBalancers.forEach((lb, i) => {
    const d = describeLoadBalancer(lb) as Record<string, unknown>;
    const { VServerGroups: _v, MasterSlaveServerGroups: _m, Listeners: _l, ...attr } = d;
    const pre = `${String(i).padStart(2, '0')}-${lb.LoadBalancerId}`;
    write(`${pre}.json`, { RequestId: `R-${i}`, ...attr, PayType: 'PayOnDemand' });
    write(`${pre}.vserver-groups.json`, {
      RequestId: `R-${i}-groups`,
      VServerGroups: {
        VServerGroup: lb.VServerGroups.map((g) => ({
          VServerGroupId: g.VServerGroupId,
          VServerGroupName: g.VServerGroupName,
          ServerCount: g.BackendServers.length,
        })),
      },
    });
    lb.VServerGroups.forEach((g, k) => {
      write(`${pre}.vsg-${k}.json`, {
        RequestId: `R-${i}-vsg-${k}`,
        ...describeVServerGroup(g),
        CreateTime: '2024-01-01T00:00:00Z',
      });
    });
    lb.MasterSlaveServerGroups.forEach((g, k) => {
      write(`${pre}.msg-${k}.json`, { RequestId: `R-${i}-msg-${k}`, ...describeMasterSlaveServerGroup(g) });
    });
    for (const l of lb.Listeners) {
      const { ListenerProtocol: _p, ...listener } = describeListener(l) as Record<string, unknown>;
      write(`${pre}.${l.ListenerProtocol}-${l.ListenerPort}.json`, {
        RequestId: `R-${i}-${l.ListenerPort}`,
        ...listener,
        Bandwidth: -1,
      });
    }
  });
  return n;
}
