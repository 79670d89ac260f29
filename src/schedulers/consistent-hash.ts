/**
 * `sch` / `tch` / `qch`: consistent hashing of the source IP, the 4-tuple or the QUIC connection id
 * (the caller computes the 32-bit key hash, src/schedulers/hash.ts), weighted, with a Maglev lookup
 * table (Eisenbud et al., NSDI 2016; Envoy's weighted fill, lb-algorithms.md §5.4; IPVS `mh`, §3.5).
 *
 * Table: a prime size M — 65537 (Envoy's default), or the next prime of a doubling ladder once
 * 100·N exceeds it (131071 for 656–1310 members, …), so every member's share is within ~1 % of its
 * weight (the paper's M > 100·N rule) and M does not move when one member comes or goes.
 * Each member's preference list is `(offset + j·skip) mod M` with `offset = murmur2(key, s1) mod M`
 * and `skip = murmur2(key, s2) mod (M−1) + 1` — two independent 32-bit hashes of the member key.
 * Members take turns claiming their next free preferred slot; a member of weight w takes a turn in
 * round r only when r·w ≥ its target, which then grows by the maximum weight (Envoy's
 * `MaglevTable` weighted fill), so it owns ≈ w/W of the table. Members are ordered by key first,
 * so the table depends on the set of (key, weight), not on the list order.
 *
 * A pick is `table[hash mod M]`: O(1), no allocation. Members with weight 0 or not eligible are not
 * in the table; an epoch that changes the active set rebuilds it (O(M log M)), and Maglev's minimal
 * disruption keeps most keys in place (tests: removing 1 of 10 equal members moves ≤ 12.5 % of keys;
 * peak-to-mean ≤ 1.1). The scheduler is stateless between picks: `release`/`expire` do nothing and
 * cluster instances can share one table.
 */
import type { SchedulerName } from '../topology/types.js';
import { murmur2 } from './hash.js';
import { ActiveSet } from './pool.js';
import type { Layer, Scheduler, SchedulerPool } from './scheduler.js';

/** Envoy's default Maglev table size. */
export const MAGLEV_DEFAULT_SIZE = 65537;
const OFFSET_SEED = 0x9747b28c;
const SKIP_SEED = 0x1b873593;

/**
 * The table sizes: primes, each about twice the previous. The size is the first of these
 * ≥ 100·N, so it stays put while the member count moves within a step — a size change would
 * remap almost every key (the one-time cost of crossing a step, e.g. 655 → 656 members).
 */
export const MAGLEV_SIZES = [65537, 131071, 262147, 524287, 1048573, 2097143, 4194301, 8388593] as const;

/** The table size for `members` members: the first prime of the ladder ≥ 100·members. */
export function maglevSize(members: number): number {
  for (const p of MAGLEV_SIZES) if (p >= 100 * members) return p;
  return MAGLEV_SIZES[MAGLEV_SIZES.length - 1];
}

export class ConsistentHash implements Scheduler {
  readonly layer: Layer = 4;
  readonly deterministic = false;
  readonly cycleLength = 0;
  private table: Int32Array = new Int32Array(0);
  private size = 0;
  private set: ActiveSet | null = null;

  constructor(readonly name: SchedulerName) {}

  update(pool: SchedulerPool): void {
    const next = ActiveSet.of(pool);
    if (next.sameAs(this.set)) {
      const map = new Map<number, number>();
      let moved = false;
      for (let j = 0; j < next.size; j++) {
        map.set(this.set!.members[j], next.members[j]);
        if (this.set!.members[j] !== next.members[j]) moved = true;
      }
      if (moved) for (let s = 0; s < this.size; s++) this.table[s] = map.get(this.table[s])!;
      this.set = next;
      return;
    }
    this.set = next;
    const n = next.size;
    if (n === 0) {
      this.table = new Int32Array(0);
      this.size = 0;
      return;
    }
    this.size = maglevSize(n);
    this.table = buildMaglevTable(next.members, next.keys, next.weights, this.size);
  }

  pick(hash: number): number {
    const size = this.size;
    if (size === 0) return -1;
    // hash mod M for a uint32 hash; the division form is exact here and several times faster
    // than `%` on a value outside the int32 range.
    const h = hash >>> 0;
    return this.table[h - Math.floor(h / size) * size];
  }

  release(_index: number): void {}

  expire(_index: number): void {}

  /** Table size M of the current epoch (0 when no member is active). */
  get tableSize(): number {
    return this.size;
  }

  /** Slots owned per pool index (length `poolSize`): the member's share of the key space. */
  slotsPerMember(poolSize: number): number[] {
    const out = new Array<number>(poolSize).fill(0);
    for (let s = 0; s < this.size; s++) out[this.table[s]]++;
    return out;
  }
}

/**
 * Fill a Maglev table of prime size `size` for members (pool indexes) with their keys and weights.
 * Exposed for tests and tools; the result holds pool indexes.
 */
export function buildMaglevTable(
  members: readonly number[],
  keys: readonly string[],
  weights: readonly number[],
  size: number,
): Int32Array {
  const n = members.length;
  const order = Array.from({ length: n }, (_, j) => j).sort((a, b) =>
    keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0,
  );
  const position = new Float64Array(n);
  const skip = new Float64Array(n);
  const weight = new Float64Array(n);
  const target = new Float64Array(n);
  const member = new Int32Array(n);
  let max = 0;
  for (let r = 0; r < n; r++) {
    const j = order[r];
    position[r] = murmur2(keys[j], OFFSET_SEED) % size;
    skip[r] = (murmur2(keys[j], SKIP_SEED) % (size - 1)) + 1;
    weight[r] = weights[j];
    member[r] = members[j];
    if (weights[j] > max) max = weights[j];
  }
  const table = new Int32Array(size).fill(-1);
  let filled = 0;
  for (let round = 1; filled < size; round++) {
    for (let r = 0; r < n && filled < size; r++) {
      if (round * weight[r] < target[r]) continue;
      target[r] += max;
      let c = position[r];
      while (table[c] >= 0) {
        c += skip[r];
        if (c >= size) c -= size;
      }
      table[c] = member[r];
      c += skip[r];
      position[r] = c >= size ? c - size : c;
      filled++;
    }
  }
  return table;
}
