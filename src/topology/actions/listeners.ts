/**
 * Listeners: `CreateLoadBalancer{HTTP,HTTPS,TCP,UDP}Listener`,
 * `SetLoadBalancer{HTTP,HTTPS,TCP,UDP}ListenerAttribute`, `Start…`, `Stop…`, `DeleteLoadBalancerListener`.
 *
 * - A listener is keyed by LoadBalancerId + ListenerProtocol + ListenerPort. HTTP, HTTPS and TCP
 *   share the TCP transport, so one port holds at most one of them, plus at most one UDP listener
 *   (`ListenerAlreadyExists` otherwise).
 * - A new listener is `stopped` until StartLoadBalancerListener. Defaults: Scheduler wrr, health
 *   checks on with thresholds 3/3, interval 2 s, timeout 5 s; StickySession off; PersistenceTimeout 0.
 * - It uses a VServer group (switch `VServerGroup`), a primary/secondary group (TCP/UDP only, switch
 *   `MasterSlaveServerGroup`) or the default pool on `BackendServerPort` — never both groups.
 *   Creating with a group id turns its switch on; turning a switch off unbinds the group.
 * - sch/tch only on TCP/UDP, qch only on UDP, all three only on guaranteed-performance specs.
 */
import { withListener, withLoadBalancer } from '../edit.js';
import {
  cookieFormat,
  descriptionFormat,
  healthCheckDomainFormat,
  healthCheckUriFormat,
  httpCodeFormat,
  idFormat,
} from '../formats.js';
import type { ParamReader } from '../params.js';
import { fail } from '../reject.js';
import {
  DEFAULT_SCHEDULER,
  isConsistentHash,
  needsGuaranteedSpec,
  SCHEDULER_NAMES,
  schedulerLayers,
  schedulerProtocols,
} from '../scheduler-names.js';
import {
  type Listener,
  type ListenerProtocol,
  type LoadBalancer,
  layerOf,
  type OnOff,
  type StickySessionType,
} from '../types.js';
import {
  type ActionHandler,
  type ActionTable,
  COOKIE_TIMEOUT,
  HC_INTERVAL,
  HC_TIMEOUT,
  masterSlaveGroupOf,
  PERSISTENCE_TIMEOUT,
  PORT,
  requireListener,
  requireLoadBalancer,
  THRESHOLD,
  vServerGroupOf,
} from './action-context.js';

/** Listeners per load balancer. */
export const MAX_LISTENERS_PER_LB = 50;

const STICKY_TYPES: readonly StickySessionType[] = ['insert', 'server'];

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Draft = Mutable<Listener>;

const COMMON_PARAMS = [
  'RegionId',
  'LoadBalancerId',
  'ListenerPort',
  'BackendServerPort',
  'VServerGroupId',
  'Scheduler',
  'HealthCheckDomain',
  'HealthCheckURI',
  'HealthCheckConnectPort',
  'HealthyThreshold',
  'UnhealthyThreshold',
  'HealthCheckInterval',
  'HealthCheckHttpCode',
  'Description',
];
const L7_PARAMS = [
  ...COMMON_PARAMS,
  'StickySession',
  'StickySessionType',
  'CookieTimeout',
  'Cookie',
  'HealthCheck',
  'HealthCheckTimeout',
];
const L4_PARAMS = [
  ...COMMON_PARAMS,
  'MasterSlaveServerGroupId',
  'PersistenceTimeout',
  'HealthCheckSwitch',
  'HealthCheckType',
  'HealthCheckConnectTimeout',
  // The SDK sends the interval of TCP/UDP listeners under this lower-case name.
  'healthCheckInterval',
];

/** The transport a listener occupies its port on: HTTP, HTTPS and TCP all listen on TCP. */
function transport(protocol: ListenerProtocol): 'tcp' | 'udp' {
  return protocol === 'udp' ? 'udp' : 'tcp';
}

