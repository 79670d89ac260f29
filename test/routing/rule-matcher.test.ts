import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeHost } from '../../src/routing/host.js';
import { MATCH_BAD_REQUEST, matchKindOf, RuleMatcher } from '../../src/routing/rule-matcher.js';
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

/** The probes of issue 10 §1: what nginx 1.22 (Tengine's base) matched, held against both modes. */
describe('RuleMatcher: URL matching normalized (default) and raw (issue 10 §1)', () => {
  const RULES_10 = [
    rule('api', undefined, '/api'),
    rule('api-v2', undefined, '/api/v2'),
    rule('static', undefined, '/static'),
    rule('tilde-user', undefined, '/%7Euser'),
    rule('q', undefined, '/a?b'),
    rule('hash', undefined, '/h#x'),
    rule('bad-escape', undefined, '/bad%zz'),
    rule('www', 'www.example.com'),
  ];
  const norm = new RuleMatcher(RULES_10);
  const raw = new RuleMatcher(RULES_10, 'domain-first', 'raw');
  const name = (m: RuleMatcher, host: string, path: string): string | null => {
    const i = m.matchRaw(host, path);
    return i === MATCH_BAD_REQUEST ? 'bad-request' : i < 0 ? null : m.rules[i].RuleName;
  };

  it.each([
    // target, normalized (as nginx), raw (the behaviour before issue 10)
    ['/api/../x', null, 'api'],
    ['/static/../api/v2', 'api-v2', 'static'],
    ['/%61pi/v2', 'api-v2', null],
    ['/./api', 'api', null],
    ['//api/v2', 'api-v2', null],
    ['/api%2Fv2/x', 'api-v2', 'api'],
    ['/%7Euser/x', 'tilde-user', 'tilde-user'],
    ['/~user/x', 'tilde-user', null],
    ['/%257Euser', null, null],
    ['/a%3Fb', 'q', null],
    ['/a?b', null, null],
    ['/h%23x', 'hash', null],
    ['/h#x', null, 'hash'],
    ['/bad%zz', 'bad-request', 'bad-escape'],
    ['/bad%25zz', null, null],
    ['/..', 'bad-request', null],
    ['/api/../../x', 'bad-request', 'api'],
    ['/api%00', 'bad-request', 'api'],
    ['/api/v2?x=/..', 'api-v2', 'api-v2'],
  ])('given the target %j, then normalized matches %j and raw %j', (target, normalized, rawName) => {
    expect(name(norm, 'cdn.test', target)).toBe(normalized);
    expect(name(raw, 'cdn.test', target)).toBe(rawName);
  });

  it.each([
    ['WWW.Example.COM', 'www', 'www'],
    ['www.example.com.', 'www', 'www'],
    ['www.example.com.:8080', 'www', 'www'],
    ['www..example.com', 'bad-request', null],
    ['www.example.com..', 'bad-request', null],
    ['.', 'bad-request', null],
    [':80', 'bad-request', null],
    ['a/b', 'bad-request', null],
    ['', null, null],
  ])('given Host %j on /, then normalized gives %j and raw %j', (host, normalized, rawName) => {
    expect(name(norm, host, '/')).toBe(normalized);
    expect(name(raw, host, '/')).toBe(rawName);
  });

  it('given an invalid Host, when it is asked again, then the memo still says bad request', () => {
    expect(norm.matchRaw('x..y', '/api')).toBe(MATCH_BAD_REQUEST);
    expect(norm.matchRaw('x..y', '/api')).toBe(MATCH_BAD_REQUEST);
  });

  it('decodes rule URLs for matching and keeps the raw ones in raw mode', () => {
    expect(norm.urlKeys).toEqual(['/api', '/api/v2', '/static', '/~user', '/a?b', '/h#x', null, null]);
    expect(raw.urlKeys).toEqual(['/api', '/api/v2', '/static', '/%7Euser', '/a?b', '/h#x', '/bad%zz', null]);
  });

  it('given url-also, then prefixes compare by their decoded length', () => {
    const m = new RuleMatcher(
      [rule('own', 'a.com', '/%61b'), rule('other', undefined, '/abc')],
      'url-also',
      'normalized',
    );
    expect(name(m, 'a.com', '/ab/x')).toBe('own');
    expect(name(m, 'a.com', '/abc')).toBe('other');
    expect(name(m, 'a.com', '/%61%62c')).toBe('other');
  });

  it('agrees with raw matching on targets that are already normal (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('cdn.test', 'www.example.com', 'WWW.example.com:80'),
        fc.stringMatching(/^\/[a-z2~/]{0,12}(\?[a-z/.]{0,4})?$/),
        (host, target) => {
          fc.pre(!/\/\/|\/\./.test(target.split('?')[0]));
          expect(name(norm, host, target)).toBe(name(raw, host, target));
        },
      ),
    );
  });

  it('match (a normalised host) gives what matchRaw gives', () => {
    expect(norm.match('cdn.test', '/static/../api/v2')).toBe(1);
    expect(norm.match('cdn.test', '/..')).toBe(MATCH_BAD_REQUEST);
    expect(raw.match('cdn.test', '/static/../api/v2')).toBe(2);
  });
});
