/**
 * Forwarding rules of HTTP/HTTPS listeners: `CreateRules` (≤ 10 per call, ≤ 40 per listener),
 * `SetRule` (group, name, ListenerSync and the per-rule overrides; Domain and Url cannot change)
 * and `DeleteRules` (all named rules must exist; `InvalidRuleId.NotFound` otherwise).
 *
 * Per listener: (Domain, Url) is unique (`DomainExist`) and RuleName is unique. A rule's group is a
 * VServer group of the same load balancer. Domains are stored lowercased; rules keep creation order.
 */
import { replaceAt, withListener, withLoadBalancer } from '../edit.js';
import {
  cookieFormat,
  domainFormat,
  healthCheckDomainFormat,
  healthCheckUriFormat,
  httpCodeFormat,
  idFormat,
  ruleNameFormat,
  urlFormat,
} from '../formats.js';
import { generateId, isIdTaken } from '../ids.js';
import { findRule } from '../lookup.js';
import { coerceString, ParamReader } from '../params.js';
import { fail } from '../reject.js';
import { isConsistentHash, L7_SCHEDULER_NAMES } from '../scheduler-names.js';
import {
  type ForwardingRule,
  type Listener,
  type LoadBalancer,
  layerOf,
  type StickySessionType,
} from '../types.js';
import {
  type ActionTable,
  COOKIE_TIMEOUT,
  HC_INTERVAL,
  HC_TIMEOUT,
  PORT,
  requireListener,
  requireLoadBalancer,
  THRESHOLD,
  vServerGroupOf,
} from './action-context.js';

/** Rules per CreateRules call. */
export const MAX_RULES_PER_CALL = 10;
/** Rules per listener (`slb_quota_rules_num`, not adjustable). */
export const MAX_RULES_PER_LISTENER = 40;

const STICKY_TYPES: readonly StickySessionType[] = ['insert', 'server'];

/** The per-rule settings that apply when ListenerSync is off, in DescribeRules order. */
export const RULE_OVERRIDES = [
  'Scheduler',
  'StickySession',
  'StickySessionType',
  'CookieTimeout',
  'Cookie',
  'HealthCheck',
  'HealthCheckDomain',
  'HealthCheckURI',
  'HealthCheckConnectPort',
  'HealthyThreshold',
  'UnhealthyThreshold',
  'HealthCheckTimeout',
  'HealthCheckInterval',
  'HealthCheckHttpCode',
] as const;

/** Every field of a rule, in the canonical (Describe) order. */
const RULE_FIELDS: readonly (keyof ForwardingRule)[] = [
  'RuleId',
  'RuleName',
  'Domain',
  'Url',
  'VServerGroupId',
  'ListenerSync',
  ...RULE_OVERRIDES,
];

const ITEM_KEYS = new Set<string>(RULE_FIELDS);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Draft = Mutable<ForwardingRule>;

/** A rule in canonical field order, without absent optional fields. */
function normalizeRule(d: Draft): ForwardingRule {
  const out: Record<string, unknown> = {};
  for (const k of RULE_FIELDS) if (d[k] !== undefined) out[k] = d[k];
  return out as unknown as ForwardingRule;
}

/** Read ListenerSync and the overrides given in `r` into `d`. */
function readOverrides(r: ParamReader, d: Draft): void {
  const set = <K extends keyof Draft>(k: K, v: Draft[K] | undefined) => {
    if (v !== undefined) d[k] = v;
  };
  set('ListenerSync', r.onOff('ListenerSync'));
  const s = r.value('Scheduler');
  if (isConsistentHash(s))
    fail(
      'Listener.SchedulerNotSupported',
      `${r.path('Scheduler')}: a forwarding rule schedules with wrr, rr or wlc; ${s} is for TCP/UDP listeners.`,
      r.path('Scheduler'),
    );
  set('Scheduler', r.oneOf('Scheduler', L7_SCHEDULER_NAMES));
  set('StickySession', r.onOff('StickySession'));
  set('StickySessionType', r.oneOf('StickySessionType', STICKY_TYPES));
  set('CookieTimeout', r.int('CookieTimeout', COOKIE_TIMEOUT));
  set('Cookie', r.str('Cookie', cookieFormat));
  set('HealthCheck', r.onOff('HealthCheck'));
  set('HealthCheckDomain', r.str('HealthCheckDomain', healthCheckDomainFormat));
  set('HealthCheckURI', r.str('HealthCheckURI', healthCheckUriFormat));
  set('HealthCheckConnectPort', r.int('HealthCheckConnectPort', PORT));
  set('HealthyThreshold', r.int('HealthyThreshold', THRESHOLD));
  set('UnhealthyThreshold', r.int('UnhealthyThreshold', THRESHOLD));
  set('HealthCheckTimeout', r.int('HealthCheckTimeout', HC_TIMEOUT));
  set('HealthCheckInterval', r.int('HealthCheckInterval', HC_INTERVAL));
  set('HealthCheckHttpCode', r.str('HealthCheckHttpCode', httpCodeFormat));
  if (d.StickySession === 'on') {
    if (d.StickySessionType === undefined) r.missing('StickySessionType', ' when StickySession is on');
    if (d.StickySessionType === 'insert' && d.CookieTimeout === undefined)
      r.missing('CookieTimeout', ' when StickySessionType is insert');
    if (d.StickySessionType === 'server' && d.Cookie === undefined)
      r.missing('Cookie', ' when StickySessionType is server');
  }
}

