/**
 * Seeded random streams. Every random draw in slbsim comes from one of these: one alea stream per
 * component, derived from the root seed and the component's name, so adding a consumer never
 * shifts another component's sequence (load-testing-anchors.md §5).
 */
import seedrandom from 'seedrandom';

export const RNG_ALGORITHM = 'alea (seedrandom 3.0.5)';

/** Uniform double in [0, 1) with 53 bits of randomness. */
export type RandomStream = () => number;

/** The stream named `name` under `seed`, e.g. `stream('42', 'arrivals')`. */
export function stream(seed: string, name: string): RandomStream {
  const prng = seedrandom.alea(`${seed}/${name}`);
  return () => prng.double();
}

/**
 * The same named stream at 32-bit resolution (alea's native output, one step per draw instead of
 * two): for the per-request hot path — arrival gaps, mix and client choice, service times — where
 * 2^-32 granularity is far below any effect the model can show.
 */
export function stream32(seed: string, name: string): RandomStream {
  return seedrandom.alea(`${seed}/${name}`);
}

/** The seeded alea state of `stream32(seed, name)` before its first draw (util/alea-batch.ts steps it). */
export function aleaState(seed: string, name: string): seedrandom.State.Alea {
  return seedrandom.alea(`${seed}/${name}`, { state: true }).state();
}

/** Uniform integer in [0, n). */
export function randomInt(random: RandomStream, n: number): number {
  return Math.floor(random() * n);
}
