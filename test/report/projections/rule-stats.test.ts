import { describe, expect, it } from 'vitest';
import { reportFromBatches } from '../../../src/report/report-projection.js';
import {
  OUTCOME_BACKEND_ERROR,
  OUTCOME_LISTENER_STOPPED,
  OUTCOME_NO_BACKEND,
  OUTCOME_NO_LISTENER,
} from '../../../src/routing/outcomes.js';
import { JournalBuilder } from '../journal-builder.js';

describe('rule-match statistics per listener', () => {
  it('Given rules, fallbacks and failures, Then each gets its count and share of the listener', () => {
    const j = new JournalBuilder().start();
    const l = j.listener('lb-1:http:80');
    const ghost = j.listener('lb-1:http:8080');
    const a = j.backend('i-a', 80);
    const b = j.backend('i-b', 8080);
    const api = j.scope({
      listener: l,
      source: 'rule',
      rule: { RuleId: 'rule-1', RuleName: 'api', matchKind: 'exact-domain' },
      groupId: 'rsp-api',
    });
    const img = j.scope({
      listener: l,
      source: 'rule',
      rule: { RuleId: 'rule-2', RuleName: 'img', matchKind: 'url' },
      groupId: 'rsp-img',
    });
    const lg = j.scope({ listener: l, source: 'listener-vserver-group', groupId: 'rsp-web' });
    const dp = j.scope({ listener: l, source: 'default-pool', groupId: null, groupName: 'default' });
    for (const s of [api, img, lg]) j.epoch(s, 0, [[a, 1]]);
    j.epoch(dp, 0, [[b, 1]]);
    for (let t = 0; t < 4; t++) j.route(t, { listener: l, scope: api, backend: a });
    j.route(4, { listener: l, scope: api, outcome: OUTCOME_NO_BACKEND });
    j.route(5, { listener: l, scope: img, backend: a });
    j.route(6, { listener: l, scope: lg, backend: a });
    j.route(7, { listener: l, scope: lg, backend: a, outcome: OUTCOME_BACKEND_ERROR });
    j.route(8, { listener: l, scope: dp, backend: b });
    j.route(9, { listener: l, outcome: OUTCOME_LISTENER_STOPPED });
    j.route(10, { listener: ghost, outcome: OUTCOME_NO_LISTENER });
    // The same rule forwarding to another group after SetRule: a new scope, same rule entry.
    const api2 = j.scope({
      listener: l,
      source: 'rule',
      rule: { RuleId: 'rule-1', RuleName: 'api', matchKind: 'exact-domain' },
      groupId: 'rsp-api-v2',
    });
    j.epoch(api2, 11, [[b, 1]]);
    j.route(11, { listener: l, scope: api2, backend: b });
    const r = reportFromBatches(j.finish(12).done());
    const L = r.listeners[0];
    expect(L.listener).toBe('lb-1:http:80');
    expect(L.requests).toBe(11);
    expect(L.rules).toEqual([
      {
        RuleId: 'rule-1',
        RuleName: 'api',
        matchKind: 'exact-domain',
        VServerGroupIds: ['rsp-api', 'rsp-api-v2'],
        count: 6,
        share: 0.545455,
      },
      {
        RuleId: 'rule-2',
        RuleName: 'img',
        matchKind: 'url',
        VServerGroupIds: ['rsp-img'],
        count: 1,
        share: 0.090909,
      },
    ]);
    expect(L.fallbacks).toEqual({
      listenerGroup: { count: 2, share: 0.181818 },
      defaultPool: { count: 1, share: 0.090909 },
      masterSlave: null,
    });
    expect(L.failures).toEqual({
      noEligibleBackend: 1,
      listenerStopped: 1,
      noSuchListener: 0,
      backendError: 1,
      total: 3,
    });
    // Rules + fallbacks + refused = all requests of the listener.
    expect(6 + 1 + 2 + 1 + 1).toBe(L.requests);
    expect(r.listeners[1]).toMatchObject({ listener: 'lb-1:http:8080', requests: 1, rules: [] });
    expect(r.listeners[1].failures.noSuchListener).toBe(1);
    expect(r.groups.map((g) => [g.scope, g.VServerGroupId, g.defaultPool])).toEqual([
      ['lb-1:http:80 rule api', 'rsp-api', false],
      ['lb-1:http:80 rule img', 'rsp-img', false],
      ['lb-1:http:80 listener-vserver-group', 'rsp-web', false],
      ['lb-1:http:80 default-pool', null, true],
      ['lb-1:http:80 rule api', 'rsp-api-v2', false],
    ]);
  });

  it('Given a layer-4 listener with a primary/secondary group, Then master-slave is a fallback entry', () => {
    const j = new JournalBuilder().start();
    const l = j.listener('lb-1:tcp:443', 4);
    const a = j.backend('i-a', 443);
    const ms = j.scope({
      listener: l,
      source: 'master-slave',
      groupId: 'rsp-ms',
      layer: 4,
      scheduler: 'primary-secondary',
    });
    j.epoch(ms, 0, [[a, 100]]);
    j.route(0, { listener: l, scope: ms, backend: a });
    const r = reportFromBatches(j.finish(1).done());
    expect(r.listeners[0].fallbacks.masterSlave).toEqual({ count: 1, share: 1 });
    expect(r.groups[0]).toMatchObject({ VServerGroupId: null, MasterSlaveServerGroupId: 'rsp-ms', layer: 4 });
  });
});
