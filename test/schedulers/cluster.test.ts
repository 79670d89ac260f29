import { describe, expect, it } from 'vitest';
import { SchedulerCluster } from '../../src/schedulers/cluster.js';
import { createScheduler } from '../../src/schedulers/factory.js';
import { hash4 } from '../../src/schedulers/hash.js';
import type { Layer } from '../../src/schedulers/scheduler.js';
import type { SchedulerName } from '../../src/topology/types.js';
import { stream } from '../../src/util/rng.js';
import { countsOf, pool } from './helpers.js';

const tuple = (i: number) => hash4((0x0a000001 + (i >> 10)) >>> 0, 1024 + (i & 1023), 0xc0000201, 80);

function cluster(name: SchedulerName, layer: Layer, nodes: number, workers: number, seed = '42') {
  const c = new SchedulerCluster({ name, layer }, nodes, workers, seed, 'lb-1:http:80/group/rsp-1');
  c.update(pool([4, 3, 2]));
  return c;
}

describe('scheduler cluster model', () => {
  it('given 1 × 1, then it is exact mode: the reference sequence, no random draws', () => {
    const c = cluster('wrr', 7, 1, 1);
    const seq = Array.from({ length: 18 }, (_, i) => c.pick(0, tuple(i)));
    expect(seq.map((m) => 'ABC'[m]).join('')).toBe('ABCABACBAABCABACBA');
    expect([c.lastNode, c.lastWorker]).toEqual([0, 0]);
  });

  it('given 2 × 4, then each instance is the scheduler seeded with stream(seed, "sched/<scope>/<node>/<worker>")', () => {
    const c = cluster('wrr', 7, 2, 4, 's');
    const expected = (node: number, worker: number) => {
      const s = createScheduler({
        name: 'wrr',
        layer: 7,
        random: stream('s', `sched/lb-1:http:80/group/rsp-1/${node}/${worker}`),
      });
      s.update(pool([4, 3, 2]));
      return s;
    };
    const refs = [0, 1].map((n) => [0, 1, 2, 3].map((w) => expected(n, w)));
    for (let i = 0; i < 2000; i++) {
      const m = c.pick(0, tuple(i));
      expect(m).toBe(refs[c.lastNode][c.lastWorker].pick(0));
    }
  });

  it('given 2 × 4, then every instance gets requests and its counts are exact per full cycle', () => {
    const c = cluster('wrr', 7, 2, 4);
    const per = new Map<string, number[]>();
    for (let i = 0; i < 9 * 8 * 40; i++) {
      const m = c.pick(0, tuple(i));
      const k = `${c.lastNode}/${c.lastWorker}`;
      if (!per.has(k)) per.set(k, []);
      per.get(k)!.push(m);
    }
    expect(per.size).toBe(8);
    for (const seq of per.values()) {
      const cycles = Math.floor(seq.length / 9);
      expect(cycles).toBeGreaterThan(10);
      for (let k = 0; k < cycles; k++) expect(countsOf(seq.slice(k * 9, k * 9 + 9), 3)).toEqual([4, 3, 2]);
    }
  });

  it('spreads tuples over nodes and workers about evenly', () => {
    const c = cluster('rr', 7, 4, 8);
    const hits = new Array<number>(32).fill(0);
    for (let i = 0; i < 32_000; i++) {
      c.route(tuple(i));
      hits[c.lastNode * 8 + c.lastWorker]++;
    }
    expect(Math.min(...hits)).toBeGreaterThan(800);
    expect(Math.max(...hits)).toBeLessThan(1200);
  });

  it('gives the same picks for the same seed and different picks for another seed', () => {
    const run = (seed: string) => {
      const c = cluster('wrr', 7, 2, 4, seed);
      return Array.from({ length: 200 }, (_, i) => c.pick(0, tuple(i))).join('');
    };
    expect(run('a')).toBe(run('a'));
    expect(run('b')).not.toBe(run('a'));
  });

  it('given layer 4, then the workers of a node share its LVS state (lastWorker is 0)', () => {
    const c = cluster('wrr', 4, 2, 4);
    expect(c.distinct.length).toBe(2);
    expect(c.instance(1, 3)).toBe(c.instance(1, 0));
    const perNode: string[] = ['', ''];
    for (let i = 0; i < 180; i++) {
      const m = c.pick(0, tuple(i));
      expect(c.lastWorker).toBe(0);
      perNode[c.lastNode] += 'ABC'[m];
    }
    // Each node runs the kernel sequence from the list head, whatever the worker hash says.
    for (const seq of perNode) expect(seq).toBe('AABABCABC'.repeat(40).slice(0, seq.length));
  });

  it('given consistent hashing, then all instances share one table and agree', () => {
    const c = new SchedulerCluster({ name: 'sch', layer: 4 }, 3, 4, 'x', 'scope');
    c.update(pool([1, 1, 1, 1]));
    expect(c.distinct.length).toBe(1);
    for (let i = 0; i < 100; i++) expect(c.pick(i * 7919, tuple(i))).toBe(c.instance(0, 0).pick(i * 7919));
  });

  it('given wlc, then release and expire reach the instance that picked', () => {
    const c = new SchedulerCluster({ name: 'wlc', layer: 7 }, 1, 2, 'x', 'scope');
    c.update(pool([1, 1]));
    const m = c.pick(0, tuple(1));
    const [n, w] = [c.lastNode, c.lastWorker];
    c.release(n, w, m);
    c.expire(n, w, m);
    expect(c.instance(n, w).pick(0)).toBe(m === 0 ? 1 : 0); // SWRR tie-break continued
  });

  it('updates every instance (epoch change takes effect at the next pick)', () => {
    const c = cluster('wrr', 7, 2, 2);
    for (let i = 0; i < 10; i++) c.pick(0, tuple(i));
    c.update(pool([1, 0, 0]));
    for (let i = 0; i < 20; i++) expect(c.pick(0, tuple(i))).toBe(0);
    expect(c.cycleLength).toBe(1);
    expect(c.deterministic).toBe(true);
  });

  it('rejects a malformed shape', () => {
    expect(() => new SchedulerCluster({ name: 'wrr', layer: 7 }, 0, 1, 'x', 's')).toThrow(RangeError);
  });
});
