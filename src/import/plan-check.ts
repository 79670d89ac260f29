/**
 * Fold a plan the way the scenario will be folded, before anything is written: a call CLB (the
 * model) rejects is reported with CLB's error code at the input value that made it — the entry of
 * the Describe response, the attribute of the Terraform resource — through the same
 * parameter-to-position mapping the scenario loader uses (`fold-at.ts`). Calls that fail only
 * because a call they need was rejected (everything under a rejected CreateLoadBalancer) are not
 * reported again.
 */
import { rejectionDiagnostic } from '../scenario/fold-at.js';
import type { Diagnostic, ScheduledEvent, SourcePos } from '../scenario/scenario-model.js';
import { apply } from '../topology/apply.js';
import { EMPTY_STATE, type TopologyState } from '../topology/types.js';
import type { Plan, PlannedCall } from './event-plan.js';

function scheduled(c: PlannedCall): ScheduledEvent {
  const paramPos: Record<string, SourcePos> = {};
  for (const [k, node] of Object.entries(c.nodes)) paramPos[k] = node.pos();
  const pos = c.origin.node.pos();
  return { action: c.action, params: c.params, at: 0, pos, field: pos.field ?? '', paramPos };
}

export interface PlanCheck {
  readonly state: TopologyState;
  readonly diagnostics: Diagnostic[];
}

/** Apply every call of `plan` in order; returns the final state and one diagnostic per root rejection. */
export function checkPlan(plan: Plan): PlanCheck {
  let state = EMPTY_STATE;
  const diagnostics: Diagnostic[] = [];
  const rejected = new Set<string>();
  for (const c of [...plan.instances, ...plan.events]) {
    const event = scheduled(c);
    const r = apply(state, event);
    if (r.ok) {
      state = r.state;
      continue;
    }
    if (c.key) rejected.add(c.key);
    if (c.needs.some((n) => rejected.has(n))) continue;
    diagnostics.push(rejectionDiagnostic(event, r.error));
  }
  return { state, diagnostics };
}
