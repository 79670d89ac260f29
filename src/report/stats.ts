/**
 * Statistics of the weight-fidelity report and of `compare`: Pearson's χ² goodness-of-fit and
 * homogeneity tests, their p-values from the upper regularized incomplete gamma function
 * (`@stdlib/math-base-special-gammainc`), and total variation distance. Pure functions over
 * plain arrays; called once per epoch or group, never per request. Sources: docs/MODEL.md (Reports).
 */
import { requireOnFirstUse } from '../util/require-on-first-use.js';

type Gammainc = (x: number, s: number, regularized: boolean, upper: boolean) => number;
/**
 * Loaded at the first p-value: the package is ~250 small CommonJS modules, which every command and
 * every worker thread of `--workers` would otherwise load at start-up whether it reports χ² or not.
 * `npm run build` bundles it into dist/vendor/ (one file: 12 ms to load, not 70–110 ms); run from
 * the TypeScript sources (tests), there is no bundle beside this module and the package loads.
 */
const gammainc = requireOnFirstUse<Gammainc>(
  import.meta.url,
  '../vendor/gammainc.cjs',
  '@stdlib/math-base-special-gammainc',
);

/**
 * P(X ≥ x) for X ~ χ²(df): the upper regularized incomplete gamma Q(df/2, x/2).
 * df must be ≥ 1; x ≥ 0.
 */
export function chiSquarePValue(x: number, df: number): number {
  if (!(df >= 1)) throw new RangeError(`chiSquarePValue: df must be >= 1, got ${df}`);
  if (x <= 0) return 1;
  return gammainc()(x / 2, df / 2, true, true);
}

export interface ChiSquareResult {
  /** The statistic, or null when the test does not apply (no observations, fewer than two categories). */
  readonly chiSquare: number | null;
  /** Degrees of freedom (categories − 1, or (k − 1) for a 2 × k table); 0 when not applicable. */
  readonly df: number;
  readonly pValue: number | null;
  /** Smallest expected cell count: the χ² approximation is trusted when it is ≥ 5. */
  readonly minExpected: number | null;
}

/**
 * Goodness of fit of `observed` counts to the probabilities `expected` (summing to 1 over the
 * categories that take part). Categories with expected probability 0 are left out — the caller
 * reports their counts separately — and N is the total observed over the remaining ones.
 */
export function chiSquareGoodnessOfFit(
  observed: ArrayLike<number>,
  expected: ArrayLike<number>,
): ChiSquareResult {
  let n = 0;
  let k = 0;
  let pSum = 0;
  for (let i = 0; i < observed.length; i++) {
    if (expected[i] > 0) {
      n += observed[i];
      pSum += expected[i];
      k++;
    }
  }
  if (n === 0 || k < 2) return { chiSquare: null, df: Math.max(0, k - 1), pValue: null, minExpected: null };
  let x = 0;
  let minE = Number.POSITIVE_INFINITY;
  for (let i = 0; i < observed.length; i++) {
    const p = expected[i];
    if (p > 0) {
      const e = (n * p) / pSum;
      const d = observed[i] - e;
      x += (d * d) / e;
      if (e < minE) minE = e;
    }
  }
  const df = k - 1;
  return { chiSquare: x, df, pValue: chiSquarePValue(x, df), minExpected: minE };
}

/**
 * Pearson's χ² test of homogeneity of two count vectors over the same categories (a 2 × k
 * contingency table). Columns empty on both sides are dropped. Null when either side is empty
 * or fewer than two categories remain.
 */
export function chiSquareHomogeneity(a: ArrayLike<number>, b: ArrayLike<number>): ChiSquareResult {
  let na = 0;
  let nb = 0;
  let k = 0;
  for (let j = 0; j < a.length; j++) {
    na += a[j];
    nb += b[j];
    if (a[j] + b[j] > 0) k++;
  }
  if (na === 0 || nb === 0 || k < 2)
    return { chiSquare: null, df: Math.max(0, k - 1), pValue: null, minExpected: null };
  const n = na + nb;
  let x = 0;
  let minE = Number.POSITIVE_INFINITY;
  for (let j = 0; j < a.length; j++) {
    const col = a[j] + b[j];
    if (col === 0) continue;
    const ea = (na * col) / n;
    const eb = (nb * col) / n;
    x += ((a[j] - ea) * (a[j] - ea)) / ea + ((b[j] - eb) * (b[j] - eb)) / eb;
    minE = Math.min(minE, ea, eb);
  }
  const df = k - 1;
  return { chiSquare: x, df, pValue: chiSquarePValue(x, df), minExpected: minE };
}

/** Total variation distance ½ Σ |p_i − q_i| between two share vectors of equal length. */
export function totalVariation(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += Math.abs(p[i] - q[i]);
  return s / 2;
}

/** max_i |p_i − q_i|, 0 for empty vectors. */
export function maxAbsDifference(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < p.length; i++) m = Math.max(m, Math.abs(p[i] - q[i]));
  return m;
}
