/**
 * The declarative `topology:` → the OpenAPI events the console would send, in the console's order:
 * per load balancer CreateLoadBalancer, the default server group (AddBackendServers, 20 per call),
 * each VServer group (CreateVServerGroup with its first 20 servers, then
 * AddVServerGroupBackendServers per further 20), each primary/secondary group, then per listener
 * Create…Listener, its rules (CreateRules, 10 per call; own settings turn ListenerSync off) and
 * StartLoadBalancerListener unless `started: false`. All at time 0.
 *
 * Every event keeps the position of the element it came from, and every API parameter path
 * (`BackendServers[3].Weight`, `RuleList[0].Domain`) maps to the file node that set it, so a
 * rejection points at the exact line.
 */
import type { ActionName } from '../topology/events.js';
import { layerOf } from '../topology/types.js';
import type { Diagnostic, ScheduledEvent, SourcePos } from './scenario-model.js';
import type { ListenerData, LoadBalancerData, RuleData, StickyData } from './schema.js';
import { formatPath, type Path, type SourceMap } from './source.js';

/** Backend entries per call (`TooManyBackendServers` above). */
const BACKENDS_PER_CALL = 20;
/** Rules per CreateRules call. */
const RULES_PER_CALL = 10;

const CREATE_LISTENER: Readonly<Record<ListenerData['protocol'], ActionName>> = {
  http: 'CreateLoadBalancerHTTPListener',
  https: 'CreateLoadBalancerHTTPSListener',
  tcp: 'CreateLoadBalancerTCPListener',
  udp: 'CreateLoadBalancerUDPListener',
};

type Params = Record<string, unknown>;
/** API parameter path → file path of the node that set it. */
type ParamPaths = Record<string, Path>;

/** Network type of the ECS instances the file knows, for the groups' `networkType` check. */
export type NetworkTypes = ReadonlyMap<string, 'vpc' | 'classic'>;

class Emitter {
  readonly events: ScheduledEvent[] = [];
  readonly diagnostics: Diagnostic[] = [];

  constructor(private readonly map: SourceMap) {}

  emit(action: ActionName, params: Params, at: Path, paths: ParamPaths, extra?: Path): void {
    const paramPos: Record<string, SourcePos> = {};
    for (const [param, path] of Object.entries(paths)) paramPos[param] = this.map.pos(path);
    if (extra) for (const [rel, pos] of this.map.positionsUnder(extra)) paramPos[rel] ??= pos;
    this.events.push({ action, params, at: 0, pos: this.map.pos(at), field: formatPath(at), paramPos });
  }

  problem(path: Path, code: string, message: string): void {
    this.diagnostics.push({ ...this.map.pos(path), code, message });
  }

  /** A setting that does not belong where it is: reported at its key. */
  misplaced(path: Path, code: string, message: string): void {
    this.diagnostics.push({
      ...this.map.keyPos(path.slice(0, -1), String(path[path.length - 1])),
      code,
      message,
    });
  }

  /** Merge `extra` (a `params:` pass-through) into `params`; a parameter the form already sets is an error. */
  merge(
    params: Params,
    extra: Record<string, unknown> | undefined,
    extraPath: Path,
    setBy: Record<string, string>,
  ): void {
    if (!extra) return;
    for (const [k, v] of Object.entries(extra)) {
      if (k in params) {
        this.misplaced(
          [...extraPath, k],
          'SchemaError',
          `${k} is already set by ${setBy[k] ?? 'this element'}; remove it from params`,
        );
        continue;
      }
      params[k] = v;
    }
  }
}

/** Set `params[name]` and its path when `value` is given. */
function put(params: Params, paths: ParamPaths, name: string, value: unknown, path: Path): void {
  if (value === undefined) return;
  params[name] = value;
  paths[name] = path;
}

interface Entry {
  server: string;
  port?: number;
  weight?: number;
  type?: string;
  serverIp?: string;
  description?: string;
  serverType?: string;
}

