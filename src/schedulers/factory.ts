/**
 * Scheduler by (name, layer): layer 7 is Tengine (nginx SWRR as a vnswrr table, round robin,
 * least_conn); layer 4 is LVS (interleaved WRR, round robin, weighted least-connection) plus the
 * consistent-hash schedulers, which CLB offers on TCP/UDP listeners only (clb-semantics.md §4.1).
 *
 * | name | layer 7                         | layer 4                           |
 * |------|---------------------------------|-----------------------------------|
 * | wrr  | SmoothWeightedRoundRobin (swrr) | LvsWeightedRoundRobin (lvs-wrr)   |
 * | rr   | RoundRobin (rr)                 | LvsRoundRobin (lvs-rr)            |
 * | wlc  | LeastConnections (least-conn)   | LvsWeightedLeastConnection        |
 * | sch, tch, qch | —  (a RangeError)      | ConsistentHash (weighted Maglev)  |
 *
 * `random` (the cluster model's per-instance stream) is used by the layer-7 round-robin family only.
 */
import { isConsistentHash, schedulerLayers } from '../topology/scheduler-names.js';
import { ConsistentHash } from './consistent-hash.js';
import { LeastConnections } from './least-conn.js';
import { LvsRoundRobin } from './lvs-rr.js';
import { LvsWeightedLeastConnection } from './lvs-wlc.js';
import { LvsWeightedRoundRobin } from './lvs-wrr.js';
import { RoundRobin } from './rr.js';
import type { Scheduler, SchedulerOptions } from './scheduler.js';
import { SmoothWeightedRoundRobin } from './swrr.js';

export function createScheduler(options: SchedulerOptions): Scheduler {
  const { name, layer, random } = options;
  if (layer !== 4 && layer !== 7) throw new RangeError(`layer must be 4 or 7, got ${String(layer)}`);
  switch (name) {
    case 'wrr':
      return layer === 7 ? new SmoothWeightedRoundRobin(random) : new LvsWeightedRoundRobin();
    case 'rr':
      return layer === 7 ? new RoundRobin(7, random) : new LvsRoundRobin();
    case 'wlc':
      return layer === 7 ? new LeastConnections() : new LvsWeightedLeastConnection();
    default:
      if (isConsistentHash(name)) {
        if (!schedulerLayers(name).includes(layer))
          throw new RangeError(`${name} is a layer-4 scheduler (TCP/UDP listeners only)`);
        return new ConsistentHash(name);
      }
      throw new RangeError(`unknown scheduler ${String(name)}`);
  }
}
