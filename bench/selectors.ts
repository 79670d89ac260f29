/**
 * `npm run bench:selectors` — picks per second of every scheduler at 3, 100 and 1000 backends, and
 * full routing decisions per second (rule match + pick) at 40 rules, each measured side by side in
 * the same run with a peer:
 *   - wrr / wlc: a plain O(n) nginx smooth-WRR loop (what `ngx_http_upstream_get_peer` does);
 *   - consistent hashing: the npm package `hashring` (ketama, md5);
 *   - routing: a linear scan of the rules plus the O(n) SWRR loop.
 * Our side always goes through the public API (`createScheduler(...).pick`, `Balancer`).
 *
 * Every measurement runs in its own child process, so each hot loop stays monomorphic and one
 * case's JIT feedback never slows another's.
 *
 * Usage: npm run bench:selectors [-- --quick]
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Balancer, RouteResult } from '../src/routing/balancer.js';
import { createScheduler } from '../src/schedulers/factory.js';
import { hashIp } from '../src/schedulers/hash.js';
import type { Scheduler } from '../src/schedulers/scheduler.js';
import { fold } from '../src/topology/apply.js';
import type { TopologyEvent } from '../src/topology/events.js';
import type { SchedulerName } from '../src/topology/types.js';

const require = createRequire(import.meta.url);
const HashRing = require('hashring') as new (
  servers: Record<string, number> | string[],
) => {
  get(key: string): string;
};

const QUICK = process.argv.includes('--quick');
const TARGET_MS = QUICK ? 150 : 600;

/** Run `body(n)` with growing n until it takes TARGET_MS; returns operations per second. */
function measure(body: (n: number) => number): number {
  let n = 100_000;
  let sink = 0;
  sink += body(n); // warm-up
  for (;;) {
    const t0 = process.hrtime.bigint();
    sink += body(n);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (ms >= TARGET_MS || n >= 2e9) {
      if (sink === 42.5) console.log('');
      return (n / ms) * 1000;
    }
    n = Math.min(2e9, Math.ceil(n * Math.max(2, (TARGET_MS * 1.2) / Math.max(ms, 1))));
  }
}

function weightsOf(n: number): number[] {
  // A deterministic spread of weights 1–100 (no randomness in benchmarks either).
  return Array.from({ length: n }, (_, i) => 1 + ((i * 37) % 100));
}

function poolOf(weights: number[]) {
  return { keys: weights.map((_, i) => `i-${i}:80`), weights, eligible: weights.map(() => 1) };
}

/** The peer: nginx's O(n) smooth WRR loop over flat arrays. */
class NginxSwrrLoop {
  private readonly cw: Float64Array;
  private readonly w: Float64Array;
  private readonly total: number;
  constructor(weights: number[]) {
    this.w = Float64Array.from(weights);
    this.cw = new Float64Array(weights.length);
    this.total = weights.reduce((a, b) => a + b, 0);
  }
  pick(): number {
    const w = this.w;
    const cw = this.cw;
    let best = 0;
    cw[0] += w[0];
    for (let i = 1; i < w.length; i++) {
      cw[i] += w[i];
      if (cw[i] > cw[best]) best = i;
    }
    cw[best] -= this.total;
    return best;
  }
}

/** One measurement: a name and a function returning operations per second. */
const CASES = new Map<string, () => number>();

function hashesOf(): Uint32Array {
  return Uint32Array.from({ length: 1 << 16 }, (_, i) => hashIp((0x0a000000 + i) >>> 0));
}

