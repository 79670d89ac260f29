import { describe, expect, it } from 'vitest';
import { Balancer, RouteResult } from '../../src/routing/balancer.js';
import {
  OUTCOME_BAD_REQUEST,
  OUTCOME_LISTENER_STOPPED,
  OUTCOME_NO_BACKEND,
  OUTCOME_NO_LISTENER,
  OUTCOME_OK,
} from '../../src/routing/outcomes.js';
import { fold } from '../../src/topology/apply.js';
import { ecs, webTopology } from './fixtures.js';

const EXACT = {
  seed: '1',
  cluster: { nodes: 1, workers: 1 },
  ruleMatching: 'domain-first',
  l4Order: 'kernel',
} as const;

function routeMany(b: Balancer, host: string, path: string, n: number): string[] {
  const out = new RouteResult();
  const l = b.listenerOf('lb-1:http:80');
  const picks: string[] = [];
  for (let i = 0; i < n; i++) {
    b.resolve(l, host, path, out);
    if (out.outcome === OUTCOME_OK) b.pick(out, 0x0a000001, 40000 + i, undefined, 0);
    picks.push(out.outcome === OUTCOME_OK ? b.backends[out.backend].key : `outcome:${out.outcome}`);
  }
  return picks;
}

describe('Balancer (layer 7)', () => {
  it('given a rule, when the request matches it, then its group serves in SWRR order', () => {
    const b = new Balancer(webTopology(), EXACT);
    expect(routeMany(b, 'api.example.com', '/v1/items', 9)).toEqual(
      ['A', 'B', 'C', 'A', 'B', 'A', 'C', 'B', 'A'].map((x) => `i-${x.toLowerCase()}:9000`),
    );
  });
  it("given no matching rule, when the listener's group is on, then it serves ({5,1,1} → AABACAA)", () => {
    const b = new Balancer(webTopology(), EXACT);
    const picks = routeMany(b, 'www.example.com', '/', 7).map((k) => k.slice(2, 3).toUpperCase());
    expect(picks.join('')).toBe('AABACAA');
  });
  it('given the group switch off, when no rule matches, then the default pool serves on BackendServerPort', () => {
    const state = webTopology([
      {
        action: 'SetLoadBalancerHTTPListenerAttribute',
        params: { LoadBalancerId: 'lb-1', ListenerPort: 80, VServerGroup: 'off' },
      },
    ]);
    const b = new Balancer(state, EXACT);
    expect(routeMany(b, 'www.example.com', '/', 2)).toEqual(['i-d:80', 'i-d:80']);
  });
  it('given a stopped listener, then the request is refused', () => {
    const state = webTopology([
      { action: 'StopLoadBalancerListener', params: { LoadBalancerId: 'lb-1', ListenerPort: 80 } },
    ]);
    expect(routeMany(new Balancer(state, EXACT), 'x', '/', 1)).toEqual([
      `outcome:${OUTCOME_LISTENER_STOPPED}`,
    ]);
  });
  it('given URL matching normalized, when nginx would reject the target or Host, then 400 before routing (no scope)', () => {
    const b = new Balancer(webTopology(), EXACT);
    const out = new RouteResult();
    const l = b.listenerOf('lb-1:http:80');
    for (const [host, path] of [
      ['api.example.com', '/v1/../..'],
      ['api.example.com', '/v1%zz'],
      ['api..example.com', '/v1'],
    ]) {
      b.resolve(l, host, path, out);
      expect([out.outcome, out.scope]).toEqual([OUTCOME_BAD_REQUEST, -1]);
    }
    // Decoded and resolved, the rule /v1 of api.example.com matches as nginx's location would.
    expect(routeMany(b, 'api.example.com', '/x/../%76%31/items', 1)).toEqual(['i-a:9000']);
  });
  it('given URL matching raw, then the same targets are routed byte for byte', () => {
    const b = new Balancer(webTopology(), { ...EXACT, urlMatching: 'raw' });
    expect(routeMany(b, 'api.example.com', '/v1/../..', 1)).toEqual(['i-a:9000']);
    // Not a prefix /v1 byte for byte: the listener's group rsp-web serves ({5,1,1} starts with i-a:8080).
    expect(routeMany(b, 'api.example.com', '/x/../%76%31/items', 1)).toEqual(['i-a:8080']);
  });
  it('given no such listener, then the request is refused', () => {
    const b = new Balancer(webTopology(), EXACT);
    const out = new RouteResult();
    b.resolve(b.listenerOf('lb-1:http:81'), 'x', '/', out);
    expect(out.outcome).toBe(OUTCOME_NO_LISTENER);
  });
  it('given every member of the group at weight 0, then 503 (no fail-open, no fallback)', () => {
    const state = webTopology([
      {
        action: 'SetVServerGroupAttribute',
        params: {
          VServerGroupId: 'rsp-api',
          BackendServers: [
            { ServerId: 'i-a', Port: 9000, Weight: 0 },
            { ServerId: 'i-b', Port: 9000, Weight: 0 },
            { ServerId: 'i-c', Port: 9000, Weight: 0 },
          ],
        },
      },
    ]);
    expect(routeMany(new Balancer(state, EXACT), 'api.example.com', '/v1', 1)).toEqual([
      `outcome:${OUTCOME_NO_BACKEND}`,
    ]);
  });
  it('given all members unhealthy, then 503; when one recovers, it alone serves', () => {
    const b = new Balancer(webTopology(), EXACT);
    const scope = b.scopeByKey('lb-1:http:80/rule/rule-api/rsp-api')!;
    for (let m = 0; m < 3; m++) b.setHealth(scope.index, m, false);
    expect(routeMany(b, 'api.example.com', '/v1', 1)).toEqual([`outcome:${OUTCOME_NO_BACKEND}`]);
    b.setHealth(scope.index, 2, true);
    expect(routeMany(b, 'api.example.com', '/v1', 2)).toEqual(['i-c:9000', 'i-c:9000']);
  });
  it('reports a new epoch when weights change or health changes', () => {
    const epochs: string[] = [];
    const b = new Balancer(webTopology(), {
      ...EXACT,
      observer: {
        epochStarted: (scope, epoch, _members, cycle, cause) =>
          epochs.push(`${scope}/${epoch}/${cycle}/${cause}`),
      },
    });
    const api = b.scopeByKey('lb-1:http:80/rule/rule-api/rsp-api')!.index;
    expect(epochs).toContain(`${api}/1/9/start`);
    b.setHealth(api, 0, false);
    expect(epochs).toContain(`${api}/2/5/health`);
  });
  it('keeps a sticky (insert) client on its member and re-issues when it becomes ineligible', () => {
    const state = webTopology([
      {
        action: 'SetLoadBalancerHTTPListenerAttribute',
        params: {
          LoadBalancerId: 'lb-1',
          ListenerPort: 80,
          StickySession: 'on',
          StickySessionType: 'insert',
          CookieTimeout: 60,
        },
      },
    ]);
    const b = new Balancer(state, EXACT);
    const l = b.listenerOf('lb-1:http:80');
    const out = new RouteResult();
    b.resolve(l, 'www.example.com', '/', out);
    b.pick(out, 1, 1, undefined, 0);
    const cookie = out.issueCookie!;
    expect(cookie).toMatch(/^[0-9a-f]{32}$/);
    const first = out.backend;
    for (let i = 0; i < 5; i++) {
      b.pick(out, 1, 1, cookie, 0);
      expect(out.sticky).toBe(true);
      expect(out.backend).toBe(first);
      expect(out.issueCookie).toBeNull();
    }
    b.setHealth(out.scope, out.member, false);
    b.pick(out, 1, 1, cookie, 0);
    expect(out.sticky).toBe(false);
    expect(out.backend).not.toBe(first);
    expect(out.issueCookie).not.toBeNull();
  });
});

