/**
 * The external reference: a real nginx with the exported configuration in front of the live
 * backends, probed with the scenario's requests; in exact mode with wrr nginx's per-backend counts
 * equal the model's exactly. Skipped, with a visible notice, when nginx is not installed
 * (`.ci/run` installs it with apt-get).
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendFleet } from '../../src/live/live-backends.js';
import { exportNginx } from '../../src/live/nginx-export.js';
import { findNginx, NginxProcess } from '../../src/live/nginx-process.js';
import { probe } from '../../src/live/probe.js';
import { topologySpan } from '../../src/live/topology-span.js';
import type { Scenario } from '../../src/scenario/scenario-model.js';
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
