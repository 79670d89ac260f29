import { describe, expect, test } from 'vitest';
import { findRule } from '../../../src/topology/lookup.js';
import { GROUP, GROUP2, HTTP_80, MS_GROUP, TCP_443, WORLD } from '../fixtures.js';
import { ev, given } from '../gwt.js';

const create = (RuleList: unknown, extra: Record<string, unknown> = {}) => ({
  LoadBalancerId: 'lb-1',
  ListenerPort: 80,
  RuleList: RuleList as never,
  ...extra,
});
const BASE = [WORLD, GROUP, GROUP2, HTTP_80];
const rule = (i: number, extra: Record<string, unknown> = {}) => ({
  RuleName: `r${i}`,
  Url: `/p${i}`,
  VServerGroupId: 'rsp-2',
  ...extra,
});

describe('CreateRules', () => {
  test('Given an HTTP listener, When rules are created from a JSON RuleList, Then they get ids and are stored in order', () => {
    given(BASE)
      .when(
        'CreateRules',
        create(
          JSON.stringify([
            { RuleName: 'api', Domain: 'API.Example.com', Url: '/v1', VServerGroupId: 'rsp-2' },
            { RuleId: 'rule-img', RuleName: 'img', Domain: '*.img.example.com', VServerGroupId: 'rsp-1' },
          ]),
          { ListenerProtocol: 'http' },
        ),
      )
      .then((s, r) => {
        expect(r).toEqual({
          Rules: {
            Rule: [
              { RuleId: 'rule-sim1', RuleName: 'api' },
              { RuleId: 'rule-img', RuleName: 'img' },
            ],
          },
        });
        expect(s.nextId).toBe(2);
        expect(findRule(s, 'rule-sim1')?.rule).toEqual({
          RuleId: 'rule-sim1',
          RuleName: 'api',
          Domain: 'api.example.com',
          Url: '/v1',
          VServerGroupId: 'rsp-2',
          ListenerSync: 'on',
        });
        expect(findRule(s, 'rule-img')?.listener.Rules.map((x) => x.RuleId)).toEqual([
          'rule-sim1',
          'rule-img',
        ]);
      });
  });
  test('ListenerProtocol may be left out when unambiguous; an HTTP listener is preferred next to a UDP one', () => {
    given(
      BASE,
      ev('CreateLoadBalancerUDPListener', {
        LoadBalancerId: 'lb-1',
        ListenerPort: 80,
        BackendServerPort: 80,
      }),
    )
      .when('CreateRules', create([rule(1)]))
      .then((s) => expect(findRule(s, 'rule-sim1')?.listener.ListenerProtocol).toBe('http'));
  });
  test('rules only on HTTP/HTTPS listeners (RuleNotSupport)', () => {
    given(BASE, TCP_443)
      .when('CreateRules', create([rule(1)], { ListenerPort: 443 }))
      .rejects('RuleNotSupport', 'ListenerPort');
    given(
      BASE,
      TCP_443,
      ev('CreateLoadBalancerUDPListener', {
        LoadBalancerId: 'lb-1',
        ListenerPort: 443,
        BackendServerPort: 443,
      }),
    )
      .when('CreateRules', create([rule(1)], { ListenerPort: 443 }))
      .rejects('RuleNotSupport', 'ListenerPort');
    given(BASE)
      .when('CreateRules', create([rule(1)], { ListenerPort: 81 }))
      .rejects('ListenerNotFound', 'ListenerPort');
  });
  test('at least one of Domain and Url', () => {
    given(BASE)
      .when('CreateRules', create([{ RuleName: 'x', VServerGroupId: 'rsp-1' }]))
      .rejects('MissingParameter', 'RuleList[0].Domain');
  });
  test('Domain: exact or *.-wildcard, else DomainMalformed', () => {
    given(BASE)
      .when('CreateRules', create([rule(1), { RuleName: 'x', Domain: 'www.*.com', VServerGroupId: 'rsp-1' }]))
      .rejects('DomainMalformed', 'RuleList[1].Domain');
  });
  test('Url: starts with /, not / alone, else UrlMalformed', () => {
    given(BASE)
      .when('CreateRules', create([{ RuleName: 'x', Url: '/', VServerGroupId: 'rsp-1' }]))
      .rejects('UrlMalformed', 'RuleList[0].Url');
    given(BASE)
      .when('CreateRules', create([{ RuleName: 'x', Url: 'api', VServerGroupId: 'rsp-1' }]))
      .rejects('UrlMalformed', 'RuleList[0].Url');
  });
  test('(Domain, Url) unique per listener: DomainExist (within a call and against existing rules)', () => {
    given(BASE)
      .when('CreateRules', create([rule(1, { Domain: 'a.com' }), rule(2, { Domain: 'A.com', Url: '/p1' })]))
      .rejects('DomainExist', 'RuleList[1].Domain');
    given(BASE, ev('CreateRules', create([rule(1)])))
      .when('CreateRules', create([rule(2, { Url: '/p1' })]))
      .rejects('DomainExist', 'RuleList[0].Url');
    given(BASE, ev('CreateRules', create([rule(1)])))
      .when('CreateRules', create([rule(2, { Domain: 'a.com', Url: '/p1' })]))
      .then();
  });
  test('RuleName unique per listener; format 1–40', () => {
    given(BASE, ev('CreateRules', create([rule(1)])))
      .when('CreateRules', create([rule(2, { RuleName: 'r1' })]))
      .rejects('RuleName.Duplicated', 'RuleList[0].RuleName');
    given(BASE)
      .when('CreateRules', create([rule(1), rule(2, { RuleName: 'r1' })]))
      .rejects('RuleName.Duplicated', 'RuleList[1].RuleName');
    given(BASE)
      .when('CreateRules', create([rule(1, { RuleName: 'a b' })]))
      .rejects('InvalidParameter', 'RuleList[0].RuleName');
    given(BASE)
      .when('CreateRules', create([rule(1, { RuleName: undefined })]))
      .rejects('MissingParameter', 'RuleList[0].RuleName');
  });
  test('the same RuleName on another listener: allowed', () => {
    given(
      BASE,
      ev('CreateRules', create([rule(1)])),
      ev('CreateLoadBalancerHTTPListener', {
        LoadBalancerId: 'lb-1',
        ListenerPort: 8080,
        VServerGroupId: 'rsp-1',
      }),
    )
      .when('CreateRules', create([rule(1)], { ListenerPort: 8080 }))
      .then();
  });
  test("the rule's group must be a VServer group of the same load balancer", () => {
    given(BASE)
      .when('CreateRules', create([rule(1, { VServerGroupId: 'rsp-9' })]))
      .rejects('InvalidParameter', 'RuleList[0].VServerGroupId');
    given(BASE, MS_GROUP)
      .when('CreateRules', create([rule(1, { VServerGroupId: 'msg-1' })]))
      .rejects('InvalidParameter', 'RuleList[0].VServerGroupId');
    given(
      BASE,
      ev('CreateVServerGroup', { LoadBalancerId: 'lb-1', VServerGroupId: 'rsp-x' }),
      ev('CreateMasterSlaveServerGroup', {
        LoadBalancerId: 'lb-1',
        MasterSlaveServerGroupId: 'msg-l1',
        MasterSlaveBackendServers: [
          { ServerId: 'i-1', Port: 1 },
          { ServerId: 'i-2', Port: 1, ServerType: 'Slave' },
        ],
      }),
    )
      .when('CreateRules', create([rule(1, { VServerGroupId: 'msg-l1' })]))
      .rejects('VipNotMatchRspool', 'RuleList[0].VServerGroupId');
  });
  test('one group on many rules: allowed', () => {
    given(BASE)
      .when('CreateRules', create([rule(1), rule(2), rule(3)]))
      .then((s) => expect(findRule(s, 'rule-sim3')?.rule.VServerGroupId).toBe('rsp-2'));
  });
  test('at most 10 rules per call and 40 per listener (TooManyRules)', () => {
    given(BASE)
      .when('CreateRules', create(Array.from({ length: 11 }, (_, i) => rule(i))))
      .rejects('TooManyRules', 'RuleList');
    const forty = [0, 1, 2, 3].map((k) =>
      ev('CreateRules', create(Array.from({ length: 10 }, (_, i) => rule(k * 10 + i)))),
    );
    const g = given(BASE, forty);
    g.when('CreateRules', create([rule(40)])).rejects('TooManyRules', 'RuleList');
    given(BASE, forty.slice(0, 3))
      .when('CreateRules', create(Array.from({ length: 10 }, (_, i) => rule(30 + i))))
      .then();
  });
  test('RuleList must be a non-empty list of objects', () => {
    given(BASE).when('CreateRules', create('[{')).rejects('RuleListMalformed', 'RuleList');
    given(BASE).when('CreateRules', create([])).rejects('RuleListMalformed', 'RuleList');
    given(BASE)
      .when('CreateRules', create(['x']))
      .rejects('RuleListMalformed', 'RuleList[0]');
    given(BASE)
      .when('CreateRules', create([rule(1, { Wieght: 1 })]))
      .rejects('InvalidParameter', 'RuleList[0].Wieght');
  });
  test('simulator RuleIds: unique, generated ones skip given ones', () => {
    given(BASE)
      .when('CreateRules', create([rule(1, { RuleId: 'x' }), rule(2, { RuleId: 'x' })]))
      .rejects('InvalidRuleId.AlreadyExists', 'RuleList[1].RuleId');
    given(BASE, ev('CreateRules', create([rule(1, { RuleId: 'x' })])))
      .when('CreateRules', create([rule(2, { RuleId: 'x' })]))
      .rejects('InvalidRuleId.AlreadyExists', 'RuleList[0].RuleId');
    given(BASE)
      .when('CreateRules', create([rule(1), rule(2, { RuleId: 'rule-sim1' })]))
      .then((_s, r) =>
        expect(r).toEqual({
          Rules: {
            Rule: [
              { RuleId: 'rule-sim2', RuleName: 'r1' },
              { RuleId: 'rule-sim1', RuleName: 'r2' },
            ],
          },
        }),
      );
  });
  test('overrides may be given in RuleList and are validated', () => {
    given(BASE)
      .when(
        'CreateRules',
        create([
          rule(1, {
            ListenerSync: 'off',
            Scheduler: 'rr',
            HealthCheck: 'on',
            HealthCheckURI: '/hc',
            HealthyThreshold: '4',
          }),
        ]),
      )
      .then((s) =>
        expect(findRule(s, 'rule-sim1')?.rule).toMatchObject({
          ListenerSync: 'off',
          Scheduler: 'rr',
          HealthCheckURI: '/hc',
          HealthyThreshold: 4,
        }),
      );
    given(BASE)
      .when('CreateRules', create([rule(1, { ListenerSync: 'off', Scheduler: 'sch' })]))
      .rejects('Listener.SchedulerNotSupported', 'RuleList[0].Scheduler');
    given(BASE)
      .when('CreateRules', create([rule(1, { StickySession: 'on', StickySessionType: 'insert' })]))
      .rejects('MissingParameter', 'RuleList[0].CookieTimeout');
  });
});

