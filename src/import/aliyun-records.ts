/**
 * One saved Describe response (or one element of its lists) → the imported piece it describes:
 * an ECS instance, a load balancer with its default server group and the listeners it lists, a
 * VServer or primary/secondary group with its entries, a listener's settings, a rule's fields —
 * each value under its OpenAPI parameter name, numbers from numeric strings, the API's "not set"
 * values (`""`, `-520`, `$_ip`, `0` where the range starts at 1) left out. Fields the model does
 * not hold are recorded as ignored (`ImportLog.ignore`). How the pieces join up is
 * `aliyun-import.ts`.
 */

import { RULE_OVERRIDES } from '../topology/actions/rules.js';
import { GUARANTEED_SPECS, type ListenerProtocol, layerOf } from '../topology/types.js';
import { META_KEYS, unwrap } from './aliyun-files.js';
import {
  intValue,
  requiredText,
  setDescription,
  setHealthCheckDomain,
  setHealthCheckPort,
  setInt,
  setSwitch,
  setText,
  switchValue,
  textValue,
} from './field-values.js';
import type { ImportLog } from './import-log.js';
import {
  type ImportedEntry,
  type ImportedGroup,
  type ImportedInstance,
  type ImportedLoadBalancer,
  ParamSet,
} from './imported-topology.js';
import type { JsonNode } from './json-input.js';

/** Record `node`'s keys outside `handled` as ignored fields of `kind`. */
export function noteIgnored(
  log: ImportLog,
  kind: string,
  node: JsonNode,
  handled: ReadonlySet<string>,
): void {
  for (const k of node.keys()) if (!handled.has(k) && !META_KEYS.has(k)) log.ignore(kind, k);
}

// ---- entries ------------------------------------------------------------------------------------

type EntryKind = 'default' | 'vserver' | 'master-slave';

const ENTRY_KEYS: Record<EntryKind, ReadonlySet<string>> = {
  default: new Set(['ServerId', 'Weight', 'Type', 'ServerIp', 'Description']),
  vserver: new Set(['ServerId', 'Port', 'Weight', 'Type', 'ServerIp', 'Description']),
  'master-slave': new Set(['ServerId', 'Port', 'Weight', 'Type', 'ServerIp', 'Description', 'ServerType']),
};

export function readEntry(
  node: JsonNode,
  kind: EntryKind,
  call: string,
  group: string,
  log: ImportLog,
): ImportedEntry {
  const p = new ParamSet();
  const id = requiredText(node.at('ServerId'), log, 'ServerId');
  p.set('ServerId', id, node.at('ServerId'));
  if (kind !== 'default') setInt(p, 'Port', node.at('Port'), log);
  setInt(p, 'Weight', node.at('Weight'), log, false);
  const type = textValue(node.at('Type'), log);
  p.set('Type', type?.toLowerCase(), node.at('Type'));
  setText(p, 'ServerIp', node.at('ServerIp'), log);
  setDescription(p, node.at('Description'), log, `${group} ${id}`);
  if (kind === 'master-slave') setText(p, 'ServerType', node.at('ServerType'), log);
  noteIgnored(log, `${call} entries`, node, ENTRY_KEYS[kind]);
  return { origin: { node, what: `${group} ${id}` }, params: p };
}

// ---- ECS ----------------------------------------------------------------------------------------

const INSTANCE_KEYS = new Set([
  'InstanceId',
  'InstanceName',
  'RegionId',
  'ZoneId',
  'Status',
  'InstanceNetworkType',
  'VpcAttributes',
  'InnerIpAddress',
]);

function firstIp(node: JsonNode, log: ImportLog): JsonNode | undefined {
  const ips = unwrap(node, 'IpAddress', log);
  return ips.find((n) => typeof n.value === 'string' && n.value !== '');
}