function schedulerCases(name: SchedulerName, layer: 4 | 7, n: number): void {
  const id = `${name}:${layer}:${n}`;
  const weights = weightsOf(n);
  const make = (): Scheduler => {
    const s = createScheduler({ name, layer });
    s.update(poolOf(weights));
    return s;
  };
  if (name === 'sch') {
    CASES.set(id, () => {
      const s = make();
      const hashes = hashesOf();
      return measure((k) => {
        let acc = 0;
        for (let i = 0; i < k; i++) acc += s.pick(hashes[i & 0xffff]);
        return acc;
      });
    });
    CASES.set(`${id}:hash`, () => {
      const s = make();
      const ips = Uint32Array.from({ length: 1 << 16 }, (_, i) => (0x0a000000 + i) >>> 0);
      return measure((k) => {
        let acc = 0;
        for (let i = 0; i < k; i++) acc += s.pick(hashIp(ips[i & 0xffff]));
        return acc;
      });
    });
    CASES.set(`hashring:${n}`, () => {
      const ring = new HashRing(
        Object.fromEntries(weights.map((w, i) => [`10.1.${i >> 8}.${i & 255}:80`, w])),
      );
      const keys = Array.from({ length: 1 << 16 }, (_, i) => `10.0.${(i >> 8) & 255}.${i & 255}`);
      return measure((k) => {
        let acc = 0;
        for (let i = 0; i < k; i++) acc += ring.get(keys[i & 0xffff]).length;
        return acc;
      });
    });
    return;
  }
  if (name === 'wlc') {
    CASES.set(id, () => {
      const s = make();
      return measure((k) => {
        let acc = 0;
        for (let i = 0; i < k; i++) {
          const m = s.pick(0);
          s.release(m);
          acc += m;
        }
        return acc;
      });
    });
    return;
  }
  CASES.set(id, () => {
    const s = make();
    return measure((k) => {
      let acc = 0;
      for (let i = 0; i < k; i++) acc += s.pick(0);
      return acc;
    });
  });
  CASES.set(`loop:${n}`, () => {
    const loop = new NginxSwrrLoop(weights);
    return measure((k) => {
      let acc = 0;
      for (let i = 0; i < k; i++) acc += loop.pick();
      return acc;
    });
  });
}

function routingWorld() {
  // One HTTP listener with 40 rules (CLB's per-listener limit) over 4 groups of 10 backends.
  const events: TopologyEvent[] = [];
  for (let i = 0; i < 40; i++) {
    events.push({
      action: 'CreateInstance',
      params: { InstanceId: `i-${i}`, RegionId: 'cn-hangzhou', VpcId: 'vpc-1' },
    });
  }
  events.push({
    action: 'CreateLoadBalancer',
    params: { LoadBalancerId: 'lb-1', RegionId: 'cn-hangzhou', VpcId: 'vpc-1', AddressType: 'intranet' },
  });
  for (let g = 0; g < 4; g++) {
    events.push({
      action: 'CreateVServerGroup',
      params: {
        LoadBalancerId: 'lb-1',
        VServerGroupId: `rsp-${g}`,
        VServerGroupName: `g${g}`,
        BackendServers: Array.from({ length: 10 }, (_, i) => ({
          ServerId: `i-${g * 10 + i}`,
          Port: 8080,
          Weight: 1 + ((i * 37) % 100),
        })),
      },
    });
  }
  events.push({
    action: 'CreateLoadBalancerHTTPListener',
    params: { LoadBalancerId: 'lb-1', ListenerPort: 80, VServerGroupId: 'rsp-0' },
  });
  const rules: Array<{ Domain?: string; Url?: string; group: number }> = [];
  for (let i = 0; i < 40; i++) {
    const kind = i % 4;
    const rule =
      kind === 0
        ? { Domain: `svc${i}.example.com`, group: i % 4 }
        : kind === 1
          ? { Domain: `*.zone${i}.example.com`, group: (i + 1) % 4 }
          : kind === 2
            ? { Domain: `api.example.com`, Url: `/v${i}/items`, group: (i + 2) % 4 }
            : { Url: `/static${i}`, group: (i + 3) % 4 };
    rules.push(rule);
  }
  for (let c = 0; c < 4; c++) {
    events.push({
      action: 'CreateRules',
      params: {
        LoadBalancerId: 'lb-1',
        ListenerPort: 80,
        RuleList: rules.slice(c * 10, c * 10 + 10).map((r, j) => ({
          RuleName: `r${c * 10 + j}`,
          ...(r.Domain ? { Domain: r.Domain } : {}),
          ...(r.Url ? { Url: r.Url } : {}),
          VServerGroupId: `rsp-${r.group}`,
        })),
      },
    });
  }
  events.push({ action: 'StartLoadBalancerListener', params: { LoadBalancerId: 'lb-1', ListenerPort: 80 } });
  const { state, results } = fold(events);
  const bad = results.find((r) => !r.ok);
  if (bad && !bad.ok) throw new Error(`bench topology rejected: ${bad.error.code} ${bad.error.message}`);
  const balancer = new Balancer(state, {
    seed: 'bench',
    cluster: { nodes: 1, workers: 1 },
    ruleMatching: 'domain-first',
    l4Order: 'kernel',
  });
  // A request mix touching every kind of rule and the fallback.
  const requests: Array<[string, string]> = [];
  for (let i = 0; i < 40; i++) {
    const r = rules[i];
    if (r.Domain?.startsWith('*.')) requests.push([`a.b${r.Domain.slice(1)}`, '/x']);
    else if (r.Domain) requests.push([r.Domain, r.Url ? `${r.Url}/42?page=2` : '/index.html']);
    else requests.push([`cdn${i}.other.net`, `${r.Url}/app.js`]);
  }
  requests.push(['unknown.example.org', '/']);
  // Flat, non-internalised strings, as an HTTP parser or a YAML loader hands them over.
  const hosts: string[] = JSON.parse(JSON.stringify(requests.map((r) => r[0])));
  const paths: string[] = JSON.parse(JSON.stringify(requests.map((r) => r[1])));
  return { balancer, rules, hosts, paths };
}

