import { describe, expect, it } from 'vitest';
import { buildMaglevTable, ConsistentHash, maglevSize } from '../../src/schedulers/consistent-hash.js';
import { hashIp } from '../../src/schedulers/hash.js';
import { randomInt, stream } from '../../src/util/rng.js';
import { pool } from './helpers.js';

function poolOf(n: number, weights?: number[]) {
  const keys = Array.from({ length: n }, (_, i) => `i-backend${i}:8080`);
  return { keys, weights: weights ?? keys.map(() => 100), eligible: keys.map(() => 1) };
}

const KEYS = 200_000;
/** Uniform random client hashes from a seeded stream (the way the engine's clients look). */
const HASHES = (() => {
  const r = stream('ch-test', 'keys');
  return Uint32Array.from({ length: KEYS }, () => randomInt(r, 0x100000000));
})();

function assign(s: ConsistentHash): Int32Array {
  const out = new Int32Array(KEYS);
  for (let k = 0; k < KEYS; k++) out[k] = s.pick(HASHES[k]);
  return out;
}

function counts(a: Int32Array, n: number): number[] {
  const c = new Array<number>(n).fill(0);
  for (const m of a) c[m]++;
  return c;
}

describe('consistent hashing (weighted Maglev)', () => {
  const ten = new ConsistentHash('sch');
  ten.update(poolOf(10));
  const before = assign(ten);

  it('given 10 equal members, then peak-to-mean load ≤ 1.1 (keys and table slots)', () => {
    expect(Math.max(...counts(before, 10)) / (KEYS / 10)).toBeLessThanOrEqual(1.1);
    const slots = ten.slotsPerMember(10);
    expect(Math.max(...slots) / (ten.tableSize / 10)).toBeLessThanOrEqual(1.01);
  });

  it('given one of 10 equal members removed, then ≤ 12.5 % of keys move, and all of its keys do', () => {
    const p = poolOf(10);
    const after = new ConsistentHash('sch');
    after.update({ ...p, eligible: p.keys.map((_, i) => (i === 3 ? 0 : 1)) });
    const moved = assign(after).filter((m, k) => m !== before[k]).length / KEYS;
    expect(moved).toBeLessThanOrEqual(0.125);
    expect(moved).toBeGreaterThanOrEqual(0.095); // at least the removed member's ~10 %
    const a = assign(after);
    for (let k = 0; k < KEYS; k++) if (before[k] === 3) expect(a[k]).not.toBe(3);
  });

  it('given an 11th member added, then ≤ 12.5 % of keys move and only to the new member', () => {
    const grown = new ConsistentHash('sch');
    grown.update(poolOf(11));
    const a = assign(grown);
    let moved = 0;
    let toNew = 0;
    for (let k = 0; k < KEYS; k++) {
      if (a[k] !== before[k]) {
        moved++;
        if (a[k] === 10) toNew++;
      }
    }
    expect(moved / KEYS).toBeLessThanOrEqual(0.125);
    expect(toNew / moved).toBeGreaterThan(0.7);
  });

  it('given the same update through update(), then the same table (stable across epochs)', () => {
    const s = new ConsistentHash('sch');
    s.update(poolOf(10));
    const p = poolOf(10);
    s.update({ ...p, eligible: p.keys.map((_, i) => (i === 3 ? 0 : 1)) });
    s.update(poolOf(10));
    const a = assign(s);
    let differing = 0;
    for (let k = 0; k < KEYS; k++) if (a[k] !== before[k]) differing++;
    expect(differing).toBe(0);
  });

  it('given weights 4:3:2, then table shares within 1 % of the weights', () => {
    const w = new ConsistentHash('tch');
    w.update(poolOf(3, [4, 3, 2]));
    const slots = w.slotsPerMember(3);
    const size = w.tableSize;
    expect(Math.abs(slots[0] / size - 4 / 9)).toBeLessThan(0.01);
    expect(Math.abs(slots[1] / size - 3 / 9)).toBeLessThan(0.01);
    expect(Math.abs(slots[2] / size - 2 / 9)).toBeLessThan(0.01);
  });

  it('given 1000 members, then M ≥ 100·N and peak-to-mean of the slots ≤ 1.1', () => {
    const s = new ConsistentHash('sch');
    s.update(poolOf(1000));
    expect(s.tableSize).toBe(131071);
    const slots = s.slotsPerMember(1000);
    expect(Math.max(...slots) / (s.tableSize / 1000)).toBeLessThanOrEqual(1.1);
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

  it('given the same members renumbered (a weight-0 member in front), then keys keep their member', () => {
    const p = poolOf(4);
    const s = new ConsistentHash('qch');
    s.update(p);
    const k1 = Array.from({ length: 500 }, (_, k) => p.keys[s.pick(hashIp(k))]);
    s.update({ keys: ['i-new:1', ...p.keys], weights: [0, ...p.weights], eligible: [1, ...p.eligible] });
    const k2 = Array.from({ length: 500 }, (_, k) => ['i-new:1', ...p.keys][s.pick(hashIp(k))]);
    expect(k2).toEqual(k1);
  });

  it('given no eligible member, then -1; weight-0 and ineligible members own no slot', () => {
    const s = new ConsistentHash('sch');
    s.update(pool([1, 1], [0, 0]));
    expect(s.pick(12345)).toBe(-1);
    expect(s.tableSize).toBe(0);
    s.update(pool([1, 0, 1], [1, 1, 0]));
    expect(s.slotsPerMember(3)).toEqual([s.tableSize, 0, 0]);
  });

  it('picks table[hash mod M] for hashes over the whole uint32 range', () => {
    const members = [0, 1, 2];
    const keys = ['a', 'b', 'c'];
    const size = maglevSize(3);
    const table = buildMaglevTable(members, keys, [1, 1, 1], size);
    const s = new ConsistentHash('sch');
    s.update(pool([1, 1, 1], undefined, keys));
    for (const h of [0, 1, size - 1, size, 0x7fffffff, 0x80000000, 0xffffffff, -1])
      expect(s.pick(h)).toBe(table[(h >>> 0) % size]);
  });

  it('sizes the table from a ladder of primes: the first ≥ 100 × members', () => {
    expect(maglevSize(1)).toBe(65537);
    expect(maglevSize(655)).toBe(65537);
    expect(maglevSize(656)).toBe(131071);
    expect(maglevSize(999)).toBe(131071);
    expect(maglevSize(1000)).toBe(131071);
    expect(maglevSize(1311)).toBe(262147);
  });

  it('given one of 1000 members removed, then the table size stays and ≤ 1 % of slots move (ideal 0.1 %)', () => {
    const big = new ConsistentHash('sch');
    big.update(poolOf(1000));
    const a = Int32Array.from({ length: big.tableSize }, (_, s) => big.pick(s));
    const p = poolOf(1000);
    big.update({ ...p, eligible: p.keys.map((_, i) => (i === 500 ? 0 : 1)) });
    let moved = 0;
    for (let s = 0; s < a.length; s++) if (big.pick(s) !== a[s]) moved++;
    expect(big.tableSize).toBe(a.length);
    expect(moved / a.length).toBeLessThanOrEqual(0.01);
  });
});