export function readInstance(node: JsonNode, log: ImportLog): ImportedInstance | undefined {
  noteIgnored(log, 'ECS DescribeInstances', node, INSTANCE_KEYS);
  const idNode = node.at('InstanceId');
  const id = requiredText(idNode, log, 'InstanceId');
  const region = requiredText(node.at('RegionId'), log, 'RegionId');
  if (id === undefined || region === undefined) return undefined;
  const p = new ParamSet();
  p.set('InstanceId', id, idNode);
  setText(p, 'InstanceName', node.at('InstanceName'), log);
  p.set('RegionId', region, node.at('RegionId'));
  setText(p, 'ZoneId', node.at('ZoneId'), log);
  const vpc = textValue(node.at('VpcAttributes').at('VpcId'), log);
  const net = textValue(node.at('InstanceNetworkType'), log)?.toLowerCase();
  if (net !== undefined && net !== 'vpc' && net !== 'classic')
    log.error(
      node.at('InstanceNetworkType'),
      'InvalidValue',
      `expected vpc or classic, got ${JSON.stringify(net)}`,
    );
  else p.set('NetworkType', net ?? (vpc ? 'vpc' : 'classic'), node.at('InstanceNetworkType'));
  p.set('VpcId', vpc, node.at('VpcAttributes').at('VpcId'));
  const ip =
    firstIp(node.at('VpcAttributes').at('PrivateIpAddress'), log) ?? firstIp(node.at('InnerIpAddress'), log);
  if (ip) p.set('PrivateIpAddress', ip.value, ip);
  const status = textValue(node.at('Status'), log);
  let stopped = false;
  if (status === 'Stopped' || status === 'Stopping') stopped = true;
  else if (status !== undefined && status !== 'Running') {
    if (status === 'Starting' || status === 'Pending')
      log.notice(`${id} is ${status} (${node.at('Status').where()}): imported as Running`);
    else log.error(node.at('Status'), 'InvalidValue', `unknown ECS Status ${JSON.stringify(status)}`);
  }
  if (status === 'Stopping')
    log.notice(`${id} is Stopping (${node.at('Status').where()}): imported as Stopped`);
  if (status === undefined) log.defaulted('Status', 'Running', id);
  return { origin: { node, what: `DescribeInstances ${id}` }, id, params: p, stopped };
}

// ---- load balancers -----------------------------------------------------------------------------

const LB_KEYS = new Set([
  'LoadBalancerId',
  'LoadBalancerName',
  'RegionId',
  'Address',
  'AddressType',
  'NetworkType',
  'VpcId',
  'VSwitchId',
  'LoadBalancerSpec',
  'LoadBalancerStatus',
  'ListenerPortsAndProtocol',
  'ListenerPortsAndProtocal',
  'ListenerPorts',
  'BackendServers',
]);

export interface ListedListener {
  readonly port: number;
  readonly protocol?: ListenerProtocol;
  readonly forward: boolean;
  readonly description?: JsonNode;
  readonly node: JsonNode;
}

export interface LoadBalancerRecord {
  readonly lb: ImportedLoadBalancer;
  /** The listeners DescribeLoadBalancerAttribute lists, when it lists them. */
  readonly listed?: readonly ListedListener[];
}

function readListedListeners(node: JsonNode, log: ImportLog): ListedListener[] | undefined {
  const lpp = node.has('ListenerPortsAndProtocol')
    ? unwrap(node.at('ListenerPortsAndProtocol'), 'ListenerPortAndProtocol', log)
    : node.has('ListenerPortsAndProtocal')
      ? unwrap(node.at('ListenerPortsAndProtocal'), 'ListenerPortAndProtocal', log)
      : undefined;
  if (lpp !== undefined)
    return lpp.flatMap((e) => {
      const port = intValue(e.at('ListenerPort'), log);
      if (port === undefined) return [];
      const proto = textValue(e.at('ListenerProtocol'), log)?.toLowerCase();
      const protocol = (['http', 'https', 'tcp', 'udp'] as const).find((x) => x === proto);
      if (proto !== undefined && protocol === undefined)
        log.error(
          e.at('ListenerProtocol'),
          'InvalidValue',
          `unknown ListenerProtocol ${JSON.stringify(proto)}`,
        );
      return [
        {
          port,
          protocol,
          forward: switchValue(e.at('ListenerForward'), log) === 'on',
          description: e.has('Description') ? e.at('Description') : undefined,
          node: e,
        },
      ];
    });
  if (node.has('ListenerPorts'))
    return unwrap(node.at('ListenerPorts'), 'ListenerPort', log).flatMap((e) => {
      const port = intValue(e, log);
      return port === undefined ? [] : [{ port, forward: false, node: e }];
    });
  return undefined;
}

