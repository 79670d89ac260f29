/**
 * The scheduler section of `npm run bench:selectors`: picks/s of every scheduler at 3, 100 and
 * 1000 members through the public API (`createScheduler(...).pick`, and `SchedulerCluster.pick`
 * for the cluster model), each beside its peer in the same run:
 *   - wrr / wlc: a plain O(n) nginx smooth-WRR loop over flat arrays (what
 *     `ngx_http_upstream_get_peer` does per request), written below;
 *   - consistent hashing: the npm package `hashring` (ketama ring, md5 of the key, LRU cache),
 *     against our Maglev pick including `hashString` of the same string keys.
 * Goals (issue 3 §4): wrr ≥ 100 M picks/s at 100 and 1000 members and ≥ 30× the O(n) loop at 100;
 * consistent hashing ≥ 20 M lookups/s at 1000 members and ≥ 3× hashring.
 */
import { createRequire } from 'node:module';
import { SchedulerCluster } from '../src/schedulers/cluster.js';
import { createScheduler } from '../src/schedulers/factory.js';
import { hash4, hashIp, hashString } from '../src/schedulers/hash.js';
import type { Layer, Scheduler } from '../src/schedulers/scheduler.js';
import type { SchedulerName } from '../src/topology/types.js';
import type { BenchRow, BenchSection, Harness } from './selectors.js';

const require = createRequire(import.meta.url);
const HashRing = require('hashring') as new (
  servers: Record<string, number> | string[],
) => {
  get(key: string): string;
};

export const SIZES = [3, 100, 1000] as const;

/** A deterministic spread of weights 1–100 (no randomness in benchmarks either). */
export function benchWeights(n: number): number[] {
  return Array.from({ length: n }, (_, i) => 1 + ((i * 37) % 100));
}

function poolOf(weights: number[]) {
  return { keys: weights.map((_, i) => `i-${i}:80`), weights, eligible: weights.map(() => 1) };
}

/** The peer: nginx's O(n) smooth WRR loop over flat arrays (best value kept in a register). */
export class NginxSwrrLoop {
  private readonly cw: Int32Array;
  private readonly w: Int32Array;
  private readonly total: number;
  constructor(weights: number[]) {
    this.w = Int32Array.from(weights);
    this.cw = new Int32Array(weights.length);
    this.total = weights.reduce((a, b) => a + b, 0);
  }
  pick(): number {
    const w = this.w;
    const cw = this.cw;
    let best = 0;
    let top = cw[0] + w[0];
    cw[0] = top;
    for (let i = 1; i < w.length; i++) {
      const v = cw[i] + w[i];
      cw[i] = v;
      if (v > top) {
        top = v;
        best = i;
      }
    }
    cw[best] = top - this.total;
    return best;
  }
}

const KEYS = 1 << 16;
const MASK = KEYS - 1;

