/**
 * What a live run must stand up before it starts: the topology at time 0 (events with `at ≤ 0`,
 * as the simulation folds them), and everything the scenario's timeline will ever route to — the
 * union over every intermediate state of the (ServerId, Port) backends its scopes hold and of its
 * HTTP/HTTPS listeners — so a backend added by a later event is already listening when the event
 * happens.
 */
import { compileTopology } from '../routing/route-compiler.js';
import type { Scenario, ScheduledEvent } from '../scenario/scenario-model.js';
import { apply } from '../topology/apply.js';
import { EMPTY_STATE, type TopologyState } from '../topology/types.js';
import type { BackendSpec } from './live-backends.js';

/** A scenario whose initial events are rejected cannot run live. */
export class LiveSetupError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'LiveSetupError';
  }
}

export interface TopologySpan {
  /** The topology after every event with `at ≤ 0`. */
  readonly initial: TopologyState;
  /** Those events with the API's responses (for the journal's TopologyApplied rows). */
  readonly initialApplied: readonly { event: ScheduledEvent; response: Readonly<Record<string, unknown>> }[];
  /** Every backend any scope holds at any time, in first-seen order. */
  readonly backends: readonly BackendSpec[];
  /** Every HTTP/HTTPS listener key that exists at any time, in first-seen order. */
  readonly httpListeners: readonly string[];
  /** Layer-4 listener keys (not proxied live). */
  readonly l4Listeners: readonly string[];
}

export function topologySpan(scenario: Scenario): TopologySpan {
  const options = { ruleMatching: scenario.simulation.ruleMatching, l4Order: scenario.simulation.l4Order };
  let state = EMPTY_STATE;
  const problems: string[] = [];
  const backends = new Map<string, BackendSpec>();
  const http = new Set<string>();
  const l4 = new Set<string>();
  const collect = (s: TopologyState) => {
    const compiled = compileTopology(s, options);
    for (const spec of compiled.listeners.values()) (spec.layer === 7 ? http : l4).add(spec.key);
    for (const scope of compiled.scopes.values())
      for (const m of scope.members) {
        const key = `${m.ServerId}:${m.Port}`;
        if (!backends.has(key)) backends.set(key, { ServerId: m.ServerId, Port: m.Port });
      }
  };
  let initial: TopologyState | undefined;
  const initialApplied: { event: ScheduledEvent; response: Readonly<Record<string, unknown>> }[] = [];
  for (const event of scenario.events) {
    if (event.at > 0 && initial === undefined) {
      initial = state;
      collect(state);
    }
    const r = apply(state, event);
    if (!r.ok) {
      if (event.at <= 0)
        problems.push(
          `${event.pos.file}:${event.pos.line}:${event.pos.col}: ${r.error.code} ${r.error.message}`,
        );
      continue;
    }
    state = r.state;
    if (event.at > 0) collect(state);
    else initialApplied.push({ event, response: r.response });
  }
  if (problems.length > 0) throw new LiveSetupError(problems);
  if (initial === undefined) {
    initial = state;
    collect(state);
  }
  return {
    initial,
    initialApplied,
    backends: [...backends.values()],
    httpListeners: [...http],
    l4Listeners: [...l4].filter((k) => !http.has(k)),
  };
}
