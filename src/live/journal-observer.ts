/**
 * The balancer's definitions and epochs as journal control rows of a live run, stamped with the
 * run's scenario clock — the same rows the simulation writes, so the report reads both alike.
 */
import type { BalancerObserver } from '../routing/balancer.js';
import type { LiveClock } from './clock.js';
import type { JournalSequencer } from './journal-sequencer.js';

export function journalObserver(journal: JournalSequencer, clock: LiveClock): BalancerObserver {
  return {
    listenerDefined: (listener, key, layer) =>
      journal.control({ type: 'ListenerDefined', t: clock.now(), listener, key, layer }),
    backendDefined: (backend, ServerId, Port) =>
      journal.control({ type: 'BackendDefined', t: clock.now(), backend, ServerId, Port }),
    scopeDefined: (scope, listener, spec, deterministic) =>
      journal.control({
        type: 'ScopeDefined',
        t: clock.now(),
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
      journal.control({ type: 'EpochStarted', t: clock.now(), scope, epoch, members, cycleLength, cause }),
  };
}
