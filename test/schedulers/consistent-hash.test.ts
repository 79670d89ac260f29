import { describe, expect, it } from 'vitest';
import { ConsistentHash, maglevSize } from '../../src/schedulers/consistent-hash.js';
import { hashIp } from '../../src/schedulers/hash.js';

function poolOf(n: number, weights?: number[]) {
  const keys = Array.from({ length: n }, (_, i) => `i-backend${i}:8080`);
  return { keys, weights: weights ?? keys.map(() => 100), eligible: keys.map(() => 1) };
}

const KEYS = 200_000;

function assign(s: ConsistentHash): Int32Array {
  const out = new Int32Array(KEYS);
  for (let k = 0; k < KEYS; k++) out[k] = s.pick(hashIp((0x0a000000 + k * 7919) >>> 0));
  return out;
}

describe('consistent hashing (weighted Maglev)', () => {
  const s = new ConsistentHash('sch');
  s.update(poolOf(10));
  const before = assign(s);

  it('balances 10 equal members with peak-to-mean ≤ 1.1', () => {
    const counts = new Array(10).fill(0);
    for (const m of before) counts[m]++;
    const peak = Math.max(...counts) / (KEYS / 10);
    expect(peak).toBeLessThanOrEqual(1.1);
  });
  it('removing one of 10 members remaps ≤ 12.5 % of the keys, only theirs and a few others', () => {
    const p = poolOf(10);
    const after = new ConsistentHash('sch');
    after.update({ ...p, eligible: p.keys.map((_, i) => (i === 3 ? 0 : 1)) });
    const moved = assign(after).filter((m, k) => m !== before[k]).length / KEYS;
    expect(moved).toBeLessThanOrEqual(0.125);
    expect(moved).toBeGreaterThanOrEqual(0.09);
  });
  it('honours weights', () => {
    const w = new ConsistentHash('tch');
    w.update(poolOf(3, [4, 3, 2]));
    const counts = [0, 0, 0];
    for (let k = 0; k < KEYS; k++) counts[w.pick(hashIp(k))]++;
    expect(counts[0] / KEYS).toBeCloseTo(4 / 9, 1);
    expect(counts[2] / KEYS).toBeCloseTo(2 / 9, 1);
  });
  it('does not depend on the members list order', () => {
    const p = poolOf(5);
    const a = new ConsistentHash('sch');
    a.update(p);
    const b = new ConsistentHash('sch');
    const order = [4, 2, 0, 3, 1];
    b.update({ keys: order.map((i) => p.keys[i]), weights: p.weights, eligible: p.eligible });
    for (let k = 0; k < 1000; k++) expect(p.keys[a.pick(k)]).toBe(p.keys[order[b.pick(k)]]);
  });
  it('sizes the table to a prime ≥ 100 × members', () => {
    expect(maglevSize(10)).toBe(65537);
    expect(maglevSize(1000)).toBe(131071);
  });
});