export function readLoadBalancer(
  node: JsonNode,
  log: ImportLog,
  usedAddresses: Set<string>,
): LoadBalancerRecord | undefined {
  noteIgnored(log, 'DescribeLoadBalancerAttribute', node, LB_KEYS);
  const id = requiredText(node.at('LoadBalancerId'), log, 'LoadBalancerId');
  const region = requiredText(node.at('RegionId'), log, 'RegionId');
  if (id === undefined || region === undefined) return undefined;
  const p = new ParamSet();
  p.set('LoadBalancerId', id, node.at('LoadBalancerId'));
  p.set('RegionId', region, node.at('RegionId'));
  setText(p, 'LoadBalancerName', node.at('LoadBalancerName'), log);
  const addressType = textValue(node.at('AddressType'), log);
  p.set('AddressType', addressType?.toLowerCase(), node.at('AddressType'));
  setText(p, 'VpcId', node.at('VpcId'), log);
  setText(p, 'VSwitchId', node.at('VSwitchId'), log);
  if (textValue(node.at('NetworkType'), log)?.toLowerCase() === 'vpc' && !p.has('VpcId'))
    log.error(node.at('NetworkType'), 'InvalidValue', 'NetworkType is vpc but the response has no VpcId');
  const spec = textValue(node.at('LoadBalancerSpec'), log);
  if (spec !== undefined) {
    if ((GUARANTEED_SPECS as readonly string[]).includes(spec))
      p.set('LoadBalancerSpec', spec, node.at('LoadBalancerSpec'));
    else
      log.notice(
        `${id}: LoadBalancerSpec ${spec} is not a guaranteed-performance specification the model knows; imported as shared-performance (no spec)`,
      );
  }
  const address = textValue(node.at('Address'), log);
  if (address !== undefined && usedAddresses.has(address))
    log.notice(
      `${id}: Address ${address} is also another load balancer's (another VPC?); the model gives it a free address`,
    );
  else if (address !== undefined) {
    usedAddresses.add(address);
    p.set('Address', address, node.at('Address'));
  }
  const status = textValue(node.at('LoadBalancerStatus'), log);
  if (status !== undefined && status !== 'active')
    log.notice(`${id}: LoadBalancerStatus is ${status}; the model has only active load balancers`);
  const defaults = unwrap(node.at('BackendServers'), 'BackendServer', log).map((e) =>
    readEntry(e, 'default', 'DescribeLoadBalancerAttribute BackendServers', `${id} default group`, log),
  );
  const lb: ImportedLoadBalancer = {
    origin: { node, what: `DescribeLoadBalancerAttribute ${id}` },
    id,
    params: p,
    defaultServers: defaults,
    vServerGroups: [],
    masterSlaveGroups: [],
    listeners: [],
  };
  if (defaults.length > 0)
    lb.defaultOrigin = {
      node: node.at('BackendServers'),
      what: `DescribeLoadBalancerAttribute ${id} BackendServers`,
    };
  return { lb, listed: readListedListeners(node, log) };
}

// ---- groups -------------------------------------------------------------------------------------

export function readGroup(
  node: JsonNode,
  kind: 'vserver' | 'master-slave',
  log: ImportLog,
): { group: ImportedGroup; lbId: string } | undefined {
  const ms = kind === 'master-slave';
  const call = ms ? 'DescribeMasterSlaveServerGroupAttribute' : 'DescribeVServerGroupAttribute';
  const idKey = ms ? 'MasterSlaveServerGroupId' : 'VServerGroupId';
  const nameKey = ms ? 'MasterSlaveServerGroupName' : 'VServerGroupName';
  const listKey = ms ? 'MasterSlaveBackendServers' : 'BackendServers';
  noteIgnored(log, call, node, new Set([idKey, nameKey, 'LoadBalancerId', listKey]));
  const id = requiredText(node.at(idKey), log, idKey);
  const lbId = requiredText(node.at('LoadBalancerId'), log, 'LoadBalancerId');
  if (id === undefined || lbId === undefined) return undefined;
  const p = new ParamSet();
  setText(p, nameKey, node.at(nameKey), log);
  const entries = unwrap(node.at(listKey), ms ? 'MasterSlaveBackendServer' : 'BackendServer', log).map((e) =>
    readEntry(e, kind, `${call} ${listKey}`, id, log),
  );
  return { group: { origin: { node, what: `${call} ${id}` }, id, params: p, entries }, lbId };
}

// ---- listeners ----------------------------------------------------------------------------------

const LISTENER_COMMON = [
  'BackendServerPort',
  'Scheduler',
  'HealthCheckDomain',
  'HealthCheckURI',
  'HealthCheckConnectPort',
  'HealthyThreshold',
  'UnhealthyThreshold',
  'HealthCheckInterval',
  'HealthCheckHttpCode',
];
const HANDLED_LISTENER = new Set([
  ...LISTENER_COMMON,
  'ListenerPort',
  'ListenerProtocol',
  'LoadBalancerId',
  'Status',
  'VServerGroup',
  'VServerGroupId',
  'Description',
  'ListenerForward',
  'ForwardPort',
]);
export const HANDLED_L7 = new Set([
  ...HANDLED_LISTENER,
  'StickySession',
  'StickySessionType',
  'CookieTimeout',
  'Cookie',
  'HealthCheck',
  'HealthCheckTimeout',
  'Rules',
]);
export const HANDLED_L4 = new Set([
  ...HANDLED_LISTENER,
  'MasterSlaveServerGroup',
  'MasterSlaveServerGroupId',
  'PersistenceTimeout',
  'HealthCheck',
  'HealthCheckSwitch',
  'HealthCheckType',
  'HealthCheckConnectTimeout',
]);
const INT_FIELDS = new Set([
  'BackendServerPort',
  'HealthyThreshold',
  'UnhealthyThreshold',
  'HealthCheckInterval',
  'HealthCheckTimeout',
  'HealthCheckConnectTimeout',
  'CookieTimeout',
]);

