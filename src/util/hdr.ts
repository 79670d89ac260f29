/**
 * hdr-histogram-js, loaded at its first use: the package's index loads every module it has (the
 * log writer builds its number formatters at load), ~70 ms that every `slbsim` command paid at
 * start-up, although only runs with connection times and the live harness record latencies.
 */
import { requireOnFirstUse } from './require-on-first-use.js';

export const hdrHistogram = requireOnFirstUse<typeof import('hdr-histogram-js')>(
  import.meta.url,
  'hdr-histogram-js',
);
