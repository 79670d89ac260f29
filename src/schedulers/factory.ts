/**
 * Scheduler by (name, layer): layer 7 is Tengine (nginx SWRR, round robin, least_conn), layer 4
 * is LVS (interleaved WRR, round robin, weighted least-connection) plus the consistent-hash
 * schedulers, which CLB offers on TCP/UDP only.
 */
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
  switch (name) {
    case 'wrr':
      return layer === 7 ? new SmoothWeightedRoundRobin(random) : new LvsWeightedRoundRobin();
    case 'rr':
      return layer === 7 ? new RoundRobin(7, random) : new LvsRoundRobin(random);
    case 'wlc':
      return layer === 7 ? new LeastConnections() : new LvsWeightedLeastConnection();
    case 'sch':
    case 'tch':
    case 'qch':
      if (layer === 7) throw new Error(`${name} is a layer-4 scheduler (TCP/UDP listeners only)`);
      return new ConsistentHash(name);
  }
}
