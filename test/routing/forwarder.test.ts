import { describe, expect, it } from 'vitest';
import { Balancer, RouteResult } from '../../src/routing/balancer.js';
import {
  FAILURE_BROKEN,
  FAILURE_CONNECT,
  FAILURE_CONNECT_TIMEOUT,
  FAILURE_READ_TIMEOUT,
  Forwarder,
  TriedSet,
  triesNextUpstream,
} from '../../src/routing/forwarder.js';
import { OUTCOME_OK } from '../../src/routing/outcomes.js';
import { CookieJar } from '../../src/routing/sticky-cookies.js';
import { webTopology } from './fixtures.js';

const EXACT = {
  seed: '1',
  cluster: { nodes: 1, workers: 1 },
  ruleMatching: 'domain-first',
  l4Order: 'kernel',
} as const;

const STICKY_INSERT = {
  action: 'SetLoadBalancerHTTPListenerAttribute',
  params: {
    LoadBalancerId: 'lb-1',
    ListenerPort: 80,
    StickySession: 'on',
    StickySessionType: 'insert',
    CookieTimeout: 60,
  },
} as const;

describe('triesNextUpstream (proxy_next_upstream error timeout)', () => {
  it('retries connect errors and connect timeouts at layer 7 only', () => {
    const failures = [
      FAILURE_CONNECT,
      FAILURE_CONNECT_TIMEOUT,
      FAILURE_READ_TIMEOUT,
      FAILURE_BROKEN,
    ] as const;
    expect(failures.map((f) => triesNextUpstream(7, f))).toEqual([true, true, false, false]);
    expect(failures.map((f) => triesNextUpstream(4, f))).toEqual([false, false, false, false]);
  });
});

describe('TriedSet', () => {
  it('given members added, then has() names them until clear(), also beyond its first capacity', () => {
    const t = new TriedSet();
    t.clear();
    expect([0, 1, 40].map((m) => t.has(m))).toEqual([false, false, false]);
    t.add(1);
    t.add(40);
    expect([0, 1, 40].map((m) => t.has(m))).toEqual([false, true, true]);
    t.clear();
    expect([0, 1, 40].map((m) => t.has(m))).toEqual([false, false, false]);
  });
});

describe('Forwarder', () => {
  function picked(b: Balancer, host: string, path: string): RouteResult {
    const out = new RouteResult();
    b.resolve(b.listenerOf('lb-1:http:80'), host, path, out);
    b.pick(out, 0x0a000001, 40000, undefined, 0);
    return out;
  }

  it('given a refused attempt at layer 7, then the next untried member is picked, each member once, then none', () => {
    const b = new Balancer(webTopology(), EXACT);
    const f = new Forwarder(b);
    const out = picked(b, 'api.example.com', '/v1/x');
    const tried = new TriedSet();
    tried.clear();
    const attempts = [b.backends[out.backend].key];
    while (f.failed(out, FAILURE_CONNECT, tried)) attempts.push(b.backends[out.backend].key);
    expect(attempts).toEqual(['i-a:9000', 'i-b:9000', 'i-c:9000']);
    // Every member was tried: the request's answer is the last failed attempt.
    expect(b.backends[out.backend].key).toBe('i-c:9000');
    expect(out.outcome).toBe(OUTCOME_OK);
  });

  it('given a read timeout, then the request ends on the same backend (no retry)', () => {
    const b = new Balancer(webTopology(), EXACT);
    const out = picked(b, 'api.example.com', '/v1/x');
    const first = out.backend;
    const tried = new TriedSet();
    tried.clear();
    expect(new Forwarder(b).failed(out, FAILURE_READ_TIMEOUT, tried)).toBe(false);
    expect(out.backend).toBe(first);
    expect(tried.has(out.member)).toBe(false);
  });

  it('given insert stickiness, then the issued cookie goes to Set-Cookie and the jar, and comes back from both', () => {
    const b = new Balancer(webTopology([STICKY_INSERT]), EXACT);
    const f = new Forwarder(b);
    const out = picked(b, 'www.example.com', '/');
    const sid = out.issueCookie!;
    expect(f.setCookie(out)).toBe(`SERVERID=${sid}; Max-Age=60; Path=/`);
    const jar = new CookieJar();
    f.keepIssued(out, jar, 7, 1_000_000);
    expect(f.cookieInJar(out, jar, 7, 60_999_999)).toBe(sid);
    expect(f.cookieInJar(out, jar, 7, 61_000_000)).toBeUndefined();
    expect(f.cookieInHeader(out, `a=1; SERVERID=${sid}`)).toBe(sid);
    expect(f.cookieInHeader(out, undefined)).toBeUndefined();
  });

  it('given no stickiness, then there is no cookie to read or issue', () => {
    const b = new Balancer(webTopology(), EXACT);
    const f = new Forwarder(b);
    const out = picked(b, 'www.example.com', '/');
    expect(out.issueCookie).toBeNull();
    expect(f.setCookie(out)).toBeNull();
    expect(f.cookieInHeader(out, 'SERVERID=abc')).toBeUndefined();
  });
});
