/**
 * The topology of a loaded scenario at a time: its events with `at ≤ time`, applied in order
 * (stable, as the loader sorted them). A rejected event changes nothing and becomes a Diagnostic at
 * the file node of the offending API parameter (`BackendServers[3].Weight` → that weight's line),
 * with CLB's error code; the fold goes on with the next event. Rejections that only follow from an
 * earlier rejected declarative element (its listener's Start, its group's later batches) are not
 * repeated.
 */
import { apply } from '../topology/apply.js';
import type { ClbError } from '../topology/clb-errors.js';
import { EMPTY_STATE, type TopologyState } from '../topology/types.js';
import { formatDuration, type Micros } from '../util/duration.js';
import type { Diagnostic, Scenario, ScheduledEvent, SourcePos } from './scenario-model.js';

export interface StateAt {
  readonly state: TopologyState;
  /** One per rejected event, in event order. */
  readonly diagnostics: Diagnostic[];
  /** Events applied or rejected (those with `at ≤ time`). */
  readonly folded: number;
  /** Events after the time, not folded. */
  readonly later: number;
}

/** The parameter's position, or its nearest recorded ancestor's (`A[3].B` → `A[3]` → `A`), or the event's. */
export function paramPosition(event: ScheduledEvent, param: string | undefined): SourcePos {
  let p = param;
  while (p !== undefined && p !== '') {
    const pos = event.paramPos[p];
    if (pos !== undefined) return pos;
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    p = cut > 0 ? p.slice(0, cut) : undefined;
  }
  return event.pos;
}

/** A rejected event as a Diagnostic at its parameter's position. */
export function rejectionDiagnostic(event: ScheduledEvent, error: ClbError): Diagnostic {
  const pos = paramPosition(event, error.param);
  const when = event.at > 0 ? ` at ${formatDuration(event.at)}` : '';
  return {
    file: pos.file,
    line: pos.line,
    col: pos.col,
    code: error.code,
    message: `${event.action}${when} rejected: ${error.message}`,
    field: pos.field ?? event.field,
  };
}

/** Fold the events with `at ≤ time` (all of them when `time` is undefined). */
export function stateAt(scenario: Scenario, time?: Micros): StateAt {
  let state = EMPTY_STATE;
  const diagnostics: Diagnostic[] = [];
  let folded = 0;
  const rejected: string[] = [];
  for (const event of scenario.events) {
    if (time !== undefined && event.at > time) continue;
    folded++;
    const r = apply(state, event);
    if (r.ok) {
      state = r.state;
      continue;
    }
    // A declarative element compiles to several calls; once one is rejected, the rejections of
    // the calls that depend on it (Start after Create, AddVServerGroupBackendServers after
    // CreateVServerGroup, everything under a load balancer) are consequences, not news.
    const f = event.field;
    if (
      f.startsWith('topology.') &&
      rejected.some((x) => f === x || f.startsWith(`${x}.`) || f.startsWith(`${x}[`))
    )
      continue;
    rejected.push(f);
    diagnostics.push(rejectionDiagnostic(event, r.error));
  }
  return { state, diagnostics, folded, later: scenario.events.length - folded };
}