CASES.set('route:40', () => {
  const { balancer, hosts, paths } = routingWorld();
  const listener = balancer.listenerOf('lb-1:http:80');
  const out = new RouteResult();
  return measure((k) => {
    let acc = 0;
    const m = hosts.length;
    for (let i = 0; i < k; i++) {
      const j = i % m;
      balancer.resolve(listener, hosts[j], paths[j], out);
      balancer.pick(out, 0x0a000001, 40000, undefined, 0);
      acc += out.backend;
    }
    return acc;
  });
});

CASES.set('route-peer:40', () => {
  const { rules, hosts, paths } = routingWorld();
  // Peer: scan all 40 rules linearly for the best match (exact > longest wildcard > URL-only,
  // longest prefix), then an O(n) SWRR loop on the group.
  const loops = [0, 1, 2, 3].map(
    () => new NginxSwrrLoop(Array.from({ length: 10 }, (_, i) => 1 + ((i * 37) % 100))),
  );
  return measure((k) => {
    let acc = 0;
    const m = hosts.length;
    for (let i = 0; i < k; i++) {
      const j = i % m;
      const host = hosts[j].toLowerCase();
      const path = paths[j];
      const q = path.indexOf('?');
      const p = q < 0 ? path : path.slice(0, q);
      let best = -1;
      let bestScore = -1;
      for (let r = 0; r < rules.length; r++) {
        const rule = rules[r];
        let score = 0;
        if (rule.Domain) {
          if (rule.Domain.startsWith('*.')) {
            const suffix = rule.Domain.slice(1);
            if (!(host.length > suffix.length && host.endsWith(suffix))) continue;
            score = 1_000_000 + suffix.length * 1000;
          } else if (rule.Domain === host) score = 10_000_000;
          else continue;
        }
        if (rule.Url) {
          if (!p.startsWith(rule.Url)) continue;
          score += rule.Url.length;
        }
        if (score > bestScore) {
          bestScore = score;
          best = r;
        }
      }
      acc += loops[best < 0 ? 0 : rules[best].group].pick();
    }
    return acc;
  });
});

