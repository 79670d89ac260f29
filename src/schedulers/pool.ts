/**
 * Small helpers shared by the schedulers (update-time only, never on the pick path): which members
 * can take new requests, gcd, whether an epoch changes anything a scheduler sees, and where a
 * rotation resumes when the member list changes.
 */
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

/** gcd of the weights; 0 for an empty list. */
export function gcdOf(weights: ArrayLike<number>): number {
  let g = 0;
  for (let i = 0; i < weights.length; i++) g = gcd(g, weights[i]);
  return g;
}

/**
 * The active set of an epoch as a scheduler sees it: member keys and weights of the active
 * members, in scheduling order, and their pool indexes. Two epochs with the same signature need no
 * rebuild (only pool indexes may have moved).
 */
export class ActiveSet {
  constructor(
    /** Pool index per active member, in pool order. */
    readonly members: readonly number[],
    readonly keys: readonly string[],
    readonly weights: readonly number[],
  ) {}

  static of(pool: SchedulerPool): ActiveSet {
    const members = activeMembers(pool);
    return new ActiveSet(
      members,
      members.map((i) => pool.keys[i]),
      members.map((i) => pool.weights[i]),
    );
  }

  get size(): number {
    return this.members.length;
  }

  /** Same members (by key), same order, same weights. */
  sameAs(other: ActiveSet | null): boolean {
    if (other === null || other.size !== this.size) return false;
    for (let j = 0; j < this.size; j++)
      if (other.keys[j] !== this.keys[j] || other.weights[j] !== this.weights[j]) return false;
    return true;
  }

  /** All active weights equal (Tengine's "unweighted" upstream). */
  get unweighted(): boolean {
    for (let j = 1; j < this.size; j++) if (this.weights[j] !== this.weights[0]) return false;
    return true;
  }
}

/**
 * Where a rotation continues after the member list changed: the position (in `next.members`) of
 * the first active member after `lastKey` in the new pool order. When `lastKey` left the pool, the
 * walk continues from the members that followed it in the old pool (`previousKeys`), as IPVS
 * `ip_vs_rr_del_dest` steps its cursor back to the predecessor of a deleted destination. Returns 0
 * when nothing was picked yet or no anchor survives.
 */
export function resumePosition(
  next: ActiveSet,
  nextPoolKeys: readonly string[],
  previousKeys: readonly string[],
  lastKey: string | null,
): number {
  if (next.size === 0 || lastKey === null) return 0;
  const position = new Map<string, number>();
  for (let i = 0; i < nextPoolKeys.length; i++) position.set(nextPoolKeys[i], i);
  // The anchor: the last key itself (strictly after it), else the first surviving successor (at it).
  let anchor = position.get(lastKey);
  let strict = true;
  if (anchor === undefined) {
    strict = false;
    const from = previousKeys.indexOf(lastKey);
    for (let k = 1; k < previousKeys.length && anchor === undefined; k++)
      anchor = position.get(previousKeys[(from + k) % previousKeys.length]);
    if (anchor === undefined) return 0;
  }
  for (let j = 0; j < next.size; j++) {
    const m = next.members[j];
    if (strict ? m > anchor : m >= anchor) return j;
  }
  return 0;
}

/** Tengine draws `ngx_random()` (a C `random()`: 31 bits); the cluster model does the same from its stream. */
export function draw31(random: () => number): number {
  return Math.floor(random() * 0x80000000);
}
