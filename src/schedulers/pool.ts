/** Small helpers shared by the schedulers: which members can take new requests, and gcd. */
import type { SchedulerPool } from './scheduler.js';

/** Indexes of members with weight > 0 that are eligible, in pool order. */
export function activeMembers(pool: SchedulerPool): number[] {
  const out: number[] = [];
  for (let i = 0; i < pool.keys.length; i++) if (pool.weights[i] > 0 && pool.eligible[i] === 1) out.push(i);
  return out;
}

export function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

export function gcdOf(weights: readonly number[]): number {
  let g = 0;
  for (const w of weights) g = gcd(g, w);
  return g;
}