/** A listener in canonical field order, without absent optional fields. */
export function normalizeListener(d: Draft): Listener {
  const out: Record<string, unknown> = {};
  const keys: (keyof Listener)[] = [
    'ListenerProtocol',
    'ListenerPort',
    'BackendServerPort',
    'Scheduler',
    'VServerGroup',
    'VServerGroupId',
    'MasterSlaveServerGroup',
    'MasterSlaveServerGroupId',
    'StickySession',
    'StickySessionType',
    'CookieTimeout',
    'Cookie',
    'PersistenceTimeout',
    'HealthCheck',
    'HealthCheckType',
    'HealthCheckDomain',
    'HealthCheckURI',
    'HealthCheckConnectPort',
    'HealthyThreshold',
    'UnhealthyThreshold',
    'HealthCheckTimeout',
    'HealthCheckInterval',
    'HealthCheckHttpCode',
    'Status',
    'Description',
    'Rules',
  ];
  for (const k of keys) if (d[k] !== undefined) out[k] = d[k];
  return out as unknown as Listener;
}

/** Read the settings a Create/Set call gives into `d` (group bindings are handled separately). */
function readSettings(p: ParamReader, protocol: ListenerProtocol, d: Draft): void {
  const l7 = layerOf(protocol) === 7;
  const set = <K extends keyof Draft>(k: K, v: Draft[K] | undefined) => {
    if (v !== undefined) d[k] = v;
  };
  set('BackendServerPort', p.int('BackendServerPort', PORT));
  set('Scheduler', p.oneOf('Scheduler', SCHEDULER_NAMES));
  set('HealthCheckDomain', p.str('HealthCheckDomain', healthCheckDomainFormat));
  set('HealthCheckURI', p.str('HealthCheckURI', healthCheckUriFormat));
  set('HealthCheckConnectPort', p.int('HealthCheckConnectPort', PORT));
  set('HealthyThreshold', p.int('HealthyThreshold', THRESHOLD));
  set('UnhealthyThreshold', p.int('UnhealthyThreshold', THRESHOLD));
  set('HealthCheckInterval', p.int('HealthCheckInterval', HC_INTERVAL));
  set('HealthCheckHttpCode', p.str('HealthCheckHttpCode', httpCodeFormat));
  set('Description', p.str('Description', descriptionFormat));
  if (l7) {
    set('StickySession', p.onOff('StickySession'));
    set('StickySessionType', p.oneOf('StickySessionType', STICKY_TYPES));
    set('CookieTimeout', p.int('CookieTimeout', COOKIE_TIMEOUT));
    set('Cookie', p.str('Cookie', cookieFormat));
    set('HealthCheck', p.onOff('HealthCheck'));
    set('HealthCheckTimeout', p.int('HealthCheckTimeout', HC_TIMEOUT));
  } else {
    set('PersistenceTimeout', p.int('PersistenceTimeout', PERSISTENCE_TIMEOUT));
    set('HealthCheck', p.onOff('HealthCheckSwitch'));
    const types = protocol === 'udp' ? (['udp', 'tcp', 'http'] as const) : (['tcp', 'http'] as const);
    set('HealthCheckType', p.oneOf('HealthCheckType', types));
    set('HealthCheckTimeout', p.int('HealthCheckConnectTimeout', HC_TIMEOUT));
    if (!p.has('HealthCheckInterval')) set('HealthCheckInterval', p.int('healthCheckInterval', HC_INTERVAL));
  }
}

