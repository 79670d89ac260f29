/** Number formats shared by the human-readable renderers (the JSON keeps the raw values). */
import { formatDuration } from '../../util/duration.js';

/** A share as a percentage with two decimals: `71.43%`. */
export function pct(share: number): string {
  return `${(share * 100).toFixed(2)}%`;
}

/** A signed share difference in percentage points: `+1.25pp`, `-0.40pp`, `0.00pp`. */
export function pp(diff: number): string {
  const v = Math.round(diff * 10000) / 100;
  if (v === 0) return '0.00pp';
  return `${v > 0 ? '+' : ''}${v.toFixed(2)}pp`;
}

/** A p-value: four decimals, or scientific notation below 0.001. */
export function pValue(p: number | null): string {
  if (p === null) return 'n/a';
  if (p === 0) return '0';
  return p >= 0.001 ? p.toFixed(4) : p.toExponential(2);
}

/** A statistic with up to 4 decimals, or `n/a`. */
export function num(x: number | null, digits = 4): string {
  if (x === null) return 'n/a';
  return String(Math.round(x * 10 ** digits) / 10 ** digits);
}

/** Simulated time. */
export function time(us: number): string {
  return formatDuration(Math.round(us));
}

/** A latency in µs as milliseconds with 3 decimals. */
export function ms(us: number): string {
  return `${(us / 1000).toFixed(3)}ms`;
}