describe('SetRule', () => {
  const WITH_RULE = [
    ...BASE,
    ev(
      'CreateRules',
      create([rule(1, { RuleId: 'rule-1', Domain: 'a.com' }), rule(2, { RuleId: 'rule-2' })]),
    ),
  ];
  test('changes the group, name, ListenerSync and overrides', () => {
    given(WITH_RULE)
      .when('SetRule', {
        RuleId: 'rule-1',
        VServerGroupId: 'rsp-1',
        RuleName: 'renamed',
        ListenerSync: 'off',
        Scheduler: 'wlc',
        StickySession: 'on',
        StickySessionType: 'server',
        Cookie: 'sid',
        CookieTimeout: '60',
      })
      .then((s) =>
        expect(findRule(s, 'rule-1')?.rule).toEqual({
          RuleId: 'rule-1',
          RuleName: 'renamed',
          Domain: 'a.com',
          Url: '/p1',
          VServerGroupId: 'rsp-1',
          ListenerSync: 'off',
          Scheduler: 'wlc',
          StickySession: 'on',
          StickySessionType: 'server',
          CookieTimeout: 60,
          Cookie: 'sid',
        }),
      );
  });
  test('Domain and Url cannot change', () => {
    given(WITH_RULE)
      .when('SetRule', { RuleId: 'rule-1', Domain: 'b.com' })
      .rejects('InvalidParameter', 'Domain');
    given(WITH_RULE).when('SetRule', { RuleId: 'rule-1', Url: '/x' }).rejects('InvalidParameter', 'Url');
  });
  test('the new name must be unique on the listener; the group must exist', () => {
    given(WITH_RULE)
      .when('SetRule', { RuleId: 'rule-1', RuleName: 'r2' })
      .rejects('RuleName.Duplicated', 'RuleName');
    given(WITH_RULE).when('SetRule', { RuleId: 'rule-1', RuleName: 'r1' }).then();
    given(WITH_RULE)
      .when('SetRule', { RuleId: 'rule-1', VServerGroupId: 'rsp-9' })
      .rejects('InvalidParameter', 'VServerGroupId');
  });
  test('an unknown rule (or one in another region) is InvalidRuleId.NotFound', () => {
    given(WITH_RULE)
      .when('SetRule', { RuleId: 'rule-9', ListenerSync: 'off' })
      .rejects('InvalidRuleId.NotFound', 'RuleId');
    given(WITH_RULE)
      .when('SetRule', { RuleId: 'rule-1', RegionId: 'cn-beijing' })
      .rejects('InvalidRuleId.NotFound', 'RegionId');
  });
});

