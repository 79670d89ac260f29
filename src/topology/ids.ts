/**
 * Identifiers: the simulator's own ids given by a scenario are checked for uniqueness; absent ones
 * are generated deterministically from `state.nextId` as `lb-sim<n>`, `rsp-sim<n>`, `msg-sim<n>`
 * and `rule-sim<n>` (one counter for all kinds; a number whose id a scenario already took is
 * skipped). VServer group and primary/secondary group ids share one namespace, as CLB's `rsp-` ids do.
 */
import { findLoadBalancer, findMasterSlaveServerGroup, findRule, findVServerGroup } from './lookup.js';
import type { TopologyState } from './types.js';

export type IdKind = 'lb' | 'rsp' | 'msg' | 'rule';

export function isIdTaken(state: TopologyState, kind: IdKind, id: string): boolean {
  switch (kind) {
    case 'lb':
      return findLoadBalancer(state, id) !== undefined;
    case 'rsp':
    case 'msg':
      return findVServerGroup(state, id) !== undefined || findMasterSlaveServerGroup(state, id) !== undefined;
    case 'rule':
      return findRule(state, id) !== undefined;
  }
}

/**
 * The next generated id of `kind`, and the counter value after it. `alsoTaken` holds ids claimed
 * earlier in the same call (e.g. other rules of one CreateRules).
 */
export function generateId(
  state: TopologyState,
  kind: IdKind,
  nextId: number,
  alsoTaken: ReadonlySet<string> = new Set(),
): { readonly id: string; readonly nextId: number } {
  let n = nextId;
  for (;;) {
    const id = `${kind}-sim${n}`;
    n++;
    if (!alsoTaken.has(id) && !isIdTaken(state, kind, id)) return { id, nextId: n };
  }
}
