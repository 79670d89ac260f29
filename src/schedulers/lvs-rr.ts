/**
 * Layer-4 `rr`: IPVS round robin (`ip_vs_rr.c`, lb-algorithms.md §3.1): from the last chosen
 * destination walk forward to the next one with weight > 0. The same rotation as layer-7 `rr`
 * over the scheduling order (IPVS list order), so it shares that implementation.
 */
import { RoundRobin } from './rr.js';

export class LvsRoundRobin extends RoundRobin {
  constructor(random?: () => number) {
    super(4, random);
  }
}
