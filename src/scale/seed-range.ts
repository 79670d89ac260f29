/**
 * The seeds of a sweep, as `--seeds` spells them: a range `1..50`, a list `1,2,5`, or both
 * (`1..10,42,canary-1`). A range is inclusive and counts up by one; any other item is one seed,
 * taken as written (seeds are strings: `42` is the seed a scenario's `seed: 42` gives). The order
 * is the order written, which is the order a sweep reports runs in; a seed named twice is a mistake.
 */
import { UserError } from '../util/user-error.js';

/** At most this many runs in one sweep. */
export const MAX_SEEDS = 100_000;

const RANGE = /^(-?\d+)\s*\.\.\s*(-?\d+)$/;

function fail(message: string): never {
  throw new UserError([`--seeds: ${message}`]);
}

/** Parse `--seeds`; a malformed value is a UserError naming the option. */
export function parseSeeds(spec: string): string[] {
  const seeds: string[] = [];
  const seen = new Set<string>();
  const push = (seed: string): void => {
    if (seen.has(seed)) fail(`seed ${seed} is named twice`);
    if (seeds.length >= MAX_SEEDS) fail(`more than ${MAX_SEEDS} seeds`);
    seen.add(seed);
    seeds.push(seed);
  };
  for (const raw of spec.split(',')) {
    const item = raw.trim();
    if (item === '') fail(`empty item in "${spec}" (expected e.g. 1..50 or 1,2,5)`);
    const range = RANGE.exec(item);
    if (range === null) {
      if (item.includes('..')) fail(`"${item}" is not a range of whole numbers such as 1..50`);
      push(item);
      continue;
    }
    const from = Number(range[1]);
    const to = Number(range[2]);
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) fail(`"${item}": the bounds are too large`);
    if (from > to) fail(`"${item}" counts down; write the smaller bound first (${to}..${from})`);
    if (to - from + 1 > MAX_SEEDS) fail(`"${item}" is more than ${MAX_SEEDS} seeds`);
    for (let s = from; s <= to; s++) push(String(s));
  }
  return seeds;
}

/** The seeds written back compactly: runs of consecutive whole numbers as `a..b` (the inverse of `parseSeeds`). */
export function formatSeeds(seeds: readonly string[]): string {
  const items: string[] = [];
  let i = 0;
  while (i < seeds.length) {
    let j = i;
    if (/^-?\d+$/.test(seeds[i]) && String(Number(seeds[i])) === seeds[i])
      while (j + 1 < seeds.length && seeds[j + 1] === String(Number(seeds[j]) + 1)) j++;
    items.push(j - i >= 2 ? `${seeds[i]}..${seeds[j]}` : seeds[i]);
    if (j - i === 1) items.push(seeds[j]);
    i = j + 1;
  }
  return items.join(',');
}
