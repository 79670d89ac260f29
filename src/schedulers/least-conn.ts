/**
 * Layer-7 `wlc`: nginx `least_conn` (`ngx_http_upstream_get_least_conn_peer`,
 * lb-algorithms.md §1.3). The member with the fewest active connections per weight wins,
 * compared by cross-multiplication; when several tie, one smooth-WRR step over the tied members
 * (from the first of them to the end, total over the tied only, current weights carried between
 * picks) chooses. With no concurrency every member ties, so it is SWRR.
 *
 * `pick` counts an active connection on the chosen member; `release` ends it. Epoch change:
 * connection counts carry over by member key (those connections are still open); current weights
 * restart at 0.
 */
import type { SchedulerName } from '../topology/types.js';
import type { Layer, Scheduler, SchedulerPool } from './scheduler.js';

export class LeastConnections implements Scheduler {
  readonly name: SchedulerName = 'wlc';
  readonly layer: Layer = 7;
  readonly deterministic = false;
  readonly cycleLength = 0;
  private keys: readonly string[] = [];
  private weights = new Float64Array(0);
  private usable = new Uint8Array(0);
  private conns = new Float64Array(0);
  private current = new Float64Array(0);

  update(pool: SchedulerPool): void {
    const n = pool.keys.length;
    const previous = new Map<string, number>();
    for (const [i, k] of this.keys.entries()) previous.set(k, this.conns[i]);
    this.keys = [...pool.keys];
    this.weights = Float64Array.from({ length: n }, (_, i) => pool.weights[i]);
    this.usable = Uint8Array.from({ length: n }, (_, i) =>
      pool.weights[i] > 0 && pool.eligible[i] === 1 ? 1 : 0,
    );
    this.conns = Float64Array.from(this.keys, (k) => previous.get(k) ?? 0);
    this.current = new Float64Array(n);
  }

  pick(_hash: number): number {
    const w = this.weights;
    const c = this.conns;
    const u = this.usable;
    const n = w.length;
    let best = -1;
    let many = false;
    // conns and weight of the best so far, kept in locals (cross-multiplication as nginx does).
    let cb = 0;
    let wb = 1;
    for (let i = 0; i < n; i++) {
      if (u[i] === 0) continue;
      const ci = c[i];
      const wi = w[i];
      const lhs = ci * wb;
      const rhs = cb * wi;
      if (best < 0 || lhs < rhs) {
        best = i;
        cb = ci;
        wb = wi;
        many = false;
      } else if (lhs === rhs) {
        many = true;
      }
    }
    if (best < 0) return -1;
    if (many) {
      const cur = this.current;
      let chosen = -1;
      let total = 0;
      for (let i = best; i < n; i++) {
        if (u[i] === 0 || c[i] * wb !== cb * w[i]) continue;
        cur[i] += w[i];
        total += w[i];
        if (chosen < 0 || cur[i] > cur[chosen]) chosen = i;
      }
      cur[chosen] -= total;
      best = chosen;
    }
    c[best]++;
    return best;
  }

  release(index: number): void {
    if (this.conns[index] > 0) this.conns[index]--;
  }

  expire(_index: number): void {}

  /** Active connections per member (for tests and explain). */
  active(): number[] {
    return Array.from(this.conns);
  }
}
