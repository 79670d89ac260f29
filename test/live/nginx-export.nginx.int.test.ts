/**
 * The external reference: a real nginx with the exported configuration in front of the live
 * backends, probed with the scenario's requests; in exact mode with wrr nginx's per-backend counts
 * equal the model's exactly. Then the URL/Host normalisation probes of issue 10 §1: for every
 * (Host, target) the model, nginx and slbsim's own live proxy give the same status and backend.
 * Skipped, with a visible notice, when nginx is not installed (`.ci/run` installs it with apt-get).
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendFleet } from '../../src/live/live-backends.js';
import { exportNginx } from '../../src/live/nginx-export.js';
import { findNginx, NginxProcess } from '../../src/live/nginx-process.js';
import { probe } from '../../src/live/probe.js';
import { topologySpan } from '../../src/live/topology-span.js';
import { Balancer, RouteResult } from '../../src/routing/balancer.js';
import { OUTCOME_BAD_REQUEST, OUTCOME_NO_BACKEND, OUTCOME_OK } from '../../src/routing/outcomes.js';
import type { Scenario } from '../../src/scenario/scenario-model.js';
import { rawGet } from '../helpers/raw-http.js';
import { world } from './harness.js';
import { loadText } from './scenario-fixture.js';

const NGINX = findNginx();
if (!NGINX)
  console.warn('notice: nginx is not installed; the nginx cross-check test (nginx.int.test.ts) is SKIPPED');

/** Listener 80 over rsp-w {5,1,1}, a rule api.example.com → rsp-api {4,3,2}, a URL-only rule /static → rsp-s {1,2}. */
const TEXT = `version: 1
name: nginx-reference
seed: ngx
instances:
  - { InstanceId: i-a, RegionId: cn-hangzhou, VpcId: vpc-1 }
  - { InstanceId: i-b, RegionId: cn-hangzhou, VpcId: vpc-1 }
  - { InstanceId: i-c, RegionId: cn-hangzhou, VpcId: vpc-1 }
topology:
  loadBalancers:
    - id: lb-n
      region: cn-hangzhou
      addressType: intranet
      vpc: vpc-1
      vServerGroups:
        - id: rsp-w
          servers:
            - { server: i-a, port: 8080, weight: 5 }
            - { server: i-b, port: 8080, weight: 1 }
            - { server: i-c, port: 8080, weight: 1 }
        - id: rsp-api
          servers:
            - { server: i-a, port: 9090, weight: 4 }
            - { server: i-b, port: 9090, weight: 3 }
            - { server: i-c, port: 9090, weight: 2 }
        - id: rsp-s
          servers:
            - { server: i-b, port: 7070, weight: 1 }
            - { server: i-c, port: 7070, weight: 2 }
      listeners:
        - protocol: http
          port: 80
          group: rsp-w
          rules:
            - { name: api, domain: api.example.com, group: rsp-api }
            - { name: static, url: /static, group: rsp-s }
traffic:
  requests: 1000
  mix:
    - { listener: "lb-n:http:80", weight: 5, host: www.example.com, path: / }
    - { listener: "lb-n:http:80", weight: 3, host: api.example.com, path: /v1/items }
    - { listener: "lb-n:http:80", weight: 2, host: cdn.example.com, path: /static/app.js }
`;

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe.skipIf(!NGINX)('nginx with the exported configuration', () => {
  let scenario: Scenario;
  let fleet: BackendFleet;
  let nginx: NginxProcess;
  let port: number;

  beforeAll(async () => {
    scenario = loadText(TEXT);
    const span = topologySpan(scenario);
    fleet = await BackendFleet.start(span.backends);
    port = await freePort();
    const { config } = exportNginx(span.initial, {
      backends: fleet.addressMap(),
      listenPortOffset: port - 80,
    });
    nginx = await NginxProcess.start(NGINX!, config, [port]);
  });

  afterAll(async () => {
    await nginx?.stop();
    await fleet?.close();
  });

  it("given exact mode (one nginx worker, one connection), then nginx sends exactly the model's counts to every backend", async () => {
    const r = await probe({
      scenario,
      target: `http://127.0.0.1:${port}`,
      amount: 1000,
      connections: 1,
      maxDiff: 0,
    });
    expect(r.load.accounting).toEqual({ sent: 1000, completed: 1000, failed: 0, lost: 0, inFlight: 0 });
    expect(nginx.errors).not.toMatch(/\[(error|crit|alert|emerg)\]/);
    const model = new Map<string, number>();
    for (const g of r.model.groups)
      for (const b of g.backends)
        model.set(`${b.ServerId}:${b.Port}`, (model.get(`${b.ServerId}:${b.Port}`) ?? 0) + b.count);
    // Client side (X-Backend through nginx) and backend side both equal the model, backend by backend.
    expect(Object.fromEntries(r.load.clientCounts)).toEqual(Object.fromEntries(model));
    const served = Object.fromEntries(fleet.backends.map((b) => [b.key, fleet.served[b.index]]));
    expect(served).toEqual(
      Object.fromEntries([...fleet.backends.map((b) => [b.key, model.get(b.key) ?? 0])]),
    );
    expect(r.compare.passed).toBe(true);
    expect(r.compare.groups[0].maxAbsDiff).toBe(0);
    // The groups received whole SWRR cycles where the counts allow it: rsp-w is 5:1:1 within one cycle.
    const w = model.get('i-a:8080')! + model.get('i-b:8080')! + model.get('i-c:8080')!;
    expect(Math.abs(model.get('i-a:8080')! - (5 * w) / 7)).toBeLessThanOrEqual(1);
  });
});