describe('Balancer (layer 4)', () => {
  function l4(listenerParams: Record<string, unknown>) {
    const { state, results } = fold([
      ecs('i-a'),
      ecs('i-b'),
      {
        action: 'CreateLoadBalancer',
        params: {
          LoadBalancerId: 'lb-1',
          RegionId: 'cn-hangzhou',
          VpcId: 'vpc-1',
          LoadBalancerSpec: 'slb.s2.small',
        },
      },
      {
        action: 'CreateMasterSlaveServerGroup',
        params: {
          LoadBalancerId: 'lb-1',
          MasterSlaveServerGroupId: 'msg-1',
          MasterSlaveServerGroupName: 'ms',
          MasterSlaveBackendServers: [
            { ServerId: 'i-a', Port: 3306, ServerType: 'Master' },
            { ServerId: 'i-b', Port: 3306, ServerType: 'Slave' },
          ],
        },
      },
      {
        action: 'CreateLoadBalancerTCPListener',
        params: { LoadBalancerId: 'lb-1', ListenerPort: 3306, ...listenerParams },
      },
      { action: 'StartLoadBalancerListener', params: { LoadBalancerId: 'lb-1', ListenerPort: 3306 } },
    ]);
    const bad = results.find((r) => !r.ok);
    if (bad && !bad.ok) throw new Error(bad.error.code);
    return new Balancer(state, EXACT);
  }

  it('given a primary/secondary group, the primary serves; it fails over and back', () => {
    const b = l4({ MasterSlaveServerGroupId: 'msg-1' });
    const out = new RouteResult();
    const l = b.listenerOf('lb-1:tcp:3306');
    const who = () => {
      b.resolve(l, '', '', out);
      b.pick(out, 7, 7, undefined, 0);
      return out.outcome === OUTCOME_OK ? b.backends[out.backend].key : 'none';
    };
    expect(who()).toBe('i-a:3306');
    b.setHealth(out.scope, 0, false);
    expect(who()).toBe('i-b:3306');
    b.setHealth(out.scope, 0, true);
    expect(who()).toBe('i-a:3306');
  });
});

