/**
 * The balancer's definitions and epochs as journal control rows: the one mapping both the
 * simulation and the live harness use, so their journals (and reports) read alike.
 */
import type { BalancerObserver } from '../routing/balancer.js';
import type { ControlEntry } from './journal-rows.js';

/** A BalancerObserver writing through `push`, stamping rows with `now()` (µs of scenario time). */
export function journalObserver(push: (entry: ControlEntry) => void, now: () => number): BalancerObserver {
  return {
    listenerDefined: (listener, key, layer) =>
      push({ type: 'ListenerDefined', t: now(), listener, key, layer }),
    backendDefined: (backend, ServerId, Port) =>
      push({ type: 'BackendDefined', t: now(), backend, ServerId, Port }),
    scopeDefined: (scope, listener, spec, deterministic) =>
      push({
        type: 'ScopeDefined',
        t: now(),
        scope,
        listener,
        source: spec.source,
        rule: spec.rule,
        groupId: spec.groupId,
        groupName: spec.groupName,
        scheduler: spec.source === 'master-slave' ? 'primary-secondary' : spec.scheduler,
        layer: spec.layer,
        deterministic,
        sticky: spec.sticky,
      }),
    epochStarted: (scope, epoch, members, cycleLength, cause) =>
      push({ type: 'EpochStarted', t: now(), scope, epoch, members, cycleLength, cause }),
  };
}
