/**
 * What a replay starts from, computed once before the loop runs: the initial topology (events at
 * t ≤ 0) and the timeline, the journal's RunStarted row, where arrivals come from (a trace, the
 * phases, or `requests: N` at DEFAULT_RATE), and each scope member's service-time distribution.
 */
import type { ControlEntry } from '../journal/journal-rows.js';
import type { BalancerObserver, BalancerOptions } from '../routing/balancer.js';
import type {
  Distribution,
  Phase,
  Scenario,
  ScheduledEvent,
  ServiceModel,
} from '../scenario/scenario-model.js';
import { readTrace, type TraceRow } from '../scenario/trace.js';
import { DEFAULT_RATE } from '../scenario/traffic-defaults.js';
import { apply } from '../topology/apply.js';
import { EMPTY_STATE, type TopologyState } from '../topology/types.js';
import { AleaBatch } from '../util/alea-batch.js';
import { RNG_ALGORITHM } from '../util/rng.js';
import { VERSION } from '../util/version.js';
import { AliasTable } from './alias.js';
import { ArrivalStream } from './arrivals.js';

/** Events at t ≤ 0 form the initial state (with their responses); later ones are timeline entries. */
export function foldInitial(events: readonly ScheduledEvent[]): {
  state: TopologyState;
  timeline: ScheduledEvent[];
  initial: Array<{ event: ScheduledEvent; response: Readonly<Record<string, unknown>> }>;
} {
  let state = EMPTY_STATE;
  const initial: Array<{ event: ScheduledEvent; response: Readonly<Record<string, unknown>> }> = [];
  const timeline: ScheduledEvent[] = [];
  for (const event of events) {
    if (event.at > 0) {
      timeline.push(event);
      continue;
    }
    const result = apply(state, event);
    if (!result.ok) throw new Error(`scenario event ${event.field} rejected: ${result.error.code}`);
    state = result.state;
    initial.push({ event, response: result.response });
  }
  return { state, timeline, initial };
}

export function isLatencyModelled(svc: ServiceModel | undefined): boolean {
  return (
    svc !== undefined &&
    (svc.default !== undefined || Object.keys(svc.groups).length > 0 || Object.keys(svc.backends).length > 0)
  );
}

/** The journal's first row; `label` names the scenario (default: its path as loaded). */
export function runStarted(
  scenario: Scenario,
  seed: string,
  label: string | undefined,
  requestCap: number | undefined,
  latencyModelled: boolean,
): ControlEntry {
  const sim = scenario.simulation;
  return {
    type: 'RunStarted',
    t: 0,
    seed,
    scenario: label ?? scenario.file,
    name: scenario.name,
    slbsimVersion: VERSION,
    rng: RNG_ALGORITHM,
    options: {
      cluster: `${sim.cluster.nodes}x${sim.cluster.workers}`,
      clusterByListener: Object.fromEntries(
        Object.entries(sim.clusterByListener).map(([k, v]) => [k, `${v.nodes}x${v.workers}`]),
      ),
      ruleMatching: sim.ruleMatching,
      // Only when not the default, so the reports of existing scenarios stay as they were.
      ...(sim.urlMatching !== 'normalized' ? { urlMatching: sim.urlMatching } : {}),
      l4Order: sim.l4Order,
      requests: requestCap ?? null,
      latencyModelled,
      trace: scenario.traffic?.trace !== undefined,
    },
    ...(scenario.expect.length > 0 ? { expect: scenario.expect } : {}),
  };
}

/** Where requests come from: a trace, or the phases (or `requests: N` at DEFAULT_RATE) and the mix. */
export interface ArrivalSource {
  arrivals: ArrivalStream | null;
  trace: Generator<TraceRow> | null;
  mix: AliasTable | null;
  expected: number;
}

export function arrivalSource(
  scenario: Scenario,
  seed: string,
  requestCap: number | undefined,
): ArrivalSource {
  const traffic = scenario.traffic;
  if (traffic?.trace) return { arrivals: null, trace: readTrace(traffic.trace), mix: null, expected: 0 };
  if (!traffic || traffic.mix.length === 0) return { arrivals: null, trace: null, mix: null, expected: 0 };
  const phases: readonly Phase[] =
    traffic.phases.length > 0
      ? traffic.phases
      : [
          {
            duration: Math.ceil(((requestCap ?? 0) / DEFAULT_RATE) * 1_000_000) + 1,
            arrivalRate: DEFAULT_RATE,
            mode: 'uniform' as const,
          },
        ];
  return {
    arrivals: new ArrivalStream(phases, new AleaBatch(seed, 'arrivals'), requestCap),
    trace: null,
    mix: new AliasTable(traffic.mix.map((m) => m.weight)),
    expected: Math.min(requestCap ?? Number.POSITIVE_INFINITY, expectedArrivals(phases)),
  };
}

/** The service-time distribution of each member of a scope: by backend, ServerId, group, default. */
export function memberDistributions(
  svc: ServiceModel,
  spec: { readonly groupId: string | null; readonly members: readonly { ServerId: string; Port: number }[] },
): (Distribution | null)[] {
  const group = spec.groupId ?? 'default';
  return spec.members.map(
    (m) =>
      svc.backends[`${m.ServerId}:${m.Port}`] ??
      svc.backends[m.ServerId] ??
      svc.groups[group] ??
      svc.default ??
      null,
  );
}

/** Expected number of arrivals of a phase list (for progress only). */
export function expectedArrivals(phases: readonly Phase[]): number {
  let n = 0;
  for (const p of phases) {
    if (p.pause) continue;
    if (p.arrivalCount !== undefined) n += p.arrivalCount;
    else n += (((p.arrivalRate ?? 0) + (p.rampTo ?? p.arrivalRate ?? 0)) / 2) * (p.duration / 1_000_000);
  }
  return Math.round(n);
}

/** The balancer a replay of `scenario` routes with (its simulation options), observed by `observer`. */
export function scenarioBalancerOptions(
  scenario: Scenario,
  seed: string,
  observer?: BalancerObserver,
): BalancerOptions {
  const sim = scenario.simulation;
  return {
    seed,
    ruleMatching: sim.ruleMatching,
    urlMatching: sim.urlMatching,
    l4Order: sim.l4Order,
    cluster: sim.cluster,
    clusterByListener: sim.clusterByListener,
    ...(observer === undefined ? {} : { observer }),
  };
}