/** Cross-field rules on the listener as it will be after the call. */
function validate(lb: LoadBalancer, d: Draft, p: ParamReader): void {
  const protocol = d.ListenerProtocol;
  const s = d.Scheduler;
  if (isConsistentHash(s) && !schedulerLayers(s).includes(layerOf(protocol)))
    fail(
      'Listener.SchedulerNotSupported',
      `Scheduler ${s} (consistent hashing) is supported only by TCP and UDP listeners, not ${protocol.toUpperCase()}.`,
      'Scheduler',
    );
  if (s === 'qch' && !schedulerProtocols(s).includes(protocol))
    fail(
      'Listener.SchedulerNotSupported',
      `Scheduler qch (QUIC connection id) is supported only by UDP listeners.`,
      'Scheduler',
    );
  if (needsGuaranteedSpec(s) && lb.LoadBalancerSpec === undefined)
    fail(
      'Listener.SchedulerNotSupported',
      `Scheduler ${s} is supported only by guaranteed-performance load balancers; ${lb.LoadBalancerId} has no LoadBalancerSpec.`,
      'Scheduler',
    );
  if (d.StickySession === 'on') {
    if (d.StickySessionType === undefined) p.missing('StickySessionType', ' when StickySession is on');
    if (d.StickySessionType === 'insert' && d.CookieTimeout === undefined)
      p.missing('CookieTimeout', ' when StickySessionType is insert');
    if (d.StickySessionType === 'server' && d.Cookie === undefined)
      p.missing('Cookie', ' when StickySessionType is server');
  }
  if (d.VServerGroup === 'on' && d.MasterSlaveServerGroup === 'on')
    fail(
      'Listener.GroupConflict',
      `A listener uses a VServer group or a primary/secondary server group, never both.`,
      p.has('MasterSlaveServerGroupId') || p.has('MasterSlaveServerGroup')
        ? 'MasterSlaveServerGroupId'
        : 'VServerGroupId',
    );
  if (d.VServerGroup !== 'on' && d.MasterSlaveServerGroup !== 'on' && d.BackendServerPort === undefined)
    p.missing('BackendServerPort', ' when the listener uses the default server pool (no VServerGroupId)');
}

function create(protocol: ListenerProtocol): ActionHandler {
  const l4 = layerOf(protocol) === 4;
  return {
    params: l4 ? L4_PARAMS : L7_PARAMS,
    run(state, p) {
      const lb = requireLoadBalancer(state, p);
      const port = p.reqInt('ListenerPort', PORT);
      const d: Draft = {
        ListenerProtocol: protocol,
        ListenerPort: port,
        Scheduler: DEFAULT_SCHEDULER,
        VServerGroup: 'off',
        MasterSlaveServerGroup: 'off',
        StickySession: 'off',
        PersistenceTimeout: 0,
        HealthCheck: 'on',
        HealthCheckType: protocol === 'tcp' ? 'tcp' : protocol === 'udp' ? 'udp' : undefined,
        HealthyThreshold: 3,
        UnhealthyThreshold: 3,
        HealthCheckTimeout: 5,
        HealthCheckInterval: 2,
        Status: 'stopped',
        Rules: [],
      };
      readSettings(p, protocol, d);
      const vsg = p.str('VServerGroupId', idFormat);
      const msg = l4 ? p.str('MasterSlaveServerGroupId', idFormat) : undefined;
      if (vsg !== undefined && msg !== undefined)
        fail(
          'Listener.GroupConflict',
          `A listener uses a VServer group or a primary/secondary server group, never both.`,
          'MasterSlaveServerGroupId',
        );
      if (vsg !== undefined) {
        vServerGroupOf(lb, vsg, 'VServerGroupId');
        d.VServerGroup = 'on';
        d.VServerGroupId = vsg;
      }
      if (msg !== undefined) {
        masterSlaveGroupOf(lb, msg, 'MasterSlaveServerGroupId');
        d.MasterSlaveServerGroup = 'on';
        d.MasterSlaveServerGroupId = msg;
      }
      validate(lb, d, p);
      const clash = lb.Listeners.find(
        (l) => l.ListenerPort === port && transport(l.ListenerProtocol) === transport(protocol),
      );
      if (clash)
        fail(
          'ListenerAlreadyExists',
          `A listener with the specified port already exists: ${lb.LoadBalancerId} has ${clash.ListenerProtocol.toUpperCase()} on ${port}` +
            (clash.ListenerProtocol === protocol
              ? '.'
              : ` (HTTP, HTTPS and TCP share the TCP port; only UDP can share a port with them).`),
          'ListenerPort',
        );
      if (lb.Listeners.length >= MAX_LISTENERS_PER_LB)
        fail(
          'ListenerNumberOverLimit',
          `The maximum number of listeners is exceeded: ${lb.LoadBalancerId} already has ${MAX_LISTENERS_PER_LB}.`,
          'ListenerPort',
        );
      const next: LoadBalancer = { ...lb, Listeners: [...lb.Listeners, normalizeListener(d)] };
      return { state: withLoadBalancer(state, next), response: {} };
    },
  };
}

