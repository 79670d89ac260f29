/**
 * Durations as scenario files write them: `250ms`, `30s`, `2m`, `1h`, `1500us`, or a bare number
 * of seconds (Artillery's convention). Parsed to integer microseconds, the engine's time unit.
 */
/** Simulated time and durations: integer microseconds. */
export type Micros = number;

const UNIT_US: Record<string, number> = {
  us: 1,
  µs: 1,
  ms: 1_000,
  s: 1_000_000,
  m: 60_000_000,
  h: 3_600_000_000,
};
const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(us|µs|ms|s|m|h)?\s*$/;

/** Parse a duration; returns undefined when the text is not one. */
export function parseDuration(value: unknown): Micros | undefined {
  if (typeof value === 'number')
    return Number.isFinite(value) && value >= 0 ? Math.round(value * 1_000_000) : undefined;
  if (typeof value !== 'string') return undefined;
  const m = DURATION.exec(value);
  if (!m) return undefined;
  return Math.round(Number(m[1]) * UNIT_US[m[2] ?? 's']);
}

/** Format µs for people: `0s`, `250ms`, `1.5s`, `2m30s`. */
export function formatDuration(us: Micros): string {
  if (us === 0) return '0s';
  if (us < 1_000) return `${us}us`;
  if (us < 1_000_000) return `${trim(us / 1_000)}ms`;
  if (us < 60_000_000) return `${trim(us / 1_000_000)}s`;
  const m = Math.floor(us / 60_000_000);
  const rest = us - m * 60_000_000;
  return rest === 0 ? `${m}m` : `${m}m${trim(rest / 1_000_000)}s`;
}

function trim(x: number): string {
  return String(Math.round(x * 1000) / 1000);
}