function matchKey(r: { Domain?: string; Url?: string }): string {
  return `${r.Domain ?? ''}\u0000${r.Url ?? ''}`;
}

function describeMatch(r: { Domain?: string; Url?: string }): string {
  return [r.Domain && `Domain ${r.Domain}`, r.Url && `Url ${r.Url}`].filter(Boolean).join(' and ');
}

/** The HTTP/HTTPS listener CreateRules names; a TCP/UDP one is `RuleNotSupport`. */
function ruleListener(lb: LoadBalancer, p: ParamReader): Listener {
  if (!p.has('ListenerProtocol')) {
    const port = p.reqInt('ListenerPort', PORT);
    const onPort = lb.Listeners.filter((l) => l.ListenerPort === port);
    if (onPort.length > 1 && onPort.every((l) => layerOf(l.ListenerProtocol) === 4))
      fail(
        'RuleNotSupport',
        `Rule is not support in the tcp type listener: port ${port} has only TCP/UDP listeners.`,
        'ListenerPort',
      );
  }
  const listener = requireListener(lb, p, undefined, true);
  if (layerOf(listener.ListenerProtocol) === 4)
    fail(
      'RuleNotSupport',
      `Rule is not support in the ${listener.ListenerProtocol} type listener: forwarding rules exist only on HTTP and HTTPS listeners.`,
      'ListenerPort',
    );
  return listener;
}

function withRules(lb: LoadBalancer, listener: Listener, rules: readonly ForwardingRule[]): LoadBalancer {
  return withListener(lb, { ...listener, Rules: rules });
}

