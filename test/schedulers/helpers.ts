import { createScheduler } from '../../src/schedulers/factory.js';
import type { Layer, Scheduler, SchedulerPool } from '../../src/schedulers/scheduler.js';
import type { SchedulerName } from '../../src/topology/types.js';

/** Member keys i-a:80, i-b:80, … in order. */
export function keysOf(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `i-${String.fromCharCode(97 + (i % 26))}${i >= 26 ? i : ''}:80`);
}

export function pool(weights: number[], eligible?: number[], keys?: string[]): SchedulerPool {
  return {
    keys: keys ?? keysOf(weights.length),
    weights,
    eligible: eligible ?? weights.map(() => 1),
  };
}

export function make(name: SchedulerName, layer: Layer, weights: number[], random?: () => number): Scheduler {
  const s = createScheduler({ name, layer, random });
  s.update(pool(weights));
  return s;
}

/** `count` picks as letters (A = member 0, '-' = no member). */
export function letters(s: Scheduler, count: number, hash = 0): string {
  let out = '';
  for (let i = 0; i < count; i++) {
    const m = s.pick(hash);
    out += m < 0 ? '-' : String.fromCharCode(65 + m);
  }
  return out;
}

/** `count` picks as indexes. */
export function picks(s: Scheduler, count: number, hash = 0): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(s.pick(hash));
  return out;
}

/** Picks per member. */
export function countsOf(seq: readonly number[], members: number): number[] {
  const out = new Array<number>(members).fill(0);
  for (const m of seq) if (m >= 0) out[m]++;
  return out;
}

export function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

export function gcdOf(xs: readonly number[]): number {
  return xs.reduce((a, b) => gcd(a, b), 0);
}

/** Max over prefixes and members of |count_i(t) − t·w_i/W| (lb-algorithms.md §8). */
export function maxPrefixDiscrepancy(seq: readonly number[], weights: readonly number[]): number {
  const total = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map(() => 0);
  let worst = 0;
  seq.forEach((m, t) => {
    counts[m]++;
    for (let i = 0; i < weights.length; i++)
      worst = Math.max(worst, Math.abs(counts[i] - ((t + 1) * weights[i]) / total));
  });
  return worst;
}