/** A listener attribute's settings into `p` (its Create…Listener parameters). */
export function readListenerSettings(
  p: ParamSet,
  node: JsonNode,
  protocol: ListenerProtocol,
  log: ImportLog,
  subject: string,
): void {
  const l7 = layerOf(protocol) === 7;
  for (const k of LISTENER_COMMON) {
    if (k === 'HealthCheckDomain' || k === 'HealthCheckConnectPort') continue;
    if (INT_FIELDS.has(k)) setInt(p, k, node.at(k), log);
    else setText(p, k, node.at(k), log);
  }
  setHealthCheckDomain(p, node.at('HealthCheckDomain'), log, subject);
  setHealthCheckPort(p, node.at('HealthCheckConnectPort'), log, subject);
  const vsg = textValue(node.at('VServerGroupId'), log);
  if (vsg !== undefined && switchValue(node.at('VServerGroup'), log) !== 'off')
    p.set('VServerGroupId', vsg, node.at('VServerGroupId'));
  if (l7) {
    setSwitch(p, 'StickySession', node.at('StickySession'), log);
    setText(p, 'StickySessionType', node.at('StickySessionType'), log);
    setInt(p, 'CookieTimeout', node.at('CookieTimeout'), log);
    setText(p, 'Cookie', node.at('Cookie'), log);
    setSwitch(p, 'HealthCheck', node.at('HealthCheck'), log);
    setInt(p, 'HealthCheckTimeout', node.at('HealthCheckTimeout'), log);
  } else {
    const msg = textValue(node.at('MasterSlaveServerGroupId'), log);
    if (msg !== undefined && switchValue(node.at('MasterSlaveServerGroup'), log) !== 'off')
      p.set('MasterSlaveServerGroupId', msg, node.at('MasterSlaveServerGroupId'));
    setInt(p, 'PersistenceTimeout', node.at('PersistenceTimeout'), log, false);
    const hc = node.has('HealthCheck') ? node.at('HealthCheck') : node.at('HealthCheckSwitch');
    setSwitch(p, 'HealthCheckSwitch', hc, log);
    setText(p, 'HealthCheckType', node.at('HealthCheckType'), log);
    const timeout = node.has('HealthCheckConnectTimeout')
      ? node.at('HealthCheckConnectTimeout')
      : node.at('HealthCheckTimeout');
    setInt(p, 'HealthCheckConnectTimeout', timeout, log);
  }
}

export function listenerStatus(node: JsonNode, log: ImportLog, subject: string): boolean {
  const s = textValue(node, log)?.toLowerCase();
  if (s === undefined) {
    log.defaulted('Status', 'stopped', subject);
    return false;
  }
  if (s === 'running') return true;
  if (s === 'stopped') return false;
  if (s === 'starting' || s === 'configuring') {
    log.notice(`${subject} is ${s} (${node.where()}): imported as running`);
    return true;
  }
  if (s === 'stopping') {
    log.notice(`${subject} is stopping (${node.where()}): imported as stopped`);
    return false;
  }
  log.error(node, 'InvalidValue', `unknown listener Status ${JSON.stringify(s)}`);
  return false;
}

// ---- rules --------------------------------------------------------------------------------------

const RULE_FIELDS = [
  'RuleId',
  'RuleName',
  'Domain',
  'Url',
  'VServerGroupId',
  'ListenerSync',
  ...RULE_OVERRIDES,
] as const;
const RULE_INTS = new Set([
  'CookieTimeout',
  'HealthyThreshold',
  'UnhealthyThreshold',
  'HealthCheckTimeout',
  'HealthCheckInterval',
]);
const RULE_SWITCHES = new Set(['ListenerSync', 'StickySession', 'HealthCheck']);
const RULE_HANDLED = new Set<string>([...RULE_FIELDS, 'LoadBalancerId', 'ListenerPort', 'ListenerProtocol']);

export function readRuleParams(node: JsonNode, call: string, log: ImportLog): ParamSet {
  noteIgnored(log, call, node, RULE_HANDLED);
  const p = new ParamSet();
  const subject = `rule ${String(node.at('RuleId').value)}`;
  for (const k of RULE_FIELDS) {
    if (k === 'HealthCheckDomain' || k === 'HealthCheckConnectPort') continue;
    if (RULE_INTS.has(k)) setInt(p, k, node.at(k), log);
    else if (RULE_SWITCHES.has(k)) setSwitch(p, k, node.at(k), log);
    else setText(p, k, node.at(k), log);
  }
  setHealthCheckDomain(p, node.at('HealthCheckDomain'), log, subject);
  setHealthCheckPort(p, node.at('HealthCheckConnectPort'), log, subject);
  return p;
}
