/**
 * The scheduler vocabulary, defined once: CLB's scheduling algorithms by name and which listeners
 * may use them (clb-semantics.md §4.1). Read by the topology's validation (listeners, rules), the
 * scenario schema, the route compiler, the schedulers, the balancer and `slbsim sequence`.
 *
 * | name  | what                                   | listeners                                  |
 * |-------|----------------------------------------|--------------------------------------------|
 * | `wrr` | weighted round robin (the default)     | all, and forwarding rules                  |
 * | `rr`  | round robin (weights unused)           | all, and forwarding rules                  |
 * | `wlc` | weighted least connections             | all, and forwarding rules                  |
 * | `sch` | consistent hash of the source IP       | TCP, UDP; guaranteed-performance only      |
 * | `tch` | consistent hash of the 4-tuple         | TCP, UDP; guaranteed-performance only      |
 * | `qch` | consistent hash of the QUIC connection | UDP; guaranteed-performance only           |
 */
import type { ListenerProtocol } from './types.js';

/** Every scheduler name the OpenAPI accepts, in the API documentation's order. */
export const SCHEDULER_NAMES = ['wrr', 'rr', 'wlc', 'sch', 'tch', 'qch'] as const;
export type SchedulerName = (typeof SCHEDULER_NAMES)[number];

/** The scheduler of a listener created without `Scheduler`. */
export const DEFAULT_SCHEDULER = 'wrr' satisfies SchedulerName;

/** The layer-7 (Tengine) schedulers: what HTTP/HTTPS listeners and forwarding rules schedule with. */
export const L7_SCHEDULER_NAMES = ['wrr', 'rr', 'wlc'] as const satisfies readonly SchedulerName[];

/** The consistent-hash schedulers (weighted Maglev tables), layer 4 only. */
export const CONSISTENT_HASH_NAMES = ['sch', 'tch', 'qch'] as const satisfies readonly SchedulerName[];
export type ConsistentHashName = (typeof CONSISTENT_HASH_NAMES)[number];

/** Whether `name` is one of the consistent-hash schedulers (sch, tch, qch). */
export function isConsistentHash(name: unknown): name is ConsistentHashName {
  return name === 'sch' || name === 'tch' || name === 'qch';
}

const LAYER_4: readonly (4 | 7)[] = [4];
const BOTH_LAYERS: readonly (4 | 7)[] = [7, 4];

/**
 * The layers a scheduler exists at, layer 7 first where it has one (so the first is the default
 * layer of `slbsim sequence`): consistent hashing at layer 4 only, the others at both.
 */
export function schedulerLayers(name: SchedulerName): readonly (4 | 7)[] {
  return isConsistentHash(name) ? LAYER_4 : BOTH_LAYERS;
}

const ALL_PROTOCOLS: readonly ListenerProtocol[] = ['http', 'https', 'tcp', 'udp'];
const L4_PROTOCOLS: readonly ListenerProtocol[] = ['tcp', 'udp'];
const UDP_ONLY: readonly ListenerProtocol[] = ['udp'];

/** The listener protocols that offer a scheduler. */
export function schedulerProtocols(name: SchedulerName): readonly ListenerProtocol[] {
  return name === 'qch' ? UDP_ONLY : isConsistentHash(name) ? L4_PROTOCOLS : ALL_PROTOCOLS;
}

/** Whether a scheduler counts open connections (least connections: wlc), so closing one matters to it. */
export function countsConnections(name: SchedulerName): boolean {
  return name === 'wlc';
}

/** Whether a scheduler is offered only by guaranteed-performance load balancers (a LoadBalancerSpec). */
export function needsGuaranteedSpec(name: SchedulerName): boolean {
  return isConsistentHash(name);
}
