import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as slbsim from '../../src/index.js';
import { planChange } from '../../src/plan/plan-change.js';
import type { PlanGroup, PlanReport } from '../../src/plan/plan-model.js';
import { renderPlan } from '../../src/plan/plan-render.js';
import { formatted, lines } from '../scenario/helpers.js';
import { changeOf, example, exampleScenario, FIXTURE, planOf, scenarioOf } from './fixtures.js';

function group(p: PlanReport, scope: string): PlanGroup {
  const g = p.groups.find((x) => x.scope === scope);
  if (g === undefined) throw new Error(`no group ${scope} in ${p.groups.map((x) => x.scope).join(', ')}`);
  return g;
}

const counts = (g: PlanGroup) =>
  g.backends.map((b) => [`${b.ServerId}:${b.Port}`, b.count.before, b.count.after, b.moved.out, b.moved.in]);

describe('planChange on the example changes', () => {
  it('seed-case weights: a weight change and a member removal at 0, counted request by request', () => {
    const { scenario, change } = example(
      'scenarios/seed-case.yaml',
      'scenarios/changes/seed-case-weights.yaml',
    );
    const p = planOf(scenario, change, { label: 'scenarios/seed-case.yaml' });
    expect([p.seed, p.fromUs, p.settledUs, p.requests, p.compared]).toEqual(['42', 0, 0, 3000, 3000]);
    expect(p.moved).toEqual({ count: 1348, fraction: 0.449333 });
    const api = group(p, 'lb-seed:http:80 rule api');
    expect(counts(api)).toEqual([
      ['i-api1:9000', 526, 877, 0, 351],
      ['i-api2:9000', 351, 0, 351, 0],
    ]);
    expect([api.moved, api.shareShift, api.eligibleMembers]).toEqual([
      { out: 351, in: 351, fraction: 0.400228 },
      0.400228,
      { before: 2, after: 1 },
    ]);
    const web = group(p, 'lb-seed:http:80 listener-vserver-group');
    expect(counts(web)).toEqual([
      ['i-web1:8080', 767, 613, 460, 306],
      ['i-web1:8081', 383, 307, 307, 231],
      ['i-web2:8080', 383, 613, 230, 460],
    ]);
    expect(web.backends.map((b) => b.share)).toEqual([
      { before: 0.500326, after: 0.39987 },
      { before: 0.249837, after: 0.200261 },
      { before: 0.249837, after: 0.39987 },
    ]);
    // wrr has no affinity: 65 % of its requests change backend, though only 15 % of the share shifts.
    expect([web.moved.fraction, web.shareShift, web.clients]).toEqual([0.650359, 0.150033, null]);
    expect(group(p, 'lb-seed:http:81 default-pool').moved).toEqual({ out: 0, in: 0, fraction: 0 });
    expect(p.listeners.map((l) => [l.listener, l.requests, l.routeChanged.count])).toEqual([
      ['lb-seed:http:80', 2410, 0],
      ['lb-seed:http:81', 590, 0],
    ]);
    expect(p.emptiedGroups).toEqual([]);
    expect([
      p.expectations.before?.failed,
      p.expectations.after?.failed,
      p.expectations.after?.passed,
    ]).toEqual([0, 5, 2]);
    expect([p.passed, p.failures]).toEqual([false, ['5 of 7 expectation check(s) fail after the change']]);
  });

  it('seed-case api-v1: a new rule at 10s takes the api traffic and shadows the domain-only rule', () => {
    const { scenario, change } = example(
      'scenarios/seed-case.yaml',
      'scenarios/changes/seed-case-api-v1.yaml',
    );
    const p = planOf(scenario, change);
    expect([p.fromUs, p.settledUs, p.compared, p.moved.count, p.moved.fraction]).toEqual([
      10_000_000, 10_000_000, 2000, 571, 0.2855,
    ]);
    const l80 = p.listeners[0];
    expect([l80.listener, l80.requests, l80.routeChanged]).toEqual([
      'lb-seed:http:80',
      1593,
      { count: 571, fraction: 0.358443 },
    ]);
    expect(l80.changes).toEqual([
      {
        host: 'api.example.com',
        pathPrefix: '/v1',
        from: 'rule api → rsp-api',
        to: 'rule api-v1 → rsp-web',
        count: 571,
      },
    ]);
    expect(l80.rules.map((r) => [r.RuleName, r.before, r.after, r.shadowedBy])).toEqual([
      ['api', 'reached', 'shadowed', ['api-v1']],
      ['api-v1', 'absent', 'reached', []],
    ]);
    expect(group(p, 'lb-seed:http:80 rule api').requests).toEqual({ before: 571, after: 0 });
    expect(counts(group(p, 'lb-seed:http:80 rule api-v1'))).toEqual([
      ['i-web1:8080', 0, 285, 0, 285],
      ['i-web1:8081', 0, 143, 0, 143],
      ['i-web2:8080', 0, 143, 0, 143],
    ]);
    expect(p.failures).toEqual(['1 of 7 expectation check(s) fail after the change']);
  });

  it('tcp-consistent-hash: removing one of four sch members remaps about 1/4 of the clients', () => {
    const { scenario, change } = example(
      'scenarios/tcp-consistent-hash.yaml',
      'scenarios/changes/tcp-consistent-hash-remove.yaml',
    );
    const p = planOf(scenario, change, { maxMoved: 0.3 });
    expect([p.fromUs, p.requests, p.compared, p.moved.count]).toEqual([40_000_000, 11873, 3978, 1022]);
    const g = group(p, 'lb-cache:tcp:6379 listener-vserver-group');
    expect(g.eligibleMembers).toEqual({ before: 4, after: 3 });
    expect(g.clients).toEqual({
      key: 'source-ip',
      seen: 2687,
      remapped: 706,
      fraction: 0.262747,
      ideal: 0.25,
    });
    expect(Math.abs(g.clients!.fraction! - 1 / 4)).toBeLessThan(0.02);
    // Maglev moves the removed member's keys and (almost) nothing else.
    expect(counts(g)).toEqual([
      ['i-cache4:6379', 1021, 0, 1021, 0],
      ['i-cache3:6379', 977, 1293, 0, 316],
      ['i-cache2:6379', 1009, 1356, 1, 348],
      ['i-cache1:6379', 971, 1329, 0, 358],
    ]);
    expect([p.passed, p.maxMoved]).toEqual([true, 0.3]);
    const strict = planOf(scenario, change, { maxMoved: 0.25 });
    expect([strict.passed, strict.failures]).toEqual([
      false,
      ['1022 of 3978 requests move (0.256913), more than --max-moved 0.25'],
    ]);
  });
  it('sticky-few-clients: removing two of four cookie-sticky members remaps the clients on them', () => {
    const p = planOf(
      exampleScenario('scenarios/sticky-few-clients.yaml'),
      changeOf(
        lines(
          '- at: 10m',
          '  action: RemoveVServerGroupBackendServers',
          '  params:',
          '    VServerGroupId: rsp-sticky',
          '    BackendServers: [{ ServerId: i-s1, Port: 80 }, { ServerId: i-s2, Port: 80 }]',
        ),
      ),
    );
    const g = group(p, 'lb-sticky:http:80 listener-vserver-group');
    expect([g.stickySession, g.eligibleMembers]).toEqual([
      { before: 'insert', after: 'insert' },
      { before: 4, after: 2 },
    ]);
    expect(g.clients).toEqual({ key: 'source-ip', seen: 3, remapped: 2, fraction: 0.666667, ideal: 0.5 });
    expect(counts(g)).toEqual([
      ['i-s1:80', 1929, 0, 1929, 0],
      ['i-s2:80', 1970, 0, 1970, 0],
      ['i-s3:80', 2018, 3947, 0, 1929],
      ['i-s4:80', 0, 1970, 0, 1970],
    ]);
  });
});