function fmt(x: number): string {
  if (x >= 1e6) return `${(x / 1e6).toFixed(1)} M/s`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)} k/s`;
  return `${x.toFixed(0)}/s`;
}

for (const n of [3, 100, 1000]) {
  for (const name of ['wrr', 'rr', 'wlc'] as const) {
    schedulerCases(name, 7, n);
    schedulerCases(name, 4, n);
  }
  schedulerCases('sch', 4, n);
}

interface Row {
  what: string;
  ours: string;
  peer?: string;
  peerName?: string;
}

const ROWS: Row[] = [];
for (const n of [3, 100, 1000]) {
  ROWS.push({
    what: `wrr (L7, nginx SWRR table) ${n} backends`,
    ours: `wrr:7:${n}`,
    peer: `loop:${n}`,
    peerName: 'O(n) nginx SWRR loop',
  });
  ROWS.push({ what: `rr (L7) ${n} backends`, ours: `rr:7:${n}` });
  ROWS.push({
    what: `wlc (L7, least_conn) ${n} backends`,
    ours: `wlc:7:${n}`,
    peer: `loop:${n}`,
    peerName: 'O(n) nginx SWRR loop',
  });
  ROWS.push({
    what: `wrr (L4, LVS) ${n} backends`,
    ours: `wrr:4:${n}`,
    peer: `loop:${n}`,
    peerName: 'O(n) nginx SWRR loop',
  });
  ROWS.push({ what: `rr (L4, LVS) ${n} backends`, ours: `rr:4:${n}` });
  ROWS.push({ what: `wlc (L4, LVS) ${n} backends`, ours: `wlc:4:${n}` });
  ROWS.push({ what: `sch (Maglev) ${n} backends`, ours: `sch:4:${n}` });
  ROWS.push({
    what: `sch (Maglev) ${n} backends, incl. key hash`,
    ours: `sch:4:${n}:hash`,
    peer: `hashring:${n}`,
    peerName: 'hashring (npm)',
  });
}
ROWS.push({
  what: 'routing decision, 40 rules (match + wrr pick)',
  ours: 'route:40',
  peer: 'route-peer:40',
  peerName: 'linear rule scan + O(n) loop',
});

const caseArg = process.argv.indexOf('--case');
if (caseArg > 0) {
  const id = process.argv[caseArg + 1];
  const run = CASES.get(id);
  if (!run) throw new Error(`unknown case ${id}`);
  process.stdout.write(`${run()}\n`);
} else {
  const self = fileURLToPath(import.meta.url);
  const once = new Map<string, number>();
  const run = (id: string): number => {
    let v = once.get(id);
    if (v === undefined) {
      const args = [self, '--case', id, ...(QUICK ? ['--quick'] : [])];
      v = Number(execFileSync(process.execPath, args, { encoding: 'utf8' }).trim());
      once.set(id, v);
    }
    return v;
  };
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `slbsim selector benchmark — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpu} × ${os.cpus().length}`,
  );
  console.log(
    '(operations per second through the public API; each figure from its own process, peers in the same run)\n',
  );
  const w1 = Math.max(...ROWS.map((r) => r.what.length));
  console.log(
    `${'case'.padEnd(w1)}  ${'slbsim'.padStart(11)}  ${'peer'.padStart(11)}  ${'ratio'.padStart(7)}  peer`,
  );
  for (const r of ROWS) {
    const ours = run(r.ours);
    const peer = r.peer === undefined ? undefined : run(r.peer);
    const ratio = peer === undefined ? '' : `${(ours / peer).toFixed(1)}×`;
    console.log(
      `${r.what.padEnd(w1)}  ${fmt(ours).padStart(11)}  ${(peer === undefined ? '' : fmt(peer)).padStart(11)}  ${ratio.padStart(7)}  ${r.peerName ?? ''}`,
    );
  }
}
