/**
 * One resource of a Terraform state → the imported piece it describes: its attributes under their
 * OpenAPI parameter names, numbers as numbers, Terraform's "not set" values (`""`, `0`) left out,
 * and only the attributes the provider applies for that listener protocol or rule mode (it keeps
 * every default in the state, also where it ignores it). Which attributes each resource type
 * reads is `READ`; any other attribute with a value is listed as ignored. A state records neither
 * the provider's region nor a VPC per resource: both are derived (`regionFor`, `vpcOf`). How the
 * resources join up is `terraform-import.ts`.
 */

import { RULE_OVERRIDES } from '../topology/actions/rules.js';
import { GUARANTEED_SPECS, type ListenerProtocol, layerOf } from '../topology/types.js';
import {
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
  type ImportedInstance,
  type ImportedLoadBalancer,
  ParamSet,
} from './imported-topology.js';
import { isEmpty, isObject, type JsonNode } from './json-input.js';
import type { TfResource } from './terraform-state.js';

export const PROTOCOLS: readonly ListenerProtocol[] = ['http', 'https', 'tcp', 'udp'];

/** `cn-hangzhou-h` → `cn-hangzhou`, `ap-southeast-1a` → `ap-southeast-1`. */
export function regionOfZone(zone: string): string | undefined {
  const m = /^(.*\d)[a-z]$/.exec(zone) ?? /^(.*)-[a-z]$/.exec(zone);
  return m?.[1];
}

/** Attributes `type` reads, by resource type; any other attribute with a value is listed as ignored. */
export const READ: Record<string, readonly string[]> = {
  alicloud_instance: [
    'id',
    'instance_name',
    'availability_zone',
    'vswitch_id',
    'subnet_id',
    'private_ip',
    'status',
  ],
  alicloud_vswitch: ['id', 'vpc_id', 'zone_id', 'availability_zone'],
  alicloud_slb_load_balancer: [
    'id',
    'load_balancer_name',
    'name',
    'address_type',
    'internet',
    'vswitch_id',
    'load_balancer_spec',
    'specification',
    'address',
    'master_zone_id',
    'status',
  ],
  alicloud_slb_backend_server: ['id', 'load_balancer_id', 'backend_servers'],
  alicloud_slb_attachment: [
    'id',
    'load_balancer_id',
    'instance_ids',
    'weight',
    'server_type',
    'backend_servers',
  ],
  alicloud_slb_server_group: ['id', 'load_balancer_id', 'name', 'server_group_name', 'servers'],
  alicloud_slb_server_group_server_attachment: [
    'id',
    'server_group_id',
    'server_id',
    'port',
    'weight',
    'type',
    'description',
  ],
  alicloud_slb_master_slave_server_group: ['id', 'load_balancer_id', 'name', 'servers'],
  alicloud_slb_listener: [
    'id',
    'load_balancer_id',
    'protocol',
    'lb_protocol',
    'frontend_port',
    'lb_port',
    'backend_port',
    'instance_port',
    'server_group_id',
    'master_slave_server_group_id',
    'scheduler',
    'sticky_session',
    'sticky_session_type',
    'cookie_timeout',
    'cookie',
    'persistence_timeout',
    'health_check',
    'health_check_type',
    'health_check_domain',
    'health_check_uri',
    'health_check_connect_port',
    'healthy_threshold',
    'unhealthy_threshold',
    'health_check_timeout',
    'health_check_interval',
    'health_check_http_code',
    'description',
    'listener_forward',
    'forward_port',
  ],
  alicloud_slb_rule: [
    'id',
    'load_balancer_id',
    'frontend_port',
    'name',
    'domain',
    'url',
    'server_group_id',
    'listener_sync',
    'scheduler',
    'sticky_session',
    'sticky_session_type',
    'cookie_timeout',
    'cookie',
    'health_check',
    'health_check_domain',
    'health_check_uri',
    'health_check_connect_port',
    'healthy_threshold',
    'unhealthy_threshold',
    'health_check_timeout',
    'health_check_interval',
    'health_check_http_code',
  ],
};
READ.alicloud_slb = READ.alicloud_slb_load_balancer;
/** Data sources read for the inventory. */
export const DATA_READ: Record<string, readonly string[]> = {
  alicloud_instances: ['id', 'ids', 'names', 'name_regex', 'total_count', 'instances'],
  alicloud_vswitches: ['id', 'ids', 'names', 'name_regex', 'total_count', 'vswitches'],
};