export function schedulerSection(h: Harness): BenchSection {
  const cases = new Map<string, () => number>();
  const rows: BenchRow[] = [];
  const make = (name: SchedulerName, layer: Layer, n: number): Scheduler => {
    const s = createScheduler({ name, layer });
    s.update(poolOf(benchWeights(n)));
    return s;
  };

  // Each case has its own loop literal, so each call site sees one class (as in a real engine's
  // per-scope loop) and the measurement is of the scheduler, not of megamorphic dispatch.
  for (const n of SIZES) {
    const weights = benchWeights(n);
    cases.set(`wrr7:${n}`, () => {
      const s = make('wrr', 7, n);
      return h.measure((k) => {
        let acc = 0;
        for (let i = 0; i < k; i++) acc = (acc + s.pick(0)) | 0;
        return acc;
      });
    });
    cases.set(`rr7:${n}`, () => {
      const s = make('rr', 7, n);
      return h.measure((k) => {
        let acc = 0;
        for (let i = 0; i < k; i++) acc = (acc + s.pick(0)) | 0;
        return acc;
      });
    });
    cases.set(`wlc7:${n}`, () => {
      const s = make('wlc', 7, n);
      return h.measure((k) => {
        let acc = 0;
        for (let i = 0; i < k; i++) {
          const m = s.pick(0);
          s.release(m);
          acc = (acc + m) | 0;
        }
        return acc;
      });
    });
    cases.set(`wrr4:${n}`, () => {
      const s = make('wrr', 4, n);
      return h.measure((k) => {
        let acc = 0;
        for (let i = 0; i < k; i++) acc = (acc + s.pick(0)) | 0;
        return acc;
      });
    });
    cases.set(`rr4:${n}`, () => {
      const s = make('rr', 4, n);
      return h.measure((k) => {
        let acc = 0;
        for (let i = 0; i < k; i++) acc = (acc + s.pick(0)) | 0;
        return acc;
      });
    });
    cases.set(`wlc4:${n}`, () => {
      const s = make('wlc', 4, n);
      return h.measure((k) => {
        let acc = 0;
        for (let i = 0; i < k; i++) {
          const m = s.pick(0);
          s.release(m);
          s.expire(m);
          acc = (acc + m) | 0;
        }
        return acc;
      });
    });
    cases.set(`cluster-wrr7:${n}`, () => {
      const c = new SchedulerCluster({ name: 'wrr', layer: 7 }, 4, 8, 'bench', 'scope');
      c.update(poolOf(weights));
      const tuples = Uint32Array.from({ length: KEYS }, (_, i) =>
        hash4((0x0a000000 + (i >> 6)) >>> 0, 1024 + i, 0, 80),
      );
      return h.measure((k) => {
        let acc = 0;
        for (let i = 0; i < k; i++) acc = (acc + c.pick(0, tuples[i & MASK])) | 0;
        return acc;
      });
    });
    cases.set(`loop:${n}`, () => {
      const loop = new NginxSwrrLoop(weights);
      return h.measure((k) => {
        let acc = 0;
        for (let i = 0; i < k; i++) acc = (acc + loop.pick()) | 0;
        return acc;
      });
    });
    cases.set(`ch:${n}`, () => {
      const s = make('sch', 4, n);
      const hashes = Uint32Array.from({ length: KEYS }, (_, i) => hashIp((0x0a000000 + i) >>> 0));
      return h.measure((k) => {
        let acc = 0;
        for (let i = 0; i < k; i++) acc = (acc + s.pick(hashes[i & MASK])) | 0;
        return acc;
      });
    });
    cases.set(`ch-ip:${n}`, () => {
      const s = make('sch', 4, n);
      const ips = Uint32Array.from({ length: KEYS }, (_, i) => (0x0a000000 + i) >>> 0);
      return h.measure((k) => {
        let acc = 0;
        for (let i = 0; i < k; i++) acc = (acc + s.pick(hashIp(ips[i & MASK]))) | 0;
        return acc;
      });
    });
    const stringKeys = () =>
      // Flat, non-internalised strings, as a parser hands them over.
      JSON.parse(
        JSON.stringify(Array.from({ length: KEYS }, (_, i) => `10.0.${(i >> 8) & 255}.${i & 255}`)),
      ) as string[];
    cases.set(`ch-str:${n}`, () => {
      const s = make('qch', 4, n);
      const keys = stringKeys();
      return h.measure((k) => {
        let acc = 0;
        for (let i = 0; i < k; i++) acc = (acc + s.pick(hashString(keys[i & MASK]))) | 0;
        return acc;
      });
    });
    cases.set(`hashring:${n}`, () => {
      const ring = new HashRing(
        Object.fromEntries(weights.map((w, i) => [`10.1.${i >> 8}.${i & 255}:80`, w])),
      );
      const keys = stringKeys();
      return h.measure((k) => {
        let acc = 0;
        for (let i = 0; i < k; i++) acc = (acc + ring.get(keys[i & MASK]).length) | 0;
        return acc;
      });
    });

    const loopPeer = { peer: `loop:${n}`, peerName: 'O(n) nginx SWRR loop' };
    rows.push({
      what: `wrr L7 (SWRR table), ${n} members`,
      ours: `wrr7:${n}`,
      ...loopPeer,
      goal:
        n === 100 ? { minOpsPerSec: 100e6, minRatio: 30 } : n === 1000 ? { minOpsPerSec: 100e6 } : undefined,
    });
    rows.push({ what: `wrr L7 cluster 4×8, ${n} members`, ours: `cluster-wrr7:${n}`, ...loopPeer });
    rows.push({ what: `rr L7, ${n} members`, ours: `rr7:${n}`, ...loopPeer });
    rows.push({ what: `wlc L7 (least_conn) pick+release, ${n}`, ours: `wlc7:${n}`, ...loopPeer });
    rows.push({ what: `wrr L4 (IPVS table), ${n} members`, ours: `wrr4:${n}`, ...loopPeer });
    rows.push({ what: `rr L4, ${n} members`, ours: `rr4:${n}`, ...loopPeer });
    rows.push({ what: `wlc L4 pick+release+expire, ${n}`, ours: `wlc4:${n}`, ...loopPeer });
    const ringPeer = { peer: `hashring:${n}`, peerName: 'hashring (npm, md5 ketama)' };
    const chGoal = n === 1000 ? { minOpsPerSec: 20e6, minRatio: 3 } : undefined;
    rows.push({
      what: `sch/tch/qch Maglev pick (hash given), ${n}`,
      ours: `ch:${n}`,
      ...ringPeer,
      goal: chGoal,
    });
    rows.push({ what: `sch Maglev incl. hashIp, ${n}`, ours: `ch-ip:${n}`, ...ringPeer, goal: chGoal });
    rows.push({
      what: `qch Maglev incl. hashString, ${n}`,
      ours: `ch-str:${n}`,
      ...ringPeer,
      goal: chGoal,
    });
  }
  return {
    name: 'schedulers',
    title: 'Schedulers: picks per second',
    cases,
    rows,
    notes: [
      'Weights 1 + (37·i mod 100). ops/GC = our operations per garbage collection while measuring (after set-up): a 16-byte allocation per pick would show ~1e5–1e6; "no GC" or ≥ 1e7 means none per pick (a stray runtime GC).',
      'The hashring peer and our qch row hash the same 65 536 string keys; "hash given" is the table lookup alone.',
    ],
  };
}
