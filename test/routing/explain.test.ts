import { describe, expect, it } from 'vitest';
import { Balancer } from '../../src/routing/balancer.js';
import { type ExplainRequest, explain } from '../../src/routing/explain.js';
import { webTopology } from './fixtures.js';

const EXACT = {
  seed: '1',
  cluster: { nodes: 1, workers: 1 },
  ruleMatching: 'domain-first',
  l4Order: 'kernel',
} as const;
const ALIVE = { isAlive: () => true };

function request(host: string, path: string): ExplainRequest {
  return {
    listener: 'lb-1:http:80',
    host,
    path,
    clientIp: 0x0a000001,
    clientPort: 40000,
    cookies: {},
    now: 0,
  };
}

describe('explain: URL and Host normalisation (issue 10 §1)', () => {
  it('given escapes, dot segments and an upper-case Host, then it shows the raw and normalised request and each step', () => {
    const d = explain(
      new Balancer(webTopology(), EXACT),
      ALIVE,
      request('API.Example.COM:80', '/x/../%76%31/items?p=1'),
    );
    expect(d).toMatchObject({
      host: 'API.Example.COM:80',
      normalizedHost: 'api.example.com',
      path: '/x/../%76%31/items?p=1',
      normalizedPath: '/v1/items',
      urlMatching: 'normalized',
      status: 'ok',
      httpStatus: 200,
      rule: { RuleName: 'api' },
    });
    expect(d.normalization).toEqual([
      'path: dot segment: "/x/.." → "/"',
      'path: "%76" → "v"',
      'path: "%31" → "1"',
      'path: the query "?p=1" is not part of the path',
      'Host "API.Example.COM:80" → "api.example.com" (lowercased, port ":80" removed; ngx_http_validate_host)',
    ]);
    expect(d.steps[1]).toBe(
      'normalised as Tengine does (5 steps), the rules see host api.example.com and path /v1/items',
    );
  });

  it('given a target above the root, then bad-request, HTTP 400, and why', () => {
    const d = explain(new Balancer(webTopology(), EXACT), ALIVE, request('api.example.com', '/v1/../../etc'));
    expect(d).toMatchObject({
      status: 'bad-request',
      httpStatus: 400,
      normalizedPath: null,
      rule: null,
      backend: null,
      rulesConsidered: [],
    });
    expect(d.steps).toEqual([
      'listener lb-1:http:80 (http, layer 7) is running',
      'the path "/v1/../../etc" is invalid: "/.." in "/.." climbs above the root (ngx_http_parse_complex_uri): Tengine answers 400 before any routing (URL matching normalized)',
    ]);
  });

  it('given a Host with an empty label, then bad-request, HTTP 400, and why', () => {
    const d = explain(new Balancer(webTopology(), EXACT), ALIVE, request('api..example.com', '/v1'));
    expect(d).toMatchObject({ status: 'bad-request', httpStatus: 400, normalizedHost: null });
    expect(d.steps[1]).toBe(
      'the Host "api..example.com" is invalid: two dots in a row (an empty label) (ngx_http_validate_host): Tengine answers 400 before any routing (URL matching normalized)',
    );
  });

  it('given a rule URL that the normalised path does not start with, then the verdict names the normalised path', () => {
    const d = explain(new Balancer(webTopology(), EXACT), ALIVE, request('api.example.com', '/v2/../x'));
    expect(d.rulesConsidered.map((r) => [r.result, r.reason])).toEqual([
      ['no-match', 'URL /v1 is not a prefix of the normalised path /x (case-sensitive)'],
    ]);
    expect(d.source).toBe('listener-vserver-group');
  });

  it('given URL matching raw, then nothing is normalised and the step says what Tengine would see', () => {
    const b = new Balancer(webTopology(), { ...EXACT, urlMatching: 'raw' });
    const d = explain(b, ALIVE, request('api.example.com', '/x/../%76%31/items'));
    expect(d).toMatchObject({ urlMatching: 'raw', normalizedPath: '/x/../%76%31/items', normalization: [] });
    expect(d.steps[1]).toBe(
      'URL matching raw: rules compare the path /x/../%76%31/items byte for byte (Tengine would see /v1/items)',
    );
    expect(d.rulesConsidered[0].reason).toBe(
      'URL /v1 is not a prefix of the path /x/../%76%31/items (query excluded, case-sensitive)',
    );
  });
});

describe('explain', () => {
  it('given a matching rule, then it names the rule, the group, each backend and the pick', () => {
    const d = explain(new Balancer(webTopology(), EXACT), ALIVE, request('api.example.com', '/v1/items'));
    expect(d.status).toBe('ok');
    expect(d.httpStatus).toBe(200);
    expect(d.rule?.RuleId).toBe('rule-api');
    expect(d.VServerGroupId).toBe('rsp-api');
    expect(d.backends.map((b) => `${b.ServerId}:${b.Port} ${b.Weight} ${b.reason}`)).toEqual([
      'i-a:9000 4 eligible',
      'i-b:9000 3 eligible',
      'i-c:9000 2 eligible',
    ]);
    expect(d.backend).toEqual({ ServerId: 'i-a', Port: 9000 });
    expect(d.steps).toEqual([
      'listener lb-1:http:80 (http, layer 7) is running',
      'host api.example.com selects the exact domain api.example.com',
      'rule api (rule-api) matches: exact domain api.example.com, longest URL prefix /v1',
      'rule api sends it to VServer group rsp-api',
      'picked i-a:9000 by wrr scheduler',
    ]);
  });

  it('given an unhealthy member and a dead one, then the reasons say so and a dead pick would be retried', () => {
    const b = new Balancer(webTopology(), EXACT);
    b.setHealth(b.scopeByKey('lb-1:http:80/listener-vserver-group/rsp-web')!.index, 1, false);
    const deadA = b.findBackend('i-a', 8080);
    const d = explain(b, { isAlive: (x) => x !== deadA }, request('www.example.com', '/'));
    expect(d.backends.map((x) => [x.healthy, x.alive, x.eligible, x.reason])).toEqual([
      [true, false, true, 'eligible, but dead and not yet detected by the health check'],
      [false, true, false, 'unhealthy: its health check failed'],
      [true, true, true, 'eligible'],
    ]);
    expect(d.steps.slice(-2)).toEqual([
      'picked i-a:8080 by wrr scheduler',
      'that backend is dead: Tengine would retry the next backend',
    ]);
  });

  it('given no such listener, then the connection is refused', () => {
    const d = explain(new Balancer(webTopology(), EXACT), ALIVE, {
      ...request('x', '/'),
      listener: 'lb-1:http:81',
    });
    expect([d.listenerStatus, d.status, d.httpStatus, d.steps]).toEqual([
      'absent',
      'no-such-listener',
      null,
      ['no listener lb-1:http:81: the connection is refused'],
    ]);
  });
});
