/**
 * Layer-7 `wrr`: nginx's smooth weighted round robin (`ngx_http_upstream_get_peer`,
 * lb-algorithms.md §1.2), precomputed into a table as Tengine's vnswrr module does (§2.2), so a
 * pick is one array read and a cursor step.
 *
 * Semantics: each step adds every active member's weight to its current weight, picks the
 * greatest (strict `>`, ties to the earlier member in scan order) and subtracts the total from it.
 * The sequence is periodic with period W/gcd and scale-invariant, so one period is the table.
 * Ineligible and weight-0 members are absent from the table — exactly as if not configured.
 *
 * The table is built lazily in batches (each step is O(n)), so an epoch change costs O(n·batch)
 * up front and O(n) per pick only during the first period. Epoch change: the table is rebuilt for
 * the new active set and the cycle restarts (whole cycles per epoch stay exact). nginx instead
 * carries current weights across a change of health (skipping down peers in its loop) and resets
 * everything on reload; vnswrr skips a down peer's slots. docs/MODEL.md discusses the difference.
 *
 * Cluster model (a `random` stream): Tengine's per-worker random start `init_number = random % n`
 * rotates the scan order (changing tie-breaks; with equal weights this is plain round robin from
 * init_number), and `((random % n) % 1000) + 1` first picks are discarded (OPT_ALI, §2.1).
 */
import type { SchedulerName } from '../topology/types.js';
import { activeMembers, gcdOf } from './pool.js';
import type { Layer, Scheduler, SchedulerPool } from './scheduler.js';

const BATCH = 1024;

export class SmoothWeightedRoundRobin implements Scheduler {
  readonly name: SchedulerName = 'wrr';
  readonly layer: Layer = 7;
  readonly deterministic = true;
  cycleLength = 0;

  private table = new Int32Array(0);
  private built = 0;
  private cursor = 0;
  // SWRR state while the table is being built.
  private members: number[] = [];
  private weights = new Float64Array(0);
  private current = new Float64Array(0);
  private total = 0;
  private readonly offsetDraw: number;
  private readonly discardDraw: number;
  private discardPending: boolean;

  constructor(random?: () => number) {
    this.offsetDraw = random ? random() : 0;
    this.discardDraw = random ? random() : 0;
    this.discardPending = random !== undefined;
  }

  update(pool: SchedulerPool): void {
    const active = activeMembers(pool);
    const n = active.length;
    // Rotate the scan order by the worker's random start.
    const start = n > 0 ? Math.floor(this.offsetDraw * n) : 0;
    this.members = n > 0 ? [...active.slice(start), ...active.slice(0, start)] : [];
    const raw = this.members.map((i) => pool.weights[i]);
    const g = gcdOf(raw) || 1;
    this.weights = Float64Array.from(raw, (w) => w / g);
    this.current = new Float64Array(n);
    this.total = this.weights.reduce((a, b) => a + b, 0);
    this.cycleLength = this.total;
    this.table = new Int32Array(this.total);
    this.built = 0;
    this.cursor = 0;
    if (this.discardPending && n > 0) {
      this.discardPending = false;
      const discard = (Math.floor(this.discardDraw * n) % 1000) + 1;
      this.cursor = discard % this.total;
      this.extend(this.cursor + 1);
    }
  }

  pick(_hash: number): number {
    const c = this.cursor;
    if (c >= this.built) {
      if (this.total === 0) return -1;
      this.extend(c + 1);
    }
    const next = c + 1;
    this.cursor = next === this.total ? 0 : next;
    return this.table[c];
  }

  release(_index: number): void {}

  expire(_index: number): void {}

  /** Fill the table up to at least `upTo` entries (in batches). */
  private extend(upTo: number): void {
    const end = Math.min(this.total, Math.max(upTo, this.built + BATCH));
    const w = this.weights;
    const cur = this.current;
    const members = this.members;
    const n = members.length;
    for (let k = this.built; k < end; k++) {
      let best = 0;
      cur[0] += w[0];
      for (let i = 1; i < n; i++) {
        cur[i] += w[i];
        if (cur[i] > cur[best]) best = i;
      }
      cur[best] -= this.total;
      this.table[k] = members[best];
    }
    this.built = end;
  }
}
