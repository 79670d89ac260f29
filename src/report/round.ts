/**
 * The report's one rounding policy, decided once so the same journal always prints the same
 * digits: quantities on a share-like scale (shares, deviations, TVD, discrepancies, χ²) keep
 * 6 decimal places; p-values, which span hundreds of orders of magnitude, keep 6 significant
 * digits. Negative zero is printed as 0. Counts are integers and are never rounded.
 */

/** Round to 6 decimal places (shares, deviations, χ², discrepancies). */
export function round6(x: number): number {
  if (!Number.isFinite(x)) return x;
  const r = Math.round(x * 1e6) / 1e6;
  return r === 0 ? 0 : r;
}

/** Round to 6 significant digits (p-values). */
export function sig6(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x === 0 ? 0 : x;
  return Number(x.toPrecision(6));
}

/** `round6` that keeps null (not applicable). */
export function round6OrNull(x: number | null): number | null {
  return x === null ? null : round6(x);
}
