import { describe, expect, it } from 'vitest';
import { Balancer } from '../../src/routing/balancer.js';
import {
  PICK_COOKIE,
  PICK_FAILOVER,
  PICK_SCHEDULER,
  PICK_SOURCE_IP,
  pickModeOf,
} from '../../src/routing/scope-table.js';
import { fold } from '../../src/topology/apply.js';
import { webTopology } from './fixtures.js';

const EXACT = {
  seed: '1',
  cluster: { nodes: 1, workers: 1 },
  ruleMatching: 'domain-first',
  l4Order: 'kernel',
} as const;
const API = 'lb-1:http:80/rule/rule-api/rsp-api';

describe('ScopeTable (health verdicts and eligibility)', () => {
  it('given a verdict equal to the current one, then no epoch starts; a changed one starts one', () => {
    const causes: string[] = [];
    const b = new Balancer(webTopology(), {
      ...EXACT,
      observer: { epochStarted: (_s, _e, _m, _c, cause) => causes.push(cause) },
    });
    const api = b.table.byKey(API)!;
    const before = causes.length;
    b.table.setHealth(api.index, 0, true);
    expect(causes.length).toBe(before);
    b.table.setHealth(api.index, 0, false, 'probe');
    expect(causes.slice(before)).toEqual(['probe']);
    expect(b.table.verdict(api.index, 0)).toBe(false);
    expect(Array.from(api.eligible)).toEqual([0, 1, 1]);
    expect(api.eligibleCount).toBe(2);
  });

  it('given health checks off, then a verdict is kept but does not change eligibility', () => {
    const state = webTopology([
      {
        action: 'SetLoadBalancerHTTPListenerAttribute',
        params: { LoadBalancerId: 'lb-1', ListenerPort: 80, HealthCheck: 'off' },
      },
    ]);
    const b = new Balancer(state, EXACT);
    const api = b.table.byKey(API)!;
    expect(b.table.isChecked(api, 0)).toBe(false);
    b.table.setHealth(api.index, 0, false);
    expect(b.table.verdict(api.index, 0)).toBe(false);
    expect(api.eligibleCount).toBe(3);
  });

  it('lists every active scope a backend is a member of, and knows when a member moved', () => {
    const b = new Balancer(webTopology(), EXACT);
    const a9000 = b.findBackend('i-a', 9000);
    const api = b.table.byKey(API)!;
    expect(b.table.membersOf(a9000)).toEqual([api.index, 0]);
    expect(b.table.holds(api.index, 0, a9000)).toBe(true);
    const b9000 = b.findBackend('i-b', 9000);
    const next = fold(
      [
        {
          action: 'RemoveVServerGroupBackendServers',
          params: { VServerGroupId: 'rsp-api', BackendServers: [{ ServerId: 'i-a', Port: 9000 }] },
        },
      ],
      webTopology(),
    );
    b.applyState(next.state, 'RemoveVServerGroupBackendServers');
    expect(b.table.membersOf(a9000)).toEqual([]);
    expect(b.table.holds(api.index, 0, a9000)).toBe(false);
    // i-b moved from member 1 to member 0: a verdict made on member 1 no longer applies.
    expect(b.table.holds(api.index, 1, b9000)).toBe(false);
    expect(b.table.holds(api.index, 0, b9000)).toBe(true);
  });
});

describe('pickModeOf', () => {
  it('names how each kind of scope picks', () => {
    const b = new Balancer(
      webTopology([
        {
          action: 'SetRule',
          params: {
            RuleId: 'rule-api',
            ListenerSync: 'off',
            StickySession: 'on',
            StickySessionType: 'insert',
            CookieTimeout: 10,
          },
        },
      ]),
      EXACT,
    );
    expect(pickModeOf(b.table.byKey(API)!.spec)).toBe(PICK_COOKIE);
    expect(b.table.byKey(API)!.cookieName).toBe('SERVERID');
    const web = b.table.byKey('lb-1:http:80/listener-vserver-group/rsp-web')!;
    expect(web.mode).toBe(PICK_SCHEDULER);
    expect(web.fast).not.toBeNull();
    expect(web.cookieName).toBeNull();
    expect([PICK_SCHEDULER, PICK_COOKIE, PICK_SOURCE_IP, PICK_FAILOVER]).toEqual([0, 1, 2, 3]);
  });
});
