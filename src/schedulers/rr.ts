/**
 * Layer-7 `rr`: plain round robin over the members that can take requests; weights are ignored
 * except that weight 0 excludes (clb-semantics.md §4.1). The cursor continues after the last
 * chosen member; after an epoch change it continues after that member's position (so a member
 * coming back does not reset the rotation). Cluster model: the first pick starts at a random
 * member, like Tengine's `init_number`.
 */
import type { SchedulerName } from '../topology/types.js';
import { activeMembers } from './pool.js';
import type { Layer, Scheduler, SchedulerPool } from './scheduler.js';

export class RoundRobin implements Scheduler {
  readonly name: SchedulerName = 'rr';
  readonly deterministic = true;
  cycleLength = 0;
  private active = new Int32Array(0);
  private cursor = 0;
  /** Pool index of the last member chosen (-1 before the first pick). */
  private last = -1;
  private readonly startDraw: number;
  private started = false;

  constructor(
    readonly layer: Layer = 7,
    random?: () => number,
  ) {
    this.startDraw = random ? random() : 0;
  }

  update(pool: SchedulerPool): void {
    const active = activeMembers(pool);
    this.active = Int32Array.from(active);
    this.cycleLength = active.length;
    if (active.length === 0) return;
    if (!this.started) {
      this.cursor = Math.floor(this.startDraw * active.length);
      return;
    }
    // Continue after the last chosen member's position.
    let next = active.findIndex((i) => i > this.last);
    if (next < 0) next = 0;
    this.cursor = next;
  }

  pick(_hash: number): number {
    const n = this.active.length;
    if (n === 0) return -1;
    const c = this.cursor;
    this.cursor = c + 1 === n ? 0 : c + 1;
    this.started = true;
    const m = this.active[c];
    this.last = m;
    return m;
  }

  release(_index: number): void {}

  expire(_index: number): void {}
}