describe('planChange on the fixture', () => {
  const scenario = scenarioOf();

  it('names every scope left with no eligible backend, and the requests that now fail', () => {
    const p = planOf(
      scenario,
      changeOf(
        lines(
          '- action: SetVServerGroupAttribute',
          '  params: { VServerGroupId: rsp-b, BackendServers: [{ ServerId: i-3, Port: 80, Weight: 0 }] }',
        ),
      ),
    );
    expect(p.emptiedGroups).toEqual([
      'lb-1:http:80 rule static',
      'lb-1:http:80 rule shop',
      'lb-1:http:81 listener-vserver-group',
    ]);
    expect(p.outcomes.after).toEqual({
      ok: 0,
      'no-eligible-backend': 1000,
      'listener-stopped': 0,
      'no-such-listener': 0,
      'backend-error': 0,
    });
    expect(
      p.groups.map((g) => [
        g.scope,
        g.noEligibleBackend.after,
        g.eligibleMembers.before,
        g.eligibleMembers.after,
      ]),
    ).toEqual([
      ['lb-1:http:80 rule static', 330, 1, 0],
      ['lb-1:http:80 rule shop', 341, 1, 0],
      ['lb-1:http:81 listener-vserver-group', 329, 1, 0],
    ]);
    expect(p.failures).toEqual(['1 of 1 expectation check(s) fail after the change']);
  });

  it('counts route changes per (host, path prefix): a deleted rule and a stopped listener', () => {
    const p = planOf(
      scenario,
      changeOf(
        lines(
          '- at: 500ms',
          '  action: StopLoadBalancerListener',
          '  params: { LoadBalancerId: lb-1, ListenerPort: 81 }',
          '- at: 500ms',
          '  action: DeleteRules',
          '  params: { RuleIds: [rule-sim1] }',
        ),
      ),
    );
    expect([p.compared, p.moved.count]).toEqual([500, 321]);
    expect(p.listeners.map((l) => [l.listener, l.routeChanged.count, l.changes])).toEqual([
      [
        'lb-1:http:80',
        161,
        [
          {
            host: 'www.example.com',
            pathPrefix: '/static',
            from: 'rule static → rsp-b',
            to: 'listener group rsp-a',
            count: 161,
          },
        ],
      ],
      [
        'lb-1:http:81',
        160,
        [
          {
            host: 'www.example.com',
            pathPrefix: '/',
            from: 'listener group rsp-b',
            to: 'listener stopped',
            count: 160,
          },
        ],
      ],
    ]);
    expect(p.listeners[0].rules.map((r) => [r.RuleName, r.before, r.after])).toEqual([
      ['static', 'reached', 'absent'],
      ['shop', 'reached', 'reached'],
    ]);
    expect(p.outcomes.after['listener-stopped']).toBe(160);
    // A stopped listener routes nowhere: its group is no longer in use (not "emptied").
    expect(group(p, 'lb-1:http:81 listener-vserver-group').eligibleMembers).toEqual({
      before: 1,
      after: null,
    });
    expect(p.emptiedGroups).toEqual([]);
  });

  it('tells shadowed rules (and by what) from unreachable ones', () => {
    const p = planOf(
      scenario,
      changeOf(
        lines(
          '- action: CreateRules',
          '  params:',
          '    LoadBalancerId: lb-1',
          '    ListenerPort: 80',
          '    RuleList:',
          '      - { RuleName: shop-static, Domain: shop.example.com, Url: /static, VServerGroupId: rsp-a }',
          '      - { RuleName: www-other, Domain: www.example.com, Url: /other, VServerGroupId: rsp-b }',
          '      - { RuleName: api, Domain: api.example.com, VServerGroupId: rsp-a }',
        ),
      ),
    );
    expect(p.listeners[0].rules.map((r) => [r.RuleName, r.before, r.after, r.shadowedBy])).toEqual([
      ['static', 'reached', 'shadowed', ['shop-static', 'the listener fallback']],
      ['shop', 'reached', 'shadowed', ['shop-static']],
      ['shop-static', 'absent', 'reached', []],
      ['www-other', 'absent', 'unreachable', []],
      ['api', 'absent', 'unreachable', []],
    ]);
    expect(p.listeners[0].changes.map((c) => [c.host, c.pathPrefix, c.from, c.to, c.count])).toEqual([
      ['shop.example.com', '/static', 'rule shop → rsp-b', 'rule shop-static → rsp-a', 341],
      ['www.example.com', '/static', 'rule static → rsp-b', 'listener group rsp-a', 330],
    ]);
    expect([p.moved.count, p.passed]).toEqual([671, true]);
  });

  it('moves nothing when the change changes nothing', () => {
    const p = planOf(
      scenario,
      changeOf(
        lines(
          '- at: 200ms',
          '  action: SetVServerGroupAttribute',
          '  params: { VServerGroupId: rsp-a, BackendServers: [{ ServerId: i-1, Port: 80, Weight: 100 }] }',
        ),
      ),
      { maxMoved: 0 },
    );
    expect([p.compared, p.moved.count, p.moved.fraction, p.passed]).toEqual([800, 0, 0, true]);
    expect(p.groups.every((g) => g.moved.out === 0 && g.moved.in === 0 && g.shareShift === 0)).toBe(true);
    expect(p.listeners.every((l) => l.routeChanged.count === 0)).toBe(true);
  });

  it('applies nothing of a change CLB refuses: every rejection with its code, at its position', () => {
    const withTimeline = scenarioOf(
      `${FIXTURE}timeline:\n  - at: 500ms\n    action: SetVServerGroupAttribute\n    params: { VServerGroupId: rsp-b, BackendServers: [{ ServerId: i-3, Port: 80, Weight: 50 }] }\n`,
    );
    const r = planChange(
      withTimeline,
      changeOf(
        lines(
          '- action: RemoveVServerGroupBackendServers',
          '  params: { VServerGroupId: rsp-b, BackendServers: [{ ServerId: i-3, Port: 80 }] }',
          '- action: SetVServerGroupAttribute',
          '  params: { VServerGroupId: rsp-a, BackendServers: [{ ServerId: i-1, Port: 80, Weight: 101 }] }',
          '- at: 1s',
          '  action: DeleteVServerGroup',
          '  params: { VServerGroupId: rsp-z }',
        ),
      ),
    );
    expect(r.ok ? [] : formatted(r.diagnostics)).toEqual([
      'change.yaml:4:88: InvalidWeight.Malformed SetVServerGroupAttribute rejected: BackendServers[0].Weight must be between 0 and 100, got 101.',
      'change.yaml:7:29: InvalidParameter DeleteVServerGroup at 1s rejected: The specified VServerGroupId rsp-z does not exist.',
      'fixture.yaml:34:67: BackendServer.NotFound SetVServerGroupAttribute at 500ms rejected: BackendServers[0]: i-3:80 is not in VServer group rsp-b. (with the change)',
    ]);
  });

  it('gives the same bytes for the same seed, and other counts for another', () => {
    const change = changeOf(
      lines(
        '- at: 300ms',
        '  action: SetVServerGroupAttribute',
        '  params: { VServerGroupId: rsp-a, BackendServers: [{ ServerId: i-2, Port: 80, Weight: 20 }] }',
      ),
    );
    const a = renderPlan(planOf(scenario, change), 'json');
    expect(renderPlan(planOf(scenario, change), 'json')).toBe(a);
    const other = planOf(scenario, change, { seed: 'other' });
    expect(other.seed).toBe('other');
    expect(renderPlan(other, 'json')).not.toBe(a);
  });

  it('keeps its books: moves out equal moves in, backend counts add up to the served (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 0, max: 999 }),
        (w1, w2, atMs) => {
          const p = planOf(
            scenario,
            changeOf(
              lines(
                `- at: ${atMs}ms`,
                '  action: SetVServerGroupAttribute',
                `  params: { VServerGroupId: rsp-a, BackendServers: [{ ServerId: i-1, Port: 80, Weight: ${w1} }, { ServerId: i-2, Port: 80, Weight: ${w2} }] }`,
              ),
            ),
          );
          const out = p.groups.reduce((n, g) => n + g.moved.out, 0);
          const into = p.groups.reduce((n, g) => n + g.moved.in, 0);
          expect([out, into]).toEqual([p.moved.count, p.moved.count]);
          expect(p.compared).toBe(1000 - atMs);
          for (const g of p.groups) {
            expect(g.backends.reduce((n, b) => n + b.count.before, 0)).toBe(g.served.before);
            expect(g.backends.reduce((n, b) => n + b.count.after, 0)).toBe(g.served.after);
            expect(g.backends.reduce((n, b) => n + b.moved.out, 0)).toBe(g.moved.out);
          }
          // Only rsp-a's listener group is touched; the rules and :81 move nothing.
          for (const g of p.groups.filter((x) => x.VServerGroupId !== 'rsp-a'))
            expect([g.moved.out, g.moved.in]).toEqual([0, 0]);
        },
      ),
      { numRuns: 25, seed: 20240601 },
    );
  });
});

describe('the library surface', () => {
  it('plans a change through the package entry', () => {
    const scenario = slbsim.loadScenario('scenarios/tcp-consistent-hash.yaml');
    const change = slbsim.loadChange('scenarios/changes/tcp-consistent-hash-remove.yaml');
    if (!scenario.ok || !change.ok) throw new Error('examples must load');
    expect(slbsim.changeRejections(scenario.scenario, change.change)).toEqual([]);
    const r = slbsim.planChange(scenario.scenario, change.change);
    expect(r.ok && [r.plan.schema, r.plan.moved.count]).toEqual([slbsim.PLAN_SCHEMA, 1022]);
    expect(r.ok && slbsim.renderPlan(r.plan, 'md').startsWith('# slbsim plan: tcp-consistent-hash')).toBe(
      true,
    );
  });
});