export function hasValue(v: unknown): boolean {
  if (isEmpty(v) || v === false || v === 0) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isObject(v)) return Object.keys(v).length > 0;
  return true;
}

/** A nested block or list attribute's items (Terraform writes blocks as lists of objects). */
export function blocks(node: JsonNode): JsonNode[] {
  if (Array.isArray(node.value)) return node.items();
  if (isObject(node.value)) return [node];
  return [];
}

export interface Vswitch {
  readonly vpc?: string;
  readonly zone?: string;
}

export interface TfContext {
  readonly log: ImportLog;
  /** `--region`: the provider's region, when given. */
  readonly region?: string;
  readonly vswitches: Map<string, Vswitch>;
  /** Region → the zones it was derived from. */
  readonly derivedRegions: Map<string, Set<string>>;
}

export function regionFor(
  ctx: TfContext,
  zone: string | undefined,
  node: JsonNode,
  subject: string,
): string | undefined {
  if (ctx.region !== undefined) return ctx.region;
  const region = zone === undefined ? undefined : regionOfZone(zone);
  if (region !== undefined) {
    ctx.derivedRegions.set(region, (ctx.derivedRegions.get(region) ?? new Set()).add(zone as string));
    return region;
  }
  ctx.log.error(
    node,
    'MissingResource',
    `${subject}: its region is unknown (a state does not record the provider's region and it has no zone): pass --region`,
  );
  return undefined;
}

export function vpcOf(ctx: TfContext, vswitch: string, node: JsonNode, subject: string): Vswitch | undefined {
  const v = ctx.vswitches.get(vswitch);
  if (v) return v;
  ctx.log.error(
    node,
    'MissingResource',
    `${subject} is in vswitch ${vswitch}, but the state holds no alicloud_vswitch ${vswitch} (nor a data.alicloud_vswitches listing it): its VPC is unknown`,
  );
  return undefined;
}

export function readInstance(
  ctx: TfContext,
  a: JsonNode,
  address: string,
  fields: {
    id: string;
    name: string;
    zone: string;
    vswitch: string;
    vpc?: string;
    region?: string;
    ip: string;
  },
): ImportedInstance | undefined {
  const { log } = ctx;
  const id = requiredText(a.at(fields.id), log, fields.id);
  if (id === undefined) return undefined;
  const p = new ParamSet();
  p.set('InstanceId', id, a.at(fields.id));
  setText(p, 'InstanceName', a.at(fields.name), log);
  const vsw = textValue(a.at(fields.vswitch), log);
  let vpc = fields.vpc === undefined ? undefined : textValue(a.at(fields.vpc), log);
  let zone = textValue(a.at(fields.zone), log);
  if (vsw !== undefined && vpc === undefined) {
    const v = vpcOf(ctx, vsw, a.at(fields.vswitch), `${address} (${id})`);
    vpc = v?.vpc;
    zone ??= v?.zone;
  }
  const given = fields.region === undefined ? undefined : textValue(a.at(fields.region), log);
  const region = given ?? regionFor(ctx, zone, a, `${address} (${id})`);
  if (region === undefined) return undefined;
  p.set('RegionId', region, a.at(fields.region ?? fields.zone));
  p.set('ZoneId', zone, a.at(fields.zone));
  p.set('NetworkType', vpc === undefined ? 'classic' : 'vpc', a.at(fields.vswitch));
  p.set('VpcId', vpc, a.at(fields.vswitch));
  setText(p, 'PrivateIpAddress', a.at(fields.ip), log);
  const status = textValue(a.at('status'), log);
  if (status === undefined) log.defaulted('Status', 'Running', id);
  else if (status !== 'Running' && status !== 'Stopped')
    log.notice(
      `${id} is ${status} (${a.at('status').where()}): imported as ${status === 'Stopping' ? 'Stopped' : 'Running'}`,
    );
  const stopped = status === 'Stopped' || status === 'Stopping';
  return { origin: { node: a, what: `${address} (${id})` }, id, params: p, stopped };
}