/** Backend entries of one call, with their parameter paths under `list`. */
function entries(
  items: readonly Entry[],
  first: number,
  base: Path,
  list: string,
  paths: ParamPaths,
): Params[] {
  return items.map((e, j) => {
    const at = [...base, first + j];
    const p = `${list}[${j}]`;
    paths[p] = at;
    const out: Params = {};
    const local: ParamPaths = {};
    put(out, local, 'ServerId', e.server, [...at, 'server']);
    put(out, local, 'Port', e.port, [...at, 'port']);
    put(out, local, 'Weight', e.weight, [...at, 'weight']);
    put(out, local, 'ServerType', e.serverType, [...at, 'serverType']);
    put(out, local, 'Type', e.type, [...at, 'type']);
    put(out, local, 'ServerIp', e.serverIp, [...at, 'serverIp']);
    put(out, local, 'Description', e.description, [...at, 'description']);
    for (const [k, v] of Object.entries(local)) paths[`${p}.${k}`] = v;
    return out;
  });
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Sticky-session settings as API parameters. */
function sticky(value: StickyData | undefined, at: Path, params: Params, paths: ParamPaths): void {
  if (value === undefined) return;
  if (value === 'off') {
    put(params, paths, 'StickySession', 'off', at);
    return;
  }
  put(params, paths, 'StickySession', 'on', at);
  put(params, paths, 'StickySessionType', value.type, [...at, 'type']);
  if (value.type === 'insert')
    put(params, paths, 'CookieTimeout', value.cookieTimeout, [...at, 'cookieTimeout']);
  else put(params, paths, 'Cookie', value.cookie, [...at, 'cookie']);
}

type HealthData = ListenerData['healthCheck'];

/** Health-check settings as API parameters; `l4` uses the TCP/UDP names. */
function health(
  value: HealthData,
  at: Path,
  params: Params,
  paths: ParamPaths,
  l4: boolean,
  em: Emitter,
): void {
  if (value === undefined) return;
  const switchName = l4 ? 'HealthCheckSwitch' : 'HealthCheck';
  if (value === 'on' || value === 'off' || typeof value === 'boolean') {
    put(params, paths, switchName, value === true || value === 'on' ? 'on' : 'off', at);
    return;
  }
  put(params, paths, switchName, 'on', at);
  if (value.type !== undefined) {
    if (l4) put(params, paths, 'HealthCheckType', value.type, [...at, 'type']);
    else em.misplaced([...at, 'type'], 'SchemaError', 'healthCheck.type applies to TCP/UDP listeners only');
  }
  put(params, paths, 'HealthCheckDomain', value.domain, [...at, 'domain']);
  put(params, paths, 'HealthCheckURI', value.uri, [...at, 'uri']);
  put(params, paths, 'HealthCheckConnectPort', value.connectPort, [...at, 'connectPort']);
  put(params, paths, 'HealthyThreshold', value.healthyThreshold, [...at, 'healthyThreshold']);
  put(params, paths, 'UnhealthyThreshold', value.unhealthyThreshold, [...at, 'unhealthyThreshold']);
  put(params, paths, l4 ? 'HealthCheckConnectTimeout' : 'HealthCheckTimeout', value.timeout, [
    ...at,
    'timeout',
  ]);
  put(params, paths, 'HealthCheckInterval', value.interval, [...at, 'interval']);
  put(params, paths, 'HealthCheckHttpCode', value.httpCode, [...at, 'httpCode']);
}

function ruleItem(rule: RuleData, at: Path, j: number, paths: ParamPaths, em: Emitter): Params {
  const item: Params = {};
  const local: ParamPaths = {};
  put(item, local, 'RuleName', rule.name, [...at, 'name']);
  put(item, local, 'Domain', rule.domain, [...at, 'domain']);
  put(item, local, 'Url', rule.url, [...at, 'url']);
  put(item, local, 'VServerGroupId', rule.group, [...at, 'group']);
  put(item, local, 'RuleId', rule.id, [...at, 'id']);
  const own =
    rule.scheduler !== undefined || rule.stickySession !== undefined || rule.healthCheck !== undefined;
  if (own) {
    item.ListenerSync = 'off';
    local.ListenerSync = at;
    put(item, local, 'Scheduler', rule.scheduler, [...at, 'scheduler']);
    sticky(rule.stickySession, [...at, 'stickySession'], item, local);
    health(rule.healthCheck, [...at, 'healthCheck'], item, local, false, em);
  }
  paths[`RuleList[${j}]`] = at;
  for (const [k, v] of Object.entries(local)) paths[`RuleList[${j}].${k}`] = v;
  return item;
}

function compileListener(lb: LoadBalancerData, l: ListenerData, at: Path, lbAt: Path, em: Emitter): void {
  const l4 = layerOf(l.protocol) === 4;
  const params: Params = {};
  const paths: ParamPaths = {};
  put(params, paths, 'LoadBalancerId', lb.id, [...lbAt, 'id']);
  put(params, paths, 'ListenerPort', l.port, [...at, 'port']);
  put(params, paths, 'BackendServerPort', l.backendPort, [...at, 'backendPort']);
  put(params, paths, 'VServerGroupId', l.group, [...at, 'group']);
  if (l.masterSlaveGroup !== undefined) {
    if (l4) put(params, paths, 'MasterSlaveServerGroupId', l.masterSlaveGroup, [...at, 'masterSlaveGroup']);
    else
      em.misplaced(
        [...at, 'masterSlaveGroup'],
        'VipNotMatchRspool',
        `the backend server group does not match the listener: primary/secondary groups serve only TCP/UDP listeners, not ${l.protocol.toUpperCase()}`,
      );
  }
  put(params, paths, 'Scheduler', l.scheduler, [...at, 'scheduler']);
  if (l.stickySession !== undefined) {
    if (l4)
      em.misplaced(
        [...at, 'stickySession'],
        'SchemaError',
        'stickySession (cookies) is for HTTP/HTTPS listeners; TCP/UDP listeners keep clients with persistence (seconds)',
      );
    else sticky(l.stickySession, [...at, 'stickySession'], params, paths);
  }
  if (l.persistence !== undefined) {
    if (l4) put(params, paths, 'PersistenceTimeout', l.persistence, [...at, 'persistence']);
    else
      em.misplaced(
        [...at, 'persistence'],
        'SchemaError',
        'persistence (source IP) is for TCP/UDP listeners; HTTP/HTTPS listeners use stickySession',
      );
  }
  health(l.healthCheck, [...at, 'healthCheck'], params, paths, l4, em);
  put(params, paths, 'Description', l.description, [...at, 'description']);
  em.merge(params, l.params, [...at, 'params'], {
    LoadBalancerId: 'the load balancer',
    ListenerPort: 'port',
    BackendServerPort: 'backendPort',
    VServerGroupId: 'group',
    MasterSlaveServerGroupId: 'masterSlaveGroup',
    Scheduler: 'scheduler',
    Description: 'description',
  });
  em.emit(CREATE_LISTENER[l.protocol], params, at, paths, l.params ? [...at, 'params'] : undefined);

  const ident = (paths: ParamPaths): Params => {
    const p: Params = {};
    put(p, paths, 'LoadBalancerId', lb.id, [...lbAt, 'id']);
    put(p, paths, 'ListenerPort', l.port, [...at, 'port']);
    put(p, paths, 'ListenerProtocol', l.protocol, [...at, 'protocol']);
    return p;
  };
  const rules = l.rules ?? [];
  chunks(rules, RULES_PER_CALL).forEach((chunk, k) => {
    const rulePaths: ParamPaths = {};
    const p = ident(rulePaths);
    // ListenerPort errors of CreateRules (RuleNotSupport) concern the rules, not the port.
    rulePaths.ListenerPort = [...at, 'rules'];
    p.RuleList = chunk.map((r, j) => ruleItem(r, [...at, 'rules', k * RULES_PER_CALL + j], j, rulePaths, em));
    rulePaths.RuleList = [...at, 'rules'];
    em.emit('CreateRules', p, k === 0 ? [...at, 'rules'] : [...at, 'rules', k * RULES_PER_CALL], rulePaths);
  });
  if (l.started !== false) {
    const startPaths: ParamPaths = {};
    em.emit('StartLoadBalancerListener', ident(startPaths), at, startPaths);
  }
}

/** Compile the declarative load balancers; `networkTypes` comes from the file's `instances`. */
export function compileTopology(
  loadBalancers: readonly LoadBalancerData[],
  map: SourceMap,
  networkTypes: NetworkTypes,
): { events: ScheduledEvent[]; diagnostics: Diagnostic[] } {
  const em = new Emitter(map);
  loadBalancers.forEach((lb, i) => {
    const at: Path = ['topology', 'loadBalancers', i];
    const lbId = (paths: ParamPaths): Params => {
      const p: Params = {};
      put(p, paths, 'LoadBalancerId', lb.id, [...at, 'id']);
      return p;
    };

    const createPaths: ParamPaths = {};
    const create = lbId(createPaths);
    put(create, createPaths, 'RegionId', lb.region, [...at, 'region']);
    put(create, createPaths, 'LoadBalancerName', lb.name, [...at, 'name']);
    put(create, createPaths, 'AddressType', lb.addressType, [...at, 'addressType']);
    put(create, createPaths, 'VpcId', lb.vpc, [...at, 'vpc']);
    put(create, createPaths, 'VSwitchId', lb.vswitch, [...at, 'vswitch']);
    put(create, createPaths, 'LoadBalancerSpec', lb.spec, [...at, 'spec']);
    put(create, createPaths, 'Address', lb.address, [...at, 'address']);
    em.merge(create, lb.params, [...at, 'params'], {
      LoadBalancerId: 'id',
      RegionId: 'region',
      LoadBalancerName: 'name',
      AddressType: 'addressType',
      VpcId: 'vpc',
      VSwitchId: 'vswitch',
      LoadBalancerSpec: 'spec',
      Address: 'address',
    });
    em.emit('CreateLoadBalancer', create, at, createPaths, lb.params ? [...at, 'params'] : undefined);

    const pool = lb.defaultServers ?? [];
    chunks(pool, BACKENDS_PER_CALL).forEach((chunk, k) => {
      const paths: ParamPaths = {};
      const p = lbId(paths);
      p.BackendServers = entries(
        chunk,
        k * BACKENDS_PER_CALL,
        [...at, 'defaultServers'],
        'BackendServers',
        paths,
      );
      paths.BackendServers = [...at, 'defaultServers'];
      em.emit(
        'AddBackendServers',
        p,
        k === 0 ? [...at, 'defaultServers'] : [...at, 'defaultServers', k * BACKENDS_PER_CALL],
        paths,
      );
    });

    (lb.vServerGroups ?? []).forEach((g, gi) => {
      const gAt: Path = [...at, 'vServerGroups', gi];
      const servers = g.servers ?? [];
      if (g.networkType !== undefined)
        servers.forEach((s, si) => {
          const actual = networkTypes.get(s.server);
          if (actual !== undefined && actual !== g.networkType)
            em.problem(
              [...gAt, 'servers', si, 'server'],
              'NetworkTypeMismatch',
              `${s.server} is a ${actual} instance; VServer group ${g.id} takes ${g.networkType} servers`,
            );
        });
      const groups = chunks(servers, BACKENDS_PER_CALL);
      const createPaths: ParamPaths = {};
      const create = lbId(createPaths);
      put(create, createPaths, 'VServerGroupId', g.id, [...gAt, 'id']);
      put(create, createPaths, 'VServerGroupName', g.name, [...gAt, 'name']);
      if (groups.length > 0) {
        create.BackendServers = entries(groups[0], 0, [...gAt, 'servers'], 'BackendServers', createPaths);
        createPaths.BackendServers = [...gAt, 'servers'];
      }
      em.emit('CreateVServerGroup', create, gAt, createPaths);
      groups.slice(1).forEach((chunk, k) => {
        const first = (k + 1) * BACKENDS_PER_CALL;
        const paths: ParamPaths = {};
        const p: Params = {};
        put(p, paths, 'VServerGroupId', g.id, [...gAt, 'id']);
        p.BackendServers = entries(chunk, first, [...gAt, 'servers'], 'BackendServers', paths);
        paths.BackendServers = [...gAt, 'servers'];
        em.emit('AddVServerGroupBackendServers', p, [...gAt, 'servers', first], paths);
      });
    });

    (lb.masterSlaveGroups ?? []).forEach((g, gi) => {
      const gAt: Path = [...at, 'masterSlaveGroups', gi];
      const paths: ParamPaths = {};
      const p = lbId(paths);
      put(p, paths, 'MasterSlaveServerGroupId', g.id, [...gAt, 'id']);
      put(p, paths, 'MasterSlaveServerGroupName', g.name, [...gAt, 'name']);
      p.MasterSlaveBackendServers = entries(
        g.servers,
        0,
        [...gAt, 'servers'],
        'MasterSlaveBackendServers',
        paths,
      );
      paths.MasterSlaveBackendServers = [...gAt, 'servers'];
      em.emit('CreateMasterSlaveServerGroup', p, gAt, paths);
    });

    (lb.listeners ?? []).forEach((l, li) => {
      compileListener(lb, l, [...at, 'listeners', li], at, em);
    });
  });
  return { events: em.events, diagnostics: em.diagnostics };
}
