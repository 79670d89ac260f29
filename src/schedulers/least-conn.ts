/**
 * Layer-7 `wlc`: nginx `least_conn` (`ngx_http_upstream_get_least_conn_peer`,
 * lb-algorithms.md §1.3), exactly:
 *  1. scan the usable members in order; `best` is the first minimising conns/weight, compared by
 *     cross-multiplication (`conns·w_best < conns_best·w`); an equal product later sets `many`;
 *  2. if `many`: one smooth-WRR step over the tied members only, from best's index to the end
 *     (current += weight, total over the tied, strictly greatest current wins, ties to the
 *     earliest), then `current[chosen] -= total`. Without a tie current weights are untouched.
 * With no concurrency every member ties at 0, so the sequence is nginx SWRR.
 *
 * `pick` counts an active connection on the chosen member; `release` ends it. O(n) per pick, no
 * allocation. nginx uses the configured weight here (not effective_weight); failures are not
 * modelled, so effective_weight = weight throughout.
 *
 * Epoch change: connection counts and current weights carry over by member key (the connections
 * are still open, and nginx keeps a peer's state while it is marked down); new members start at
 * 0. The cluster model's `random` is not used: least_conn has no random start in Tengine; each
 * worker (instance) counts only its own connections, as nginx workers do without a shared zone.
 */
import type { SchedulerName } from '../topology/types.js';
import type { Layer, Scheduler, SchedulerPool } from './scheduler.js';

/** Below this many connections per member (2^24) and weights below 2^7 (CLB's ≤ 100), conns·weight < 2^31. */
const NARROW_CONNS = 1 << 24;
const MAX_NARROW_WEIGHT = 127;

export class LeastConnections implements Scheduler {
  readonly name: SchedulerName = 'wlc';
  readonly layer: Layer = 7;
  readonly deterministic = false;
  readonly cycleLength = 0;
  private keys: readonly string[] = [];
  private weights = new Int32Array(0);
  private usable = new Uint8Array(0);
  private conns = new Int32Array(0);
  private current = new Int32Array(0);
  /** A member reached NARROW_CONNS connections: compare in doubles from then on. */
  private wide = false;

