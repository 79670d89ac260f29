import type { ClbError } from './clb-errors.js';
import type { TopologyState } from './types.js';

/**
 * The outcome of applying one event. A rejected event changes nothing: the caller keeps its state.
 * `response` is what the API would answer (e.g. the generated VServerGroupId, RuleIds).
 */
export type ApplyResult =
  | { readonly ok: true; readonly state: TopologyState; readonly response: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly error: ClbError };
