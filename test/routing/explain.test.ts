import { describe, expect, it } from 'vitest';
import { Balancer } from '../../src/routing/balancer.js';
import { explain } from '../../src/routing/explain.js';
import { webTopology } from './fixtures.js';

const EXACT = {
  seed: '1',
  cluster: { nodes: 1, workers: 1 },
  ruleMatching: 'domain-first',
  l4Order: 'kernel',
} as const;
const ALIVE = { isAlive: () => true };
const request = (host: string, path: string) => ({
  listener: 'lb-1:http:80',
  host,
  path,
  clientIp: 0x0a000001,
  clientPort: 40000,
  cookies: {},
  now: 0,
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