/** Apply an on/off group switch and its id parameter to `d`. */
function bindSwitch(
  p: ParamReader,
  d: Draft,
  switchName: 'VServerGroup' | 'MasterSlaveServerGroup',
  idName: 'VServerGroupId' | 'MasterSlaveServerGroupId',
  check: (id: string) => void,
): void {
  const sw: OnOff | undefined = p.onOff(switchName);
  const id = p.str(idName, idFormat);
  if (sw === 'off') {
    if (id !== undefined)
      fail('InvalidParameter', `${idName} cannot be given with ${switchName}=off.`, idName);
    d[switchName] = 'off';
    d[idName] = undefined;
    return;
  }
  if (sw === undefined && id === undefined) return;
  const target = id ?? d[idName] ?? p.missing(idName, ` when ${switchName} is on`);
  check(target);
  d[switchName] = 'on';
  d[idName] = target;
}

function setAttribute(protocol: ListenerProtocol): ActionHandler {
  const l4 = layerOf(protocol) === 4;
  return {
    params: l4 ? [...L4_PARAMS, 'VServerGroup', 'MasterSlaveServerGroup'] : [...L7_PARAMS, 'VServerGroup'],
    run(state, p) {
      const lb = requireLoadBalancer(state, p);
      const listener = requireListener(lb, p, protocol);
      const d: Draft = { ...listener };
      readSettings(p, protocol, d);
      bindSwitch(p, d, 'VServerGroup', 'VServerGroupId', (id) => vServerGroupOf(lb, id, 'VServerGroupId'));
      if (l4)
        bindSwitch(p, d, 'MasterSlaveServerGroup', 'MasterSlaveServerGroupId', (id) =>
          masterSlaveGroupOf(lb, id, 'MasterSlaveServerGroupId'),
        );
      validate(lb, d, p);
      return { state: withLoadBalancer(state, withListener(lb, normalizeListener(d))), response: {} };
    },
  };
}

function setStatus(status: Listener['Status']): ActionHandler {
  return {
    params: ['RegionId', 'LoadBalancerId', 'ListenerPort', 'ListenerProtocol'],
    run(state, p) {
      const lb = requireLoadBalancer(state, p);
      const listener = requireListener(lb, p);
      if (listener.Status === status) return { state, response: {} };
      return {
        state: withLoadBalancer(state, withListener(lb, { ...listener, Status: status })),
        response: {},
      };
    },
  };
}

export const listenerActions: ActionTable = {
  CreateLoadBalancerHTTPListener: create('http'),
  CreateLoadBalancerHTTPSListener: create('https'),
  CreateLoadBalancerTCPListener: create('tcp'),
  CreateLoadBalancerUDPListener: create('udp'),
  SetLoadBalancerHTTPListenerAttribute: setAttribute('http'),
  SetLoadBalancerHTTPSListenerAttribute: setAttribute('https'),
  SetLoadBalancerTCPListenerAttribute: setAttribute('tcp'),
  SetLoadBalancerUDPListenerAttribute: setAttribute('udp'),
  StartLoadBalancerListener: setStatus('running'),
  StopLoadBalancerListener: setStatus('stopped'),
  DeleteLoadBalancerListener: {
    params: ['RegionId', 'LoadBalancerId', 'ListenerPort', 'ListenerProtocol'],
    run(state, p) {
      const lb = requireLoadBalancer(state, p);
      const listener = requireListener(lb, p);
      const next: LoadBalancer = { ...lb, Listeners: lb.Listeners.filter((l) => l !== listener) };
      return { state: withLoadBalancer(state, next), response: {} };
    },
  },
};