describe('Balancer (layer 4 persistence across a membership change)', () => {
  it('keeps a persisted client on its backend when the group gains a member (indexes move)', () => {
    const { state, results } = fold([
      ecs('i-a'),
      ecs('i-b'),
      ecs('i-c'),
      {
        action: 'CreateLoadBalancer',
        params: { LoadBalancerId: 'lb-1', RegionId: 'cn-hangzhou', VpcId: 'vpc-1' },
      },
      {
        action: 'CreateVServerGroup',
        params: {
          LoadBalancerId: 'lb-1',
          VServerGroupId: 'rsp-t',
          BackendServers: [
            { ServerId: 'i-a', Port: 80 },
            { ServerId: 'i-b', Port: 80 },
          ],
        },
      },
      {
        action: 'CreateLoadBalancerTCPListener',
        params: {
          LoadBalancerId: 'lb-1',
          ListenerPort: 80,
          VServerGroupId: 'rsp-t',
          PersistenceTimeout: 600,
        },
      },
      { action: 'StartLoadBalancerListener', params: { LoadBalancerId: 'lb-1', ListenerPort: 80 } },
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
    const b = new Balancer(state, EXACT);
    const out = new RouteResult();
    const l = b.listenerOf('lb-1:tcp:80');
    const who = (ip: number) => {
      b.resolve(l, '', '', out);
      b.pick(out, ip, 1000, undefined, 0);
      return b.backends[out.backend].key;
    };
    const first = who(7);
    const second = who(8);
    expect(first).not.toBe(second);
    // LVS order is newest first: adding i-c shifts every existing member's index by one.
    const next = fold(
      [
        {
          action: 'AddVServerGroupBackendServers',
          params: { VServerGroupId: 'rsp-t', BackendServers: [{ ServerId: 'i-c', Port: 80 }] },
        },
      ],
      state,
    );
    b.applyState(next.state, 'AddVServerGroupBackendServers');
    expect(who(7)).toBe(first);
    expect(who(8)).toBe(second);
    expect(out.sticky).toBe(true);
  });
});

describe('Balancer (rule overrides with ListenerSync off)', () => {
  it("given a rule with its own scheduler and stickiness, its traffic uses them; the listener's does not", () => {
    const state = webTopology([
      {
        action: 'SetRule',
        params: {
          RuleId: 'rule-api',
          VServerGroupId: 'rsp-api',
          ListenerSync: 'off',
          Scheduler: 'rr',
          StickySession: 'on',
          StickySessionType: 'server',
          Cookie: 'JSESSIONID',
        },
      },
    ]);
    const b = new Balancer(state, EXACT);
    const api = b.scopeByKey('lb-1:http:80/rule/rule-api/rsp-api')!;
    expect(api.spec.scheduler).toBe('rr');
    expect(api.spec.sticky).toBe('server');
    expect(api.spec.cookieName).toBe('JSESSIONID');
    const web = b.scopeByKey('lb-1:http:80/listener-vserver-group/rsp-web')!;
    expect(web.spec.scheduler).toBe('wrr');
    expect(web.spec.sticky).toBe('off');
    // rr ignores the weights 4/3/2: A B C A B C.
    expect(routeMany(b, 'api.example.com', '/v1/x', 6)).toEqual(
      ['a', 'b', 'c', 'a', 'b', 'c'].map((x) => `i-${x}:9000`),
    );
  });
});

describe('Balancer (a scheduler change mid-run)', () => {
  it('starts a new scope with fresh scheduler state and the health verdicts carried over', () => {
    const defined: string[] = [];
    const b = new Balancer(webTopology(), {
      ...EXACT,
      observer: { scopeDefined: (i, _l, spec) => defined.push(`${i}:${spec.scheduler}`) },
    });
    const before = b.scopeByKey('lb-1:http:80/listener-vserver-group/rsp-web')!;
    b.setHealth(before.index, 1, false);
    expect(routeMany(b, 'www.example.com', '/', 2)).toEqual(['i-a:8080', 'i-a:8080']);
    const next = fold(
      [
        {
          action: 'SetLoadBalancerHTTPListenerAttribute',
          params: {
            LoadBalancerId: 'lb-1',
            ListenerPort: 80,
            Scheduler: 'rr',
            StickySession: 'on',
            StickySessionType: 'insert',
            CookieTimeout: 60,
          },
        },
      ],
      webTopology(),
    );
    b.applyState(next.state, 'SetLoadBalancerHTTPListenerAttribute');
    const after = b.scopeByKey('lb-1:http:80/listener-vserver-group/rsp-web')!;
    expect(after.index).not.toBe(before.index);
    expect(before.active).toBe(false);
    expect(after.spec.scheduler).toBe('rr');
    expect(defined).toContain(`${after.index}:rr`);
    // i-b stays unhealthy; rr alternates the others from a fresh start; no persistence crash.
    expect(after.healthy[1]).toBe(0);
    expect(routeMany(b, 'www.example.com', '/', 4)).toEqual(['i-a:8080', 'i-c:8081', 'i-a:8080', 'i-c:8081']);
  });
});
