/**
 * Layer-7 `wrr`: nginx's smooth weighted round robin (`ngx_http_upstream_get_peer`,
 * lb-algorithms.md §1.2) precomputed into a table as Tengine's vnswrr module does (§2.2): a pick is
 * one array read and a cursor step, O(1) and allocation-free.
 *
 * Semantics (exact mode): each SWRR step adds every active member's weight to its current weight,
 * takes the greatest (strict `>`, ties to the earlier member in scan order) and subtracts the
 * total from it. The sequence is periodic with period W/gcd and scale-invariant, so one period of
 * the gcd-reduced weights is the table: {5,1,1} → AABACAA, {4,3,2} → ABCABACBA, {1,1,1} → ABC.
 * Weight-0 and ineligible members are absent from the table, exactly as if not configured.
 *
 * Building: after t steps member i's current weight is `w_i·t − W·p_i` (p_i = its picks so far).
 * Members of equal weight therefore rank by fewest picks, then scan order: within a weight class
 * the next winner is simply the class's round-robin head. A step compares only the heads of the
 * weight classes (ties to the earliest scan position) — O(distinct weights) ≤ 100 with CLB's
 * weights instead of O(n), and exactly the nginx step (tested pick for pick against the O(n) loop).
 * The table is built lazily in batches of max(n, 64) steps, so an epoch change costs
 * O(classes·batch) at the next pick, and picks cost amortised O(classes) only during the first
 * period.
 *
 * Epoch change (`update`): a new active set (members, order or weights) rebuilds the table and
 * restarts the cycle at this instance's phase, so whole cycles within an epoch stay exact. An
 * update that leaves the active set unchanged keeps the position. (nginx instead carries each
 * peer's current_weight through health changes, skipping down peers in the scan, and resets on
 * reload; vnswrr keeps its table and skips the slots of down peers; docs/MODEL.md (Schedulers).)
 *
 * Cluster mode (a `random` stream, one per node × worker), Tengine's T_NGX_HTTP_UPSTREAM_RANDOM and
 * OPT_ALI (§2.1): `init_number = random() % n` rotates the scan order (which changes the
 * tie-breaks); weighted groups discard `((random() % n) % 1000) + 1` first picks; unweighted groups
 * (all weights equal) are plain round robin whose first pick is `init_number`. Both draws are made
 * once per instance and re-reduced modulo the active count at each epoch.
 */
import type { SchedulerName } from '../topology/types.js';
import { ActiveSet, draw31, gcdOf } from './pool.js';
import type { Layer, Scheduler, SchedulerPool } from './scheduler.js';

/** Tengine's `rr_discarded_range` default. */
export const DISCARDED_RANGE = 1000;
const MIN_BATCH = 64;

export class SmoothWeightedRoundRobin implements Scheduler {
  readonly name: SchedulerName = 'wrr';
  readonly layer: Layer = 7;
  readonly deterministic = true;
  /** W / gcd of the active weights. */
  cycleLength = 0;

  /** The period's picks as pool indexes; entries [0, built) are valid. Capacity is reused. */
  private table = new Int32Array(0);
  private built = 0;
  private cursor = 0;
  private period = 0;

  // SWRR build state. Scan order (rotated by the start offset in cluster mode): `order[k]` is the
  // pool index at scan position k. Weight classes: class c has weight `classWeight[c]`, its scan
  // positions ascending in `classMembers[classStart[c] … classStart[c+1])`, a round-robin head
  // `classHead[c]` and `classPicks[c]` = picks of the members from the head on (those before the
  // head have one more).
  private order = new Int32Array(0);
  private classWeight = new Float64Array(0);
  private classStart = new Int32Array(1);
  private classMembers = new Int32Array(0);
  private classHead = new Int32Array(0);
  private classPicks = new Float64Array(0);
  private total = 0;
  private batch = MIN_BATCH;

  private set: ActiveSet | null = null;
  /** The 31-bit draws of the cluster model; -1 in exact mode. */
  private readonly startDraw: number;
  private readonly discardDraw: number;
  /** Scan-order start and first table position of the current epoch. */
  private start = 0;
  private phase = 0;

  constructor(random?: () => number) {
    this.startDraw = random ? draw31(random) : -1;
    this.discardDraw = random ? draw31(random) : -1;
  }

