/**
 * The topology fold. `apply(state, event)` is pure: it dispatches the OpenAPI call to its action
 * family and returns the new state and the API's response, or the CLB error — in which case the
 * caller keeps the old state (nothing of a rejected call is kept: a 20-entry batch with one bad
 * entry adds none). `fold(events)` applies a sequence, skipping rejected events.
 */

import type { ActionHandler } from './actions/action-context.js';
import { backendServerActions } from './actions/backend-servers.js';
import { instanceActions } from './actions/instances.js';
import { listenerActions } from './actions/listeners.js';
import { loadBalancerActions } from './actions/load-balancers.js';
import { masterSlaveActions } from './actions/master-slave.js';
import { ruleActions } from './actions/rules.js';
import { vServerGroupActions } from './actions/vserver-groups.js';
import { clbError } from './clb-errors.js';
import { COMMON_IGNORED, IGNORED_PARAMS } from './documented-params.js';
import { ACTIONS, type ActionName, type TopologyEvent } from './events.js';
import { ParamReader, suggest } from './params.js';
import { Rejection } from './reject.js';
import type { ApplyResult } from './result.js';
import { EMPTY_STATE, type TopologyState } from './types.js';

const HANDLERS = {
  ...instanceActions,
  ...loadBalancerActions,
  ...backendServerActions,
  ...vServerGroupActions,
  ...masterSlaveActions,
  ...listenerActions,
  ...ruleActions,
} as { readonly [A in ActionName]: ActionHandler };

/** Every parameter name each action accepts: the modelled ones and the documented ignored ones. */
const ACCEPTED: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  ACTIONS.map((a) => [a, new Set([...HANDLERS[a].params, ...IGNORED_PARAMS[a], ...COMMON_IGNORED])]),
);

/** The parameter names `action` accepts (for schema generation and editor completion). */
export function acceptedParams(action: ActionName): readonly string[] {
  return [...(ACCEPTED.get(action) ?? [])];
}

/** The parameter names `action` models (the others it accepts are documented but ignored). */
export function modelledParams(action: ActionName): readonly string[] {
  return HANDLERS[action].params;
}

/** Apply one OpenAPI call to the topology. Pure; never mutates `state`. */
export function apply(state: TopologyState, event: TopologyEvent): ApplyResult {
  const action: unknown = event.action;
  const handler =
    typeof action === 'string' ? (HANDLERS as Record<string, ActionHandler>)[action] : undefined;
  const accepted = typeof action === 'string' ? ACCEPTED.get(action) : undefined;
  if (!handler || !accepted) {
    const hint = typeof action === 'string' ? suggest(action, ACTIONS) : undefined;
    return {
      ok: false,
      error: clbError(
        'UnknownAction',
        `Unknown action ${JSON.stringify(action)}` + (hint ? ` (did you mean ${hint}?)` : '.'),
      ),
    };
  }
  const params: unknown = event.params ?? {};
  if (typeof params !== 'object' || params === null || Array.isArray(params))
    return {
      ok: false,
      error: clbError('InvalidParameter', `The parameters of ${action} must be an object of API parameters.`),
    };
  try {
    const p = new ParamReader(params as Record<string, unknown>).allow(accepted, action as string);
    const { state: next, response } = handler.run(state, p);
    return { ok: true, state: next, response };
  } catch (err) {
    if (err instanceof Rejection) return { ok: false, error: err.error };
    throw err;
  }
}

/** Apply `events` in order from `initial`; rejected events are skipped (their result says why). */
export function fold(
  events: Iterable<TopologyEvent>,
  initial: TopologyState = EMPTY_STATE,
): { readonly state: TopologyState; readonly results: ApplyResult[] } {
  let state = initial;
  const results: ApplyResult[] = [];
  for (const event of events) {
    const r = apply(state, event);
    results.push(r);
    if (r.ok) state = r.state;
  }
  return { state, results };
}
