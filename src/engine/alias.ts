/**
 * Weighted choice in O(1) per draw (Walker/Vose alias method) for the request mix: one uniform
 * draw picks a column, the column's threshold picks it or its alias. Built once per scenario.
 *
 * The draw looks its answer up first in a table of equal slices of [0, 1): a slice that lies
 * within one column and on one side of its threshold has one answer for every uniform in it
 * (u·n, its column and the threshold test are monotone in u), so only the few slices a boundary
 * crosses compute. The answers are the alias method's, exactly; the lookup replaces the threshold
 * test, a branch the CPU mispredicts on about every third request of a typical mix (measured: a
 * pick 7 ns with the test, 1–2 ns with the table).
 */
import type { RandomStream } from '../util/rng.js';

/** Slices of the lookup table per weight, at least (a power of two in all: u·slices is exact). */
const CELLS_PER_WEIGHT = 64;
const MIN_CELLS = 4096;
const MAX_CELLS = 1 << 18;

export class AliasTable {
  private readonly prob: Float64Array;
  private readonly alias: Int32Array;
  /** Per slice of [0, 1): the draw of every uniform in it, or -1 where a boundary crosses it. */
  private readonly cells: Int32Array;

  constructor(weights: readonly number[]) {
    const n = weights.length;
    if (n === 0) throw new Error('AliasTable needs at least one weight');
    const total = weights.reduce((a, b) => a + b, 0);
    this.prob = new Float64Array(n);
    this.alias = new Int32Array(n);
    const scaled = weights.map((w) => (w * n) / total);
    const small: number[] = [];
    const large: number[] = [];
    for (const [i, p] of scaled.entries()) (p < 1 ? small : large).push(i);
    while (small.length > 0 && large.length > 0) {
      const s = small.pop()!;
      const l = large.pop()!;
      this.prob[s] = scaled[s];
      this.alias[s] = l;
      scaled[l] = scaled[l] + scaled[s] - 1;
      (scaled[l] < 1 ? small : large).push(l);
    }
    for (const i of large) this.prob[i] = 1;
    for (const i of small) this.prob[i] = 1;
    let cells = MIN_CELLS;
    while (cells < n * CELLS_PER_WEIGHT && cells < MAX_CELLS) cells *= 2;
    this.cells = new Int32Array(n === 1 ? 0 : cells);
    for (let j = 0; j < this.cells.length; j++) {
      const lo = j / cells;
      const hi = below((j + 1) / cells);
      const xl = lo * n;
      const xh = hi * n;
      const il = Math.floor(xl);
      const loTakesColumn = xl - il < this.prob[il];
      const hiTakesColumn = xh - il < this.prob[il];
      const same = il === Math.floor(xh) && loTakesColumn === hiTakesColumn;
      this.cells[j] = same ? this.compute(lo) : -1;
    }
  }

  get size(): number {
    return this.prob.length;
  }

  draw(random: RandomStream): number {
    if (this.prob.length === 1) return 0;
    return this.of(random());
  }

  /** The choice for uniform `u` (a table of more than one weight: one weight takes no draw). */
  of(u: number): number {
    const c = this.cells[(u * this.cells.length) | 0];
    return c >= 0 ? c : this.compute(u);
  }

  /**
   * The choices for `uniforms`, into `out` from `at`: `of` of each, in one loop here (a uniform
   * handed to a call that is not inlined is boxed, ~30 bytes of garbage a request).
   */
  ofEach(uniforms: Float64Array, out: Int32Array, at: number): void {
    const cells = this.cells;
    const n = cells.length;
    for (let i = 0; i < uniforms.length; i++) {
      const u = uniforms[i];
      const c = cells[(u * n) | 0];
      out[at + i] = c >= 0 ? c : this.compute(u);
    }
  }

  /** The alias method's choice for uniform `u`. */
  private compute(u: number): number {
    const x = u * this.prob.length;
    const i = Math.floor(x);
    return x - i < this.prob[i] ? i : this.alias[i];
  }
}

/**
 * The largest double below `x`, for x = k/2^m in (0, 1]: x·2^-53 lies in [ulp/2, ulp) of the
 * spacing just below x, so the subtraction rounds to the neighbour (checked for every slice edge
 * of every table size against a decrement of the bits).
 */
function below(x: number): number {
  return x - x * 2 ** -53;
}