export const ruleActions: ActionTable = {
  CreateRules: {
    params: ['RegionId', 'LoadBalancerId', 'ListenerPort', 'ListenerProtocol', 'RuleList'],
    run(state, p) {
      const lb = requireLoadBalancer(state, p);
      const listener = ruleListener(lb, p);
      const list = p.reqList('RuleList', 'RuleListMalformed');
      if (list.length === 0) fail('RuleListMalformed', 'RuleList must hold at least one rule.', 'RuleList');
      if (list.length > MAX_RULES_PER_CALL)
        fail(
          'TooManyRules',
          `RuleList holds ${list.length} rules; one CreateRules call takes at most ${MAX_RULES_PER_CALL}.`,
          'RuleList',
        );
      const names = new Set(listener.Rules.map((r) => r.RuleName));
      const matches = new Map(listener.Rules.map((r) => [matchKey(r), r.RuleName]));
      const givenIds = new Set<string>();
      const drafts: Draft[] = [];
      list.forEach((item, i) => {
        const at = `RuleList[${i}]`;
        const r = ParamReader.entry(item, at, 'RuleListMalformed').allow(ITEM_KEYS);
        const RuleName = r.reqStr('RuleName', ruleNameFormat);
        const Domain = r.str('Domain', domainFormat);
        const Url = r.str('Url', urlFormat);
        if (Domain === undefined && Url === undefined)
          r.missing('Domain', ' (or Url): a rule needs at least one');
        const VServerGroupId = r.reqStr('VServerGroupId');
        vServerGroupOf(lb, VServerGroupId, r.path('VServerGroupId'));
        const RuleId = r.str('RuleId', idFormat);
        if (RuleId !== undefined && (givenIds.has(RuleId) || isIdTaken(state, 'rule', RuleId)))
          fail(
            'InvalidRuleId.AlreadyExists',
            `A rule with RuleId ${RuleId} already exists.`,
            r.path('RuleId'),
          );
        if (RuleId !== undefined) givenIds.add(RuleId);
        const d = { RuleId, RuleName, Domain, Url, VServerGroupId, ListenerSync: 'on' } as Draft;
        readOverrides(r, d);
        const other = matches.get(matchKey(d));
        if (other !== undefined)
          fail(
            'DomainExist',
            `Rule with same domain and url already exists in specified vip: ${describeMatch(d)} is rule ${other}.`,
            r.path(Domain !== undefined ? 'Domain' : 'Url'),
          );
        if (names.has(RuleName))
          fail(
            'RuleName.Duplicated',
            `The listener ${listener.ListenerProtocol}:${listener.ListenerPort} already has a rule named ${RuleName}.`,
            r.path('RuleName'),
          );
        matches.set(matchKey(d), RuleName);
        names.add(RuleName);
        drafts.push(d);
      });
      if (listener.Rules.length + drafts.length > MAX_RULES_PER_LISTENER)
        fail(
          'TooManyRules',
          `The number of rules under specified vip is beyond maximum limit: ${listener.Rules.length} + ${drafts.length} > ${MAX_RULES_PER_LISTENER}.`,
          'RuleList',
        );
      let nextId = state.nextId;
      const claimed = new Set(givenIds);
      for (const d of drafts)
        if (d.RuleId === undefined) {
          ({ id: d.RuleId, nextId } = generateId(state, 'rule', nextId, claimed));
          claimed.add(d.RuleId);
        }
      const rules = drafts.map(normalizeRule);
      const next = withRules(lb, listener, [...listener.Rules, ...rules]);
      return {
        state: { ...withLoadBalancer(state, next), nextId },
        response: { Rules: { Rule: rules.map((r) => ({ RuleId: r.RuleId, RuleName: r.RuleName })) } },
      };
    },
  },
  SetRule: {
    params: [
      'RegionId',
      'RuleId',
      'RuleName',
      'VServerGroupId',
      'Domain',
      'Url',
      'ListenerSync',
      ...RULE_OVERRIDES,
    ],
    run(state, p) {
      const id = p.reqStr('RuleId');
      const found = findRule(state, id);
      const region = p.str('RegionId');
      if (!found || (region !== undefined && found.lb.RegionId !== region))
        return fail(
          'InvalidRuleId.NotFound',
          `Rule does not exist: ${id}${region && found ? ` is not in region ${region}` : ''}.`,
          found ? 'RegionId' : 'RuleId',
        );
      const { lb, listener, rule } = found;
      for (const fixed of ['Domain', 'Url'])
        if (p.has(fixed))
          fail(
            'InvalidParameter',
            `${fixed} of a forwarding rule cannot be changed by SetRule; delete the rule and create a new one.`,
            fixed,
          );
      const d: Draft = { ...rule };
      const name = p.str('RuleName', ruleNameFormat);
      if (name !== undefined && name !== rule.RuleName) {
        if (listener.Rules.some((r) => r.RuleName === name))
          fail(
            'RuleName.Duplicated',
            `The listener ${listener.ListenerProtocol}:${listener.ListenerPort} already has a rule named ${name}.`,
            'RuleName',
          );
        d.RuleName = name;
      }
      const group = p.str('VServerGroupId');
      if (group !== undefined) {
        vServerGroupOf(lb, group, 'VServerGroupId');
        d.VServerGroupId = group;
      }
      readOverrides(p, d);
      const i = listener.Rules.indexOf(rule);
      const next = withRules(lb, listener, replaceAt(listener.Rules, i, normalizeRule(d)));
      return { state: withLoadBalancer(state, next), response: {} };
    },
  },
  DeleteRules: {
    params: ['RegionId', 'RuleIds'],
    run(state, p) {
      const list = p.reqList('RuleIds', 'InvalidParameter');
      if (list.length === 0) fail('InvalidParameter', 'RuleIds must name at least one rule.', 'RuleIds');
      const region = p.str('RegionId');
      const doomed = new Set<string>();
      list.forEach((v, i) => {
        const id = coerceString(v, `RuleIds[${i}]`);
        const found = findRule(state, id);
        if (!found || (region !== undefined && found.lb.RegionId !== region))
          fail('InvalidRuleId.NotFound', `Rule does not exist: ${id}.`, `RuleIds[${i}]`);
        doomed.add(id);
      });
      const LoadBalancers = state.LoadBalancers.map((lb) =>
        lb.Listeners.some((l) => l.Rules.some((r) => doomed.has(r.RuleId)))
          ? {
              ...lb,
              Listeners: lb.Listeners.map((l) =>
                l.Rules.some((r) => doomed.has(r.RuleId))
                  ? { ...l, Rules: l.Rules.filter((r) => !doomed.has(r.RuleId)) }
                  : l,
              ),
            }
          : lb,
      );
      return { state: { ...state, LoadBalancers }, response: {} };
    },
  },
};