  update(pool: SchedulerPool): void {
    const n = pool.keys.length;
    const previous = new Map<string, number>();
    for (let i = 0; i < this.keys.length; i++) previous.set(this.keys[i], i);
    const conns = new Int32Array(n);
    const current = new Int32Array(n);
    const weights = new Int32Array(n);
    const usable = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      weights[i] = pool.weights[i];
      usable[i] = pool.weights[i] > 0 && pool.eligible[i] === 1 ? 1 : 0;
      const j = previous.get(pool.keys[i]);
      if (j !== undefined) {
        conns[i] = this.conns[j];
        current[i] = this.current[j];
      }
    }
    this.keys = [...pool.keys];
    this.weights = weights;
    this.usable = usable;
    this.conns = conns;
    this.current = current;
    this.wide = conns.some((k) => k >= NARROW_CONNS) || weights.some((x) => x > MAX_NARROW_WEIGHT);
  }

  pick(_hash: number): number {
    const u = this.usable;
    const n = u.length;
    let first = 0;
    while (first < n && u[first] === 0) first++;
    if (first === n) return -1;
    const best = this.wide ? this.scanWide(first) : this.scan(first);
    const c = this.conns;
    if (++c[best] === NARROW_CONNS) this.wide = true;
    return best;
  }

  /**
   * Step 1 and, on a tie, step 2 of nginx's loop, from the first usable member, in integer
   * arithmetic without a data-dependent branch: each comparison's outcome is a 0/1 value that
   * selects by masks. The loads decide nothing the CPU could predict (which member is least loaded
   * changes with every pick), and nginx's branches cost a mispredicted jump every few members.
   * Exact while every member has fewer than NARROW_CONNS connections and a weight of at most
   * MAX_NARROW_WEIGHT (products below 2^31).
   */
  private scan(first: number): number {
    const w = this.weights;
    const c = this.conns;
    const u = this.usable;
    const n = w.length;
    let best = first;
    let cb = c[first];
    let wb = w[first];
    let many = 0;
    for (let i = first + 1; i < n; i++) {
      const ci = c[i];
      const wi = w[i];
      const d = ci * wb - cb * wi;
      const ui = u[i];
      // d < 0: i is the new best; d = 0: a tie (d | -d has its sign bit set unless d is 0).
      const take = ui & (d >>> 31);
      const tie = ui & (((d | -d) >>> 31) ^ 1);
      const mask = -take;
      best ^= (best ^ i) & mask;
      cb ^= (cb ^ ci) & mask;
      wb ^= (wb ^ wi) & mask;
      many = (many | tie) & (take ^ 1);
    }
    return many === 0 ? best : this.tieBreakNarrow(best, cb, wb);
  }

  /**
   * `tieBreak` in the integer scan's arithmetic, without a data-dependent branch: whether a member
   * ties and whether its current weight is the greatest are 0/1 values that select by masks (a
   * pick ties more often than not when least_conn keeps equal members level, and the branches
   * mispredicted about as often as the scan's).
   */
  private tieBreakNarrow(best: number, cb: number, wb: number): number {
    const w = this.weights;
    const c = this.conns;
    const u = this.usable;
    const cur = this.current;
    const n = w.length;
    let chosen = best;
    let top = cur[best] + w[best];
    cur[best] = top;
    let total = w[best];
    for (let i = best + 1; i < n; i++) {
      const wi = w[i];
      const d = c[i] * wb - cb * wi;
      // 1 when the member is usable and d is 0 (d | -d has its sign bit set unless d is 0).
      const tied = u[i] & (((d | -d) >>> 31) ^ 1);
      const add = wi & -tied;
      const ci = cur[i] + add;
      cur[i] = ci;
      total += add;
      // Strictly greater than the greatest so far, among the tied: ties keep the earlier member.
      const mask = -(tied & ((top - ci) >>> 31));
      chosen ^= (chosen ^ i) & mask;
      top ^= (top ^ ci) & mask;
    }
    cur[chosen] -= total;
    return chosen;
  }

  /**
   * `scan` as nginx writes it, in doubles, past the integer scan's bounds (a member at NARROW_CONNS
   * connections, a weight above MAX_NARROW_WEIGHT).
   */
  private scanWide(first: number): number {
    const w = this.weights;
    const c = this.conns;
    const u = this.usable;
    const n = w.length;
    let best = first;
    let many = false;
    let cb = c[first];
    let wb = w[first];
    for (let i = first + 1; i < n; i++) {
      if (u[i] === 0) continue;
      const ci = c[i];
      const wi = w[i];
      // conns ≤ 2^31 and weight ≤ 100: the products stay exact in doubles.
      const lhs = ci * wb;
      const rhs = cb * wi;
      if (lhs < rhs) {
        best = i;
        cb = ci;
        wb = wi;
        many = false;
      } else if (lhs === rhs) {
        many = true;
      }
    }
    return many ? this.tieBreak(best, cb, wb) : best;
  }

  /**
   * Step 2 as nginx writes it (`scanWide`'s): one smooth-WRR step over the members tied with `best`
   * (conns `cb`, weight `wb`), from it on.
   */
  private tieBreak(best: number, cb: number, wb: number): number {
    const w = this.weights;
    const c = this.conns;
    const u = this.usable;
    const cur = this.current;
    const n = w.length;
    let chosen = -1;
    let total = 0;
    for (let i = best; i < n; i++) {
      if (u[i] === 0 || c[i] * wb !== cb * w[i]) continue;
      cur[i] += w[i];
      total += w[i];
      if (chosen < 0 || cur[i] > cur[chosen]) chosen = i;
    }
    cur[chosen] -= total;
    return chosen;
  }

  release(index: number): void {
    if (this.conns[index] > 0) this.conns[index]--;
  }

  expire(_index: number): void {}

  /** Active connections of member `index`. */
  connections(index: number): number {
    return this.conns[index];
  }

  /** Active connections per member (tests, explain). */
  active(): number[] {
    return Array.from(this.conns);
  }

  /** SWRR current weights per member (tests). */
  currentWeights(): number[] {
    return Array.from(this.current);
  }
}
