/**
 * Layer-7 `rr`: plain round robin over the members that can take requests; weights are ignored
 * except that weight 0 excludes (clb-semantics.md §4.1: "weights are not used by RR"). This is
 * Tengine's OPT_ALI path for unweighted upstreams (lb-algorithms.md §2.1): O(1), continuing after
 * the last chosen peer; in exact mode the first pick is the first member, in cluster mode it is
 * `init_number = random() % n`.
 *
 * Epoch change: the rotation continues after the last chosen member's position in the new pool
 * (by key); if that member left the pool, from the first of its old successors that is still
 * there. An update that leaves the active set unchanged changes nothing.
 */
import type { SchedulerName } from '../topology/types.js';
import { ActiveSet, draw31, resumePosition } from './pool.js';
import type { Layer, Scheduler, SchedulerPool } from './scheduler.js';

export class RoundRobin implements Scheduler {
  readonly name: SchedulerName = 'rr';
  readonly deterministic = true;
  cycleLength = 0;
  private members = new Int32Array(0);
  private cursor = 0;
  /** Pool index of the last member chosen in this epoch, -1 if none. */
  private last = -1;
  /** Key of the last member chosen (any epoch), and the pool keys of the epoch it was chosen in. */
  private lastKey: string | null = null;
  private lastKeyPool: readonly string[] = [];
  private set: ActiveSet | null = null;
  private poolKeys: readonly string[] = [];
  private readonly startDraw: number;

  constructor(
    readonly layer: Layer = 7,
    random?: () => number,
  ) {
    this.startDraw = random ? draw31(random) : -1;
  }

  update(pool: SchedulerPool): void {
    const next = ActiveSet.of(pool);
    if (this.last >= 0) {
      this.lastKey = this.poolKeys[this.last];
      this.lastKeyPool = this.poolKeys;
    }
    const lastKey = this.lastKey;
    this.poolKeys = [...pool.keys];
    this.last = lastKey === null ? -1 : pool.keys.indexOf(lastKey);
    const unchanged = next.sameAs(this.set);
    this.set = next;
    this.members = Int32Array.from(next.members);
    this.cycleLength = next.size;
    if (next.size === 0) {
      this.cursor = 0;
      return;
    }
    if (lastKey === null) {
      // Nothing picked yet: the first pick is init_number (0 in exact mode).
      this.cursor = this.startDraw < 0 ? 0 : this.startDraw % next.size;
      return;
    }
    if (unchanged) return;
    this.cursor = resumePosition(next, pool.keys, this.lastKeyPool, lastKey);
  }

  pick(_hash: number): number {
    const members = this.members;
    const n = members.length;
    if (n === 0) return -1;
    const c = this.cursor;
    this.cursor = c + 1 === n ? 0 : c + 1;
    const m = members[c];
    this.last = m;
    return m;
  }

  release(_index: number): void {}

  expire(_index: number): void {}
}
