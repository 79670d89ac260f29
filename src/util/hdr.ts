/**
 * hdr-histogram-js, loaded at its first use: the package's index loads every module it has (the
 * log writer builds its number formatters at load), ~70 ms that every `slbsim` command paid at
 * start-up, although only runs with connection times and the live harness record latencies.
 */
import { createRequire } from 'node:module';

type HdrModule = typeof import('hdr-histogram-js');

let hdrModule: HdrModule | undefined;

export function hdrHistogram(): HdrModule {
  hdrModule ??= createRequire(import.meta.url)('hdr-histogram-js') as HdrModule;
  return hdrModule;
}