  update(pool: SchedulerPool): void {
    const next = ActiveSet.of(pool);
    if (next.sameAs(this.set)) {
      this.renumber(this.set!, next);
      this.set = next;
      return;
    }
    this.set = next;
    const n = next.size;
    const g = gcdOf(next.weights) || 1;
    this.start = this.startDraw < 0 || n === 0 ? 0 : this.startDraw % n;
    this.order = new Int32Array(n);
    const reduced: number[] = new Array(n);
    let total = 0;
    for (let k = 0; k < n; k++) {
      const j = (this.start + k) % n;
      this.order[k] = next.members[j];
      reduced[k] = next.weights[j] / g;
      total += reduced[k];
    }
    this.buildClasses(reduced);
    this.total = total;
    this.period = total;
    this.cycleLength = total;
    this.batch = Math.max(n, MIN_BATCH);
    if (this.table.length < total) this.table = new Int32Array(total);
    this.built = 0;
    // Cluster mode: weighted groups discard ((random % n) % 1000) + 1 first picks; unweighted
    // groups start at init_number, which the rotated scan order already puts first.
    this.phase =
      this.discardDraw < 0 || n === 0 || next.unweighted
        ? 0
        : (((this.discardDraw % n) % DISCARDED_RANGE) + 1) % total;
    this.cursor = this.phase;
  }

  pick(_hash: number): number {
    let c = this.cursor;
    if (c >= this.built) {
      if (this.period === 0) return -1;
      this.extend(c + 1);
    }
    const m = this.table[c];
    this.cursor = ++c === this.period ? 0 : c;
    return m;
  }

  release(_index: number): void {}

  expire(_index: number): void {}

  /** Where this instance stands (tests, explain): scan-order start, epoch phase, next position. */
  get state(): { start: number; phase: number; cursor: number; built: number } {
    return { start: this.start, phase: this.phase, cursor: this.cursor, built: this.built };
  }

  /** Group scan positions by weight (classes in order of first appearance). */
  private buildClasses(reduced: readonly number[]): void {
    const byWeight = new Map<number, number[]>();
    reduced.forEach((w, k) => {
      const list = byWeight.get(w);
      if (list) list.push(k);
      else byWeight.set(w, [k]);
    });
    const classes = byWeight.size;
    this.classWeight = new Float64Array(classes);
    this.classStart = new Int32Array(classes + 1);
    this.classMembers = new Int32Array(reduced.length);
    this.classHead = new Int32Array(classes);
    this.classPicks = new Float64Array(classes);
    let c = 0;
    let at = 0;
    for (const [w, positions] of byWeight) {
      this.classWeight[c] = w;
      this.classStart[c] = at;
      for (const k of positions) this.classMembers[at++] = k;
      c++;
    }
    this.classStart[classes] = at;
  }

  /**
   * Fill the table up to at least `upTo` entries, a batch at a time. Step t (1-based) gives a
   * class head the current weight `w·t − W·picks`; the greatest wins, ties to the earliest scan
   * position — the nginx step restricted to the only members that can win it.
   */
  private extend(upTo: number): void {
    const end = Math.min(this.period, Math.max(upTo, this.built + this.batch));
    const weight = this.classWeight;
    const start = this.classStart;
    const members = this.classMembers;
    const head = this.classHead;
    const picks = this.classPicks;
    const classes = weight.length;
    const total = this.total;
    const order = this.order;
    const table = this.table;
    for (let t = this.built; t < end; t++) {
      const step = t + 1;
      let best = 0;
      let top = weight[0] * step - total * picks[0];
      let position = members[start[0] + head[0]];
      for (let c = 1; c < classes; c++) {
        const v = weight[c] * step - total * picks[c];
        if (v > top || (v === top && members[start[c] + head[c]] < position)) {
          top = v;
          best = c;
          position = members[start[c] + head[c]];
        }
      }
      table[t] = order[position];
      const h = head[best] + 1;
      if (h === start[best + 1] - start[best]) {
        head[best] = 0;
        picks[best]++;
      } else head[best] = h;
    }
    this.built = end;
  }

  /** Same active set, members renumbered in the pool: rewrite the indexes, keep the position. */
  private renumber(previous: ActiveSet, next: ActiveSet): void {
    let moved = false;
    const map = new Map<number, number>();
    for (let j = 0; j < next.size; j++) {
      map.set(previous.members[j], next.members[j]);
      if (previous.members[j] !== next.members[j]) moved = true;
    }
    if (!moved) return;
    for (let k = 0; k < this.order.length; k++) this.order[k] = map.get(this.order[k])!;
    for (let t = 0; t < this.built; t++) this.table[t] = map.get(this.table[t])!;
  }
}
