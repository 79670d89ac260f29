import { describe, expect, it } from 'vitest';
import { LISTENER_FALLBACK, ruleReachability } from '../../src/plan/rule-reachability.js';
import type { ForwardingRule } from '../../src/topology/types.js';

function rule(RuleName: string, Domain?: string, Url?: string): ForwardingRule {
  return {
    RuleId: `r-${RuleName}`,
    RuleName,
    ...(Domain ? { Domain } : {}),
    ...(Url ? { Url } : {}),
    VServerGroupId: 'rsp-1',
    ListenerSync: 'on',
  };
}

const status = (rs: ReturnType<typeof ruleReachability>) =>
  rs.map((r) => [r.RuleName, r.status, r.shadowedBy]);

describe('ruleReachability', () => {
  it('reached, shadowed by a longer URL, unreachable', () => {
    const rules = [
      rule('v1', undefined, '/v1'),
      rule('v1-items', undefined, '/v1/items'),
      rule('v2', undefined, '/v2'),
    ];
    expect(status(ruleReachability(rules, [{ host: '', path: '/v1/items?page=2' }], 'domain-first'))).toEqual(
      [
        ['v1', 'shadowed', ['v1-items']],
        ['v1-items', 'reached', []],
        ['v2', 'unreachable', []],
      ],
    );
  });

  it('an exact domain shadows a wildcard for its host only', () => {
    const rules = [rule('any', '*.example.com'), rule('www', 'www.example.com')];
    expect(
      status(ruleReachability(rules, [{ host: 'WWW.example.com:80', path: '/' }], 'domain-first')),
    ).toEqual([
      ['any', 'shadowed', ['www']],
      ['www', 'reached', []],
    ]);
    const both = [
      { host: 'www.example.com', path: '/' },
      { host: 'a.example.com', path: '/' },
    ];
    expect(status(ruleReachability(rules, both, 'domain-first'))).toEqual([
      ['any', 'reached', []],
      ['www', 'reached', []],
    ]);
  });

  it('domain-first: a URL-only rule is shadowed by a domain block without that URL (the listener fallback)', () => {
    const rules = [rule('static', undefined, '/static'), rule('shop-api', 'shop.example.com', '/api')];
    const requests = [{ host: 'shop.example.com', path: '/static/a.png' }];
    expect(status(ruleReachability(rules, requests, 'domain-first'))).toEqual([
      ['static', 'shadowed', [LISTENER_FALLBACK]],
      ['shop-api', 'unreachable', []],
    ]);
    // url-also lets the URL-only rule serve paths the domain has no URL rule for.
    expect(status(ruleReachability(rules, requests, 'url-also'))).toEqual([
      ['static', 'reached', []],
      ['shop-api', 'unreachable', []],
    ]);
  });

  it('no requests: every rule is unreachable; no rules: nothing to say', () => {
    expect(status(ruleReachability([rule('a', 'a.example.com')], [], 'domain-first'))).toEqual([
      ['a', 'unreachable', []],
    ]);
    expect(ruleReachability([], [{ host: 'a', path: '/' }], 'domain-first')).toEqual([]);
  });
});
