/**
 * A change applied to a scenario: its events join the scenario's at their times — after the
 * scenario's own events of the same instant — and the result is an ordinary scenario, which
 * `stateAt`, `worldAt` and the engine read as they read any other.
 *
 * A change is atomic: when any of its events would be rejected (or makes an event of the scenario
 * rejected, e.g. a later SetVServerGroupAttribute naming a server the change removed), nothing of
 * it is applied; `changeRejections` lists every such rejection with its CLB code, at its position
 * (in file order).
 */
import { stateAt } from '../scenario/fold-at.js';
import { sortDiagnostics } from '../scenario/issues.js';
import type { Diagnostic, Scenario } from '../scenario/scenario-model.js';
import type { Micros } from '../util/duration.js';
import type { Change } from './change-file.js';

/** The scenario with the change's events merged in, stable by time (scenario first at equal times). */
export function withChange(scenario: Scenario, change: Change): Scenario {
  const all = [...scenario.events, ...change.events].map((e, i) => ({ e, i }));
  all.sort((a, b) => a.e.at - b.e.at || a.i - b.i);
  return { ...scenario, events: all.map((x) => x.e) };
}

function diagnosticKey(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.code} ${d.message}`;
}

/**
 * The rejections the change brings: every rejected event of the changed scenario (over its whole
 * timeline) that the scenario alone does not have. Empty: the change can be applied.
 */
export function changeRejections(scenario: Scenario, change: Change): Diagnostic[] {
  const before = new Set(stateAt(scenario).diagnostics.map(diagnosticKey));
  return sortDiagnostics(
    stateAt(withChange(scenario, change))
      .diagnostics.filter((d) => !before.has(diagnosticKey(d)))
      // An event of the scenario that only the change makes fail says so.
      .map((d) => (d.file === change.file ? d : { ...d, message: `${d.message} (with the change)` })),
  );
}

/** When the change starts (its first event) and when it is complete (its last). */
export function changeSpan(change: Change): { readonly fromUs: Micros; readonly settledUs: Micros } {
  let from = Number.POSITIVE_INFINITY;
  let to = 0;
  for (const e of change.events) {
    from = Math.min(from, e.at);
    to = Math.max(to, e.at);
  }
  return { fromUs: Number.isFinite(from) ? from : 0, settledUs: to };
}