export function readEntry(
  log: ImportLog,
  node: JsonNode,
  what: string,
  keys: { server: JsonNode; port?: JsonNode; serverType?: JsonNode },
): ImportedEntry {
  const p = new ParamSet();
  const id = requiredText(keys.server, log, 'server_id');
  p.set('ServerId', id, keys.server);
  if (keys.port) setInt(p, 'Port', keys.port, log);
  setInt(p, 'Weight', node.at('weight'), log, false);
  p.set('Type', textValue(node.at('type'), log)?.toLowerCase(), node.at('type'));
  setText(p, 'ServerIp', node.at('server_ip'), log);
  setDescription(p, node.at('description'), log, `${what} ${id}`);
  if (keys.serverType) setText(p, 'ServerType', keys.serverType, log);
  return { origin: { node, what: `${what} ${id}` }, params: p };
}

/**
 * A listener's Create parameters. Terraform keeps every attribute's default in the state, also
 * where the provider ignores it (its diff suppression): `sticky_session*`, `cookie*` and
 * `health_check` only on HTTP/HTTPS, the health-check settings of an HTTP/HTTPS listener only with
 * `health_check` on, `health_check_type` only on TCP, its URI, domain and codes only for HTTP-type
 * checks, `persistence_timeout` only on TCP/UDP (CLB's layer-4 checks are always on). Only what
 * applies is read.
 */
export function listenerParams(
  a: JsonNode,
  protocol: ListenerProtocol,
  log: ImportLog,
  subject: string,
): ParamSet {
  const p = new ParamSet();
  const l7 = layerOf(protocol) === 7;
  const pick = (...keys: string[]) => a.at(keys.find((k) => !isEmpty(a.at(k).value)) ?? keys[0]);
  setInt(p, 'BackendServerPort', pick('backend_port', 'instance_port'), log);
  setText(p, 'VServerGroupId', a.at('server_group_id'), log);
  if (!l7) setText(p, 'MasterSlaveServerGroupId', a.at('master_slave_server_group_id'), log);
  setText(p, 'Scheduler', a.at('scheduler'), log);
  if (l7) {
    const sticky = switchValue(a.at('sticky_session'), log);
    p.set('StickySession', sticky, a.at('sticky_session'));
    if (sticky === 'on') {
      setText(p, 'StickySessionType', a.at('sticky_session_type'), log);
      setInt(p, 'CookieTimeout', a.at('cookie_timeout'), log);
      setText(p, 'Cookie', a.at('cookie'), log);
    }
  } else setInt(p, 'PersistenceTimeout', a.at('persistence_timeout'), log, false);
  const hc = l7 ? switchValue(a.at('health_check'), log) : 'on';
  if (l7) p.set('HealthCheck', hc, a.at('health_check'));
  const type = protocol === 'tcp' ? textValue(a.at('health_check_type'), log) : undefined;
  if (protocol === 'tcp') p.set('HealthCheckType', type, a.at('health_check_type'));
  if (hc !== 'off') {
    if (l7 || type === 'http') {
      setHealthCheckDomain(p, a.at('health_check_domain'), log, subject);
      setText(p, 'HealthCheckURI', a.at('health_check_uri'), log);
      setText(p, 'HealthCheckHttpCode', a.at('health_check_http_code'), log);
    }
    setHealthCheckPort(p, a.at('health_check_connect_port'), log, subject);
    setInt(p, 'HealthyThreshold', a.at('healthy_threshold'), log);
    setInt(p, 'UnhealthyThreshold', a.at('unhealthy_threshold'), log);
    setInt(p, l7 ? 'HealthCheckTimeout' : 'HealthCheckConnectTimeout', a.at('health_check_timeout'), log);
    setInt(p, 'HealthCheckInterval', a.at('health_check_interval'), log);
  }
  setDescription(p, a.at('description'), log, subject);
  return p;
}

/** The per-rule settings that apply only with listener_sync off. */
const RULE_OVERRIDE_SET = new Set<string>(RULE_OVERRIDES);

const RULE_MAP: readonly [string, string, 'int' | 'text' | 'switch'][] = [
  ['RuleName', 'name', 'text'],
  ['Domain', 'domain', 'text'],
  ['Url', 'url', 'text'],
  ['VServerGroupId', 'server_group_id', 'text'],
  ['ListenerSync', 'listener_sync', 'switch'],
  ['Scheduler', 'scheduler', 'text'],
  ['StickySession', 'sticky_session', 'switch'],
  ['StickySessionType', 'sticky_session_type', 'text'],
  ['CookieTimeout', 'cookie_timeout', 'int'],
  ['Cookie', 'cookie', 'text'],
  ['HealthCheck', 'health_check', 'switch'],
  ['HealthCheckDomain', 'health_check_domain', 'text'],
  ['HealthCheckURI', 'health_check_uri', 'text'],
  ['HealthCheckConnectPort', 'health_check_connect_port', 'int'],
  ['HealthyThreshold', 'healthy_threshold', 'int'],
  ['UnhealthyThreshold', 'unhealthy_threshold', 'int'],
  ['HealthCheckTimeout', 'health_check_timeout', 'int'],
  ['HealthCheckInterval', 'health_check_interval', 'int'],
  ['HealthCheckHttpCode', 'health_check_http_code', 'text'],
];

