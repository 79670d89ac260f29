/**
 * Layer-4 `rr`: IPVS round robin (`ip_vs_rr_schedule`, lb-algorithms.md §3.1). The cursor starts
 * at the list head; each pick walks forward (wrapping) to the next destination with weight > 0.
 * Deleting the destination under the cursor steps the cursor back to its predecessor
 * (`ip_vs_rr_del_dest`), so the walk continues with what followed it; weight changes and
 * additions leave the cursor where it is. That is exactly the rotation of layer-7 `rr` in exact
 * mode over the IPVS list order, so it shares that implementation.
 *
 * The kernel has no random start: every LVS node runs this sequence from its own state, and the
 * cluster model's `random` stream is not used.
 */
import { RoundRobin } from './rr.js';

export class LvsRoundRobin extends RoundRobin {
  constructor() {
    super(4);
  }
}
