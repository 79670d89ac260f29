/**
 * Uniforms a batch at a time: what the per-request draws of the engine read (arrival gaps,
 * service times). `AleaBatch` is the engine's; `uniformsOf` wraps any one-at-a-time stream (the
 * live harness's 53-bit ones, the tests' references) into the same shape.
 */
import type { RandomStream } from './rng.js';

export interface UniformSource {
  /** Fill `out` with the stream's next `out.length` uniforms in [0, 1), in order. */
  fill(out: Float64Array): void;
}

/** A `UniformSource` from any stream, drawing it in order. */
export function uniformsOf(random: RandomStream): UniformSource {
  return {
    fill(out) {
      for (let i = 0; i < out.length; i++) out[i] = random();
    },
  };
}