/** An `alicloud_slb_load_balancer` (or the deprecated `alicloud_slb`). */
export function readLoadBalancer(
  ctx: TfContext,
  r: TfResource,
  usedAddresses: Set<string>,
): ImportedLoadBalancer | undefined {
  const { log } = ctx;
  const a = r.attributes;
  const id = requiredText(a.at('id'), log, 'id');
  if (id === undefined) return undefined;
  const p = new ParamSet();
  p.set('LoadBalancerId', id, a.at('id'));
  const vsw = textValue(a.at('vswitch_id'), log);
  const v = vsw === undefined ? undefined : vpcOf(ctx, vsw, a.at('vswitch_id'), `${r.address} (${id})`);
  const zone = textValue(a.at('master_zone_id'), log) ?? v?.zone;
  const region = regionFor(ctx, zone, a, `${r.address} (${id})`);
  if (region === undefined) return undefined;
  p.set('RegionId', region, a.at('master_zone_id'));
  const nameNode = isEmpty(a.at('load_balancer_name').value) ? a.at('name') : a.at('load_balancer_name');
  setText(p, 'LoadBalancerName', nameNode, log);
  const type = textValue(a.at('address_type'), log);
  const internet = a.at('internet').value;
  p.set(
    'AddressType',
    type?.toLowerCase() ?? (internet === true ? 'internet' : internet === false ? 'intranet' : undefined),
    isEmpty(type) ? a.at('internet') : a.at('address_type'),
  );
  if (v?.vpc !== undefined) p.set('VpcId', v.vpc, a.at('vswitch_id'));
  p.set('VSwitchId', vsw, a.at('vswitch_id'));
  const specNode = isEmpty(a.at('load_balancer_spec').value)
    ? a.at('specification')
    : a.at('load_balancer_spec');
  const spec = textValue(specNode, log);
  if (spec !== undefined) {
    if ((GUARANTEED_SPECS as readonly string[]).includes(spec)) p.set('LoadBalancerSpec', spec, specNode);
    else
      log.notice(
        `${id}: load_balancer_spec ${spec} is not a guaranteed-performance specification the model knows; imported as shared-performance`,
      );
  }
  const address = textValue(a.at('address'), log);
  if (address !== undefined && usedAddresses.has(address))
    log.notice(
      `${id}: address ${address} is also another load balancer's; the model gives it a free address`,
    );
  else if (address !== undefined) {
    usedAddresses.add(address);
    p.set('Address', address, a.at('address'));
  }
  const status = textValue(a.at('status'), log);
  if (status !== undefined && status !== 'active')
    log.notice(`${id}: status is ${status}; the model has only active load balancers`);
  return {
    origin: { node: a, what: `${r.address} (${id})` },
    id,
    params: p,
    defaultServers: [],
    vServerGroups: [],
    masterSlaveGroups: [],
    listeners: [],
  };
}

/** An `alicloud_slb_rule`'s RuleList item (`id` is its rule id). */
export function readRule(log: ImportLog, a: JsonNode, id: string): ParamSet {
  const p = new ParamSet();
  p.set('RuleId', id, a.at('id'));
  const sync = switchValue(a.at('listener_sync'), log);
  for (const [param, attr, kind] of RULE_MAP) {
    // With listener_sync on the rule takes the listener's settings: the provider ignores its own.
    if (sync !== 'off' && RULE_OVERRIDE_SET.has(param)) continue;
    if (param === 'HealthCheckDomain') setHealthCheckDomain(p, a.at(attr), log, id);
    else if (param === 'HealthCheckConnectPort') setHealthCheckPort(p, a.at(attr), log, id);
    else if (kind === 'int') setInt(p, param, a.at(attr), log);
    else if (kind === 'switch') setSwitch(p, param, a.at(attr), log);
    else setText(p, param, a.at(attr), log);
  }
  return p;
}
