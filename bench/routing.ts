/**
 * The routing section of `npm run bench:selectors`: full routing decisions per second (rule match
 * + scheduler pick through `Balancer.resolve` + `Balancer.pick`) on one HTTP listener with 40 rules
 * (CLB's per-listener limit) over 4 groups of 10 backends, beside a peer in the same run: a linear
 * scan of the 40 rules for the best match plus the O(n) nginx SWRR loop. Goal (issue 3 §4):
 * ≥ 10 M decisions/s.
 *
 * Moved here verbatim from the first bench/selectors.ts when that file became a list of sections;
 * the routing owner may reshape it.
 */
import { Balancer, RouteResult } from '../src/routing/balancer.js';
import type { UrlMatching } from '../src/routing/rule-matcher.js';
import { fold } from '../src/topology/apply.js';
import type { TopologyEvent } from '../src/topology/events.js';
import { NginxSwrrLoop } from './schedulers.js';
import type { BenchSection, Harness } from './selectors.js';

/**
 * `urlMatching` as the scenario option; `dotted` sends every path with a dot segment and an
 * escape first (`/x/..` + the path with its first letter as `%XX`), so each one takes the
 * normaliser's slow path instead of the allocation-free fast one.
 */
function routingWorld(urlMatching: UrlMatching = 'normalized', dotted = false) {
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
    urlMatching,
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
  const dot = (p: string) =>
    p.length < 2 ? `/x/..${p}` : `/x/..${p.slice(0, 1)}%${p.charCodeAt(1).toString(16)}${p.slice(2)}`;
  const paths: string[] = JSON.parse(JSON.stringify(requests.map((r) => (dotted ? dot(r[1]) : r[1]))));
  return { balancer, rules, hosts, paths };
}

export function routingSection(h: Harness): BenchSection {
  const cases = new Map<string, () => number>();
  const route = (urlMatching: UrlMatching, dotted: boolean) => () => {
    const { balancer, hosts, paths } = routingWorld(urlMatching, dotted);
    const listener = balancer.listenerOf('lb-1:http:80');
    const out = new RouteResult();
    return h.measure((k) => {
      let acc = 0;
      const m = hosts.length;
      for (let i = 0; i < k; i++) {
        const j = i % m;
        balancer.resolve(listener, hosts[j], paths[j], out);
        balancer.pick(out, 0x0a000001, 40000, undefined, 0);
        acc = (acc + out.backend) | 0;
      }
      return acc;
    });
  };
  cases.set('route:40', route('normalized', false));
  cases.set('route-raw:40', route('raw', false));
  cases.set('route-dotted:40', route('normalized', true));

  cases.set('route-peer:40', () => {
    const { rules, hosts, paths } = routingWorld();
    // Peer: scan all 40 rules linearly for the best match (exact > longest wildcard > URL-only,
    // longest prefix), then an O(n) SWRR loop on the group.
    const loops = [0, 1, 2, 3].map(
      () => new NginxSwrrLoop(Array.from({ length: 10 }, (_, i) => 1 + ((i * 37) % 100))),
    );
    return h.measure((k) => {
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
        acc = (acc + loops[best < 0 ? 0 : rules[best].group].pick()) | 0;
      }
      return acc;
    });
  });
  return {
    name: 'routing',
    title: 'Routing: full decisions per second (40 rules)',
    cases,
    rows: [
      {
        what: 'routing decision, 40 rules (match + wrr pick)',
        ours: 'route:40',
        peer: 'route-peer:40',
        peerName: 'linear rule scan + O(n) loop',
        goal: { minOpsPerSec: 10e6 },
      },
      {
        what: 'the same, URL matching raw (no normalisation at all)',
        ours: 'route-raw:40',
      },
      {
        what: 'the same, every target with /x/.. and a %XX (normaliser slow path)',
        ours: 'route-dotted:40',
      },
    ],
  };
}