/**
 * Issue 10 §1: one single-server group per rule, so the backend names the rule (or fallback) that
 * served. URL-only rules (hosts matching no domain), a domain with a URL rule and a domain-only
 * rule, a wildcard domain; rule URLs with a trailing slash (nginx's auto_redirect), escapes
 * (`%7E`, `%3F`) and a malformed escape.
 */
const NORM_TEXT = `version: 1
name: nginx-normalization
seed: ngx-norm
instances:
  - { InstanceId: i-a, RegionId: cn-hangzhou, VpcId: vpc-1 }
  - { InstanceId: i-b, RegionId: cn-hangzhou, VpcId: vpc-1 }
  - { InstanceId: i-c, RegionId: cn-hangzhou, VpcId: vpc-1 }
topology:
  loadBalancers:
    - id: lb-u
      region: cn-hangzhou
      addressType: intranet
      vpc: vpc-1
      vServerGroups:
        - { id: rsp-w, servers: [{ server: i-a, port: 8080, weight: 1 }] }
        - { id: rsp-api, servers: [{ server: i-b, port: 9090, weight: 1 }] }
        - { id: rsp-api2, servers: [{ server: i-c, port: 9091, weight: 1 }] }
        - { id: rsp-s, servers: [{ server: i-b, port: 7070, weight: 1 }] }
        - { id: rsp-d, servers: [{ server: i-c, port: 7071, weight: 1 }] }
        - { id: rsp-u, servers: [{ server: i-a, port: 7072, weight: 1 }] }
        - { id: rsp-q, servers: [{ server: i-b, port: 7073, weight: 1 }] }
        - { id: rsp-bad, servers: [{ server: i-c, port: 7074, weight: 1 }] }
        - { id: rsp-dom, servers: [{ server: i-a, port: 7075, weight: 1 }] }
        - { id: rsp-v1, servers: [{ server: i-b, port: 7076, weight: 1 }] }
        - { id: rsp-wild, servers: [{ server: i-c, port: 7077, weight: 1 }] }
      listeners:
        - protocol: http
          port: 80
          group: rsp-w
          rules:
            - { name: api, url: /api, group: rsp-api }
            - { name: api-v2, url: /api/v2, group: rsp-api2 }
            - { name: static, url: /static/, group: rsp-s }
            - { name: docs, url: /docs/, group: rsp-d }
            - { name: tilde-user, url: /%7Euser, group: rsp-u }
            - { name: a-q-b, url: /a%3Fb, group: rsp-q }
            - { name: bad-escape, url: /bad%zz, group: rsp-bad }
            - { name: api-domain, domain: api.example.com, group: rsp-dom }
            - { name: api-v1, domain: api.example.com, url: /v1, group: rsp-v1 }
            - { name: wild, domain: "*.example.com", group: rsp-wild }
`;

/** (Host, target) probes: the cases and their neighbours. */
const PROBES: ReadonlyArray<readonly [string, string]> = [
  ...[
    '/',
    '/api',
    '/api/',
    '/api/x',
    '/api/../x',
    '/static/../api/v2',
    '/%61pi/v2',
    '/%61pi%2Fv2',
    '/./api',
    '//api//v2',
    '/api/./v2/',
    '/api/v2/..',
    '/api/v2/../..',
    '/api/v2/../../..',
    '/..',
    '/../api',
    '/api%00',
    '/api%zz',
    '/api%2',
    '/api%',
    '/api#frag',
    '/x#/api',
    '/api?x=/..',
    '/api/v2?q#f',
    '/static',
    '/static/',
    '/static/app.js',
    '/staticx',
    '/docs',
    '/docs/',
    '/docs?x=1',
    '/docs/a/../',
    '/%7Euser/x',
    '/~user',
    '/%257Euser',
    '/%7euser',
    '/a%3Fb',
    '/a%3fb',
    '/a?b',
    '/bad%zz',
    '/bad%25zz',
    '/API',
    '/%41PI',
    '/api%2F..%2F..',
    '/api/%2e%2e/v2',
    '/%2e%2e/api',
    '/a/%2E/api',
    '/%E4%B8%AD',
    '/api+v2',
    '/api%20v2',
  ].map((t) => ['cdn.test', t] as const),
  ...[
    'api.example.com',
    'API.EXAMPLE.COM',
    'api.example.com.',
    'api.example.com:80',
    'api.example.com.:80',
    'api..example.com',
    'api.example.com..',
    'x.example.com',
    'a.b.example.com',
    'example.com',
    'EXAMPLE.com.',
    '.',
    ':80',
    'cdn.test:8080',
    'api.example.com/x',
    'api.example.com:',
    '[::1]:80',
  ].map((h) => [h, '/v1/items'] as const),
  ['api.example.com', '/v1/../v1/x'],
  ['api.example.com', '/v2/../v1'],
  ['api.example.com', '/%76%31'],
  ['api.example.com', '/v1%2F..%2Fx'],
  ['api.example.com', '/v1/../..'],
  ['x.example.com', '/static/'],
];