describe('DeleteRules', () => {
  const WITH_RULES = [
    ...BASE,
    ev(
      'CreateRules',
      create([rule(1, { RuleId: 'rule-1' }), rule(2, { RuleId: 'rule-2' }), rule(3, { RuleId: 'rule-3' })]),
    ),
  ];
  test('deletes the named rules (RuleIds as a JSON string), keeping the others in order', () => {
    given(WITH_RULES)
      .when('DeleteRules', { RuleIds: '["rule-1","rule-3"]' })
      .then((s) => expect(findRule(s, 'rule-2')?.listener.Rules.map((r) => r.RuleId)).toEqual(['rule-2']));
  });
  test('a missing rule is InvalidRuleId.NotFound and nothing is deleted', () => {
    given(WITH_RULES)
      .when('DeleteRules', { RuleIds: ['rule-1', 'rule-9'] })
      .rejects('InvalidRuleId.NotFound', 'RuleIds[1]');
    given(WITH_RULES)
      .when('DeleteRules', { RuleIds: ['rule-1'], RegionId: 'cn-beijing' })
      .rejects('InvalidRuleId.NotFound', 'RuleIds[0]');
    given(WITH_RULES).when('DeleteRules', { RuleIds: [] }).rejects('InvalidParameter', 'RuleIds');
    given(WITH_RULES)
      .when('DeleteRules', { RuleIds: [{}] as never })
      .rejects('InvalidParameter', 'RuleIds[0]');
    given(WITH_RULES).when('DeleteRules', {}).rejects('MissingParameter', 'RuleIds');
  });
  test('deleting the rules frees their group', () => {
    given(WITH_RULES, ev('DeleteRules', { RuleIds: ['rule-1', 'rule-2', 'rule-3'] }))
      .when('DeleteVServerGroup', { VServerGroupId: 'rsp-2' })
      .then();
  });
});
