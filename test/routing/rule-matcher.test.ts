import { describe, expect, it } from 'vitest';
import { normalizeHost } from '../../src/routing/host.js';
import { matchKindOf, RuleMatcher } from '../../src/routing/rule-matcher.js';
import type { ForwardingRule } from '../../src/topology/types.js';

function rule(RuleName: string, Domain?: string, Url?: string): ForwardingRule {
  return { RuleId: `rule-${RuleName}`, RuleName, Domain, Url, VServerGroupId: 'rsp', ListenerSync: 'on' };
}

const RULES = [
  rule('exact', 'www.aliyun.com'),
  rule('wild', '*.aliyun.com'),
  rule('wild-market', '*.market.aliyun.com'),
  rule('api-v1', 'api.example.com', '/v1'),
  rule('api-v1-items', 'api.example.com', '/v1/items'),
  rule('api-domain', 'api.example.com'),
  rule('static', undefined, '/static'),
  rule('static-img', undefined, '/static/img'),
  rule('shop-only-url', 'shop.example.com', '/cart'),
];

function winner(m: RuleMatcher, host: string, path: string): string | null {
  const i = m.match(normalizeHost(host), path);
  return i < 0 ? null : m.rules[i].RuleName;
}

describe('normalizeHost', () => {
  it('lowercases, drops the port and one trailing dot', () => {
    expect(normalizeHost('WWW.Example.COM')).toBe('www.example.com');
    expect(normalizeHost('www.example.com:8080')).toBe('www.example.com');
    expect(normalizeHost('www.example.com.')).toBe('www.example.com');
    expect(normalizeHost('WWW.EXAMPLE.COM.:80')).toBe('www.example.com');
    expect(normalizeHost('[::1]:8080')).toBe('[::1]');
  });
  it('returns an already normal host unchanged (no copy)', () => {
    const h = 'api.example.com';
    expect(normalizeHost(h)).toBe(h);
  });
});

describe('RuleMatcher (domain-first)', () => {
  const m = new RuleMatcher(RULES);

  it('given an exact and a wildcard domain, when the host is exact, then the exact rule wins', () => {
    expect(winner(m, 'www.aliyun.com', '/')).toBe('exact');
    expect(winner(m, 'WWW.ALIYUN.COM:80', '/x')).toBe('exact');
  });
  it('given nested wildcards, when a host matches both, then the longest suffix wins', () => {
    expect(winner(m, 'market.aliyun.com', '/')).toBe('wild');
    expect(winner(m, 'info.market.aliyun.com', '/')).toBe('wild-market');
    expect(winner(m, 'a.b.aliyun.com', '/')).toBe('wild');
  });
  it('given *.aliyun.com, when the host is the bare aliyun.com, then it does not match', () => {
    expect(winner(m, 'aliyun.com', '/')).toBeNull();
  });
  it('given URL rules of one domain, when the path matches several, then the longest prefix wins', () => {
    expect(winner(m, 'api.example.com', '/v1/items/42')).toBe('api-v1-items');
    expect(winner(m, 'api.example.com', '/v1/users')).toBe('api-v1');
    expect(winner(m, 'api.example.com', '/v1')).toBe('api-v1');
  });
  it('matches prefixes byte-wise, not by segment, and case-sensitively', () => {
    expect(winner(m, 'api.example.com', '/v10')).toBe('api-v1');
    expect(winner(m, 'api.example.com', '/V1/items')).toBe('api-domain');
  });
  it('excludes the query string from URL matching', () => {
    expect(winner(m, 'api.example.com', '/v?x=/v1')).toBe('api-domain');
    expect(winner(m, 'api.example.com', '/v1/items?page=2')).toBe('api-v1-items');
  });
  it('given a domain with URL rules, when no URL matches, then the domain-only rule applies', () => {
    expect(winner(m, 'api.example.com', '/health')).toBe('api-domain');
  });
  it('given a domain with only URL rules, when no URL matches, then no rule (fallbacks apply)', () => {
    expect(winner(m, 'shop.example.com', '/checkout')).toBeNull();
  });
  it('given URL-only rules, when the host matched no domain rule, then the longest prefix applies', () => {
    expect(winner(m, 'cdn.other.net', '/static/img/logo.png')).toBe('static-img');
    expect(winner(m, 'cdn.other.net', '/static/app.js')).toBe('static');
    expect(winner(m, 'cdn.other.net', '/index.html')).toBeNull();
  });
  it('given domain-first, when the host matched a domain rule, then URL-only rules do not apply', () => {
    expect(winner(m, 'api.example.com', '/static/app.js')).toBe('api-domain');
    expect(winner(m, 'shop.example.com', '/static/app.js')).toBeNull();
  });
});

describe('RuleMatcher (url-also)', () => {
  const m = new RuleMatcher(RULES, 'url-also');
  it('lets a longer URL-only prefix win inside a matched domain', () => {
    expect(winner(m, 'api.example.com', '/static/app.js')).toBe('static');
    expect(winner(m, 'shop.example.com', '/static/app.js')).toBe('static');
  });
  it("keeps the domain's own URL rule on a tie or when it is longer", () => {
    const tie = new RuleMatcher([rule('own', 'a.com', '/x'), rule('other', undefined, '/x')], 'url-also');
    expect(winner(tie, 'a.com', '/x/1')).toBe('own');
    expect(winner(m, 'api.example.com', '/v1/items')).toBe('api-v1-items');
  });
});

describe('matchKindOf', () => {
  it('names each kind of rule', () => {
    expect(matchKindOf(rule('a', 'a.com'))).toBe('exact-domain');
    expect(matchKindOf(rule('a', '*.a.com'))).toBe('wildcard-domain');
    expect(matchKindOf(rule('a', 'a.com', '/x'))).toBe('exact-domain+url');
    expect(matchKindOf(rule('a', '*.a.com', '/x'))).toBe('wildcard-domain+url');
    expect(matchKindOf(rule('a', undefined, '/x'))).toBe('url');
  });
});