describe.skipIf(!NGINX)(
  'nginx with the exported configuration: URL and Host normalisation (issue 10 §1)',
  () => {
    let scenario: Scenario;
    let fleet: BackendFleet;
    let nginx: NginxProcess;
    let port: number;
    let live: Awaited<ReturnType<typeof world>>;
    let config: string;

    beforeAll(async () => {
      scenario = loadText(NORM_TEXT);
      const span = topologySpan(scenario);
      fleet = await BackendFleet.start(span.backends);
      port = await freePort();
      const exported = exportNginx(span.initial, {
        backends: fleet.addressMap(),
        listenPortOffset: port - 80,
      });
      config = exported.config;
      nginx = await NginxProcess.start(NGINX!, config, [port]);
      live = await world(span.initial, { backends: [...span.backends], listener: 'lb-u:http:80' });
    });

    afterAll(async () => {
      await nginx?.stop();
      await fleet?.close();
      await live?.close();
    });

    /** The model's answer: status and backend, from the balancer the engine uses. */
    function model(b: Balancer, host: string, target: string): string {
      const out = new RouteResult();
      b.resolve(b.listenerOf('lb-u:http:80'), host, target, out);
      if (out.outcome === OUTCOME_BAD_REQUEST) return '400';
      b.pick(out, 0x0a000001, 40000, undefined, 0);
      if (out.outcome === OUTCOME_NO_BACKEND) return '503';
      expect(out.outcome).toBe(OUTCOME_OK);
      return `200 ${b.backends[out.backend].key}`;
    }

    function answer(a: { status: number; headers: Readonly<Record<string, string>> }): string {
      return a.status === 200 ? `200 ${a.headers['x-backend']}` : String(a.status);
    }

    it(`given ${PROBES.length} (Host, target) probes, then the model, nginx and the live proxy agree on every one`, async () => {
      const b = new Balancer(topologySpan(scenario).initial, {
        seed: 'ngx-norm',
        cluster: { nodes: 1, workers: 1 },
        ruleMatching: 'domain-first',
        l4Order: 'kernel',
      });
      // URL matching raw, the model before issue 10, for contrast.
      const raw = new Balancer(topologySpan(scenario).initial, {
        seed: 'ngx-norm',
        cluster: { nodes: 1, workers: 1 },
        ruleMatching: 'domain-first',
        l4Order: 'kernel',
        urlMatching: 'raw',
      });
      const livePort = Number(new URL(live.url).port);
      const rows: string[] = [];
      const disagreements: string[] = [];
      let rawDisagreements = 0;
      for (const [host, target] of PROBES) {
        const m = model(b, host, target);
        const n = answer(await rawGet(port, target, host));
        const p = answer(await rawGet(livePort, target, host));
        const row = `${JSON.stringify(host)} ${JSON.stringify(target)}: model ${m}, nginx ${n}, live ${p}`;
        rows.push(row);
        if (m !== n || m !== p) disagreements.push(row);
        if (model(raw, host, target) !== n) rawDisagreements++;
      }
      expect(disagreements, rows.join('\n')).toEqual([]);
      // Raw matching (the behaviour before issue 10) gets 32 of these 73 wrong.
      expect(rawDisagreements).toBe(32);
      expect(nginx.errors).not.toMatch(/\[(crit|alert|emerg)\]/);
      // The cases of the issue, spelled out.
      const of = (host: string, target: string) => model(b, host, target);
      expect(of('cdn.test', '/api/../x')).toBe('200 i-a:8080');
      expect(of('cdn.test', '/static/../api/v2')).toBe('200 i-c:9091');
      expect(of('cdn.test', '/%61pi/v2')).toBe('200 i-c:9091');
      expect(of('cdn.test', '/%7Euser/x')).toBe('200 i-a:7072');
      expect(of('cdn.test', '/..')).toBe('400');
      expect(of('api..example.com', '/v1/items')).toBe('400');
      expect(of('api.example.com.', '/v1/items')).toBe('200 i-b:7076');
      // CLB's prefix /static/ does not match /static: the listener's group serves it, no 301.
      expect(of('cdn.test', '/static')).toBe('200 i-a:8080');
      expect(of('cdn.test', '/docs')).toBe('200 i-a:8080');
      expect(config).toContain('location ^~ /static/ {');
      expect(config).toMatch(
        /location = \/static \{ {2}# no rule: listener VServer group rsp-w \(exact \/static/,
      );
    });
  },
);
