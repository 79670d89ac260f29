/**
 * The one-line summary `slbsim validate` prints for a valid scenario: what the initial topology
 * holds, how many events and faults change it later, what traffic is sent, and the seed.
 */
import type { TopologyState } from '../topology/types.js';
import { formatDuration } from '../util/duration.js';
import type { Scenario, Traffic } from './scenario-model.js';
import { traceDisplayPath } from './trace.js';

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Requests the phases send (before the `requests` cap); exact unless a phase is Poisson. */
export function expectedRequests(traffic: Traffic): { requests: number; exact: boolean; duration: number } {
  let requests = 0;
  let duration = 0;
  let exact = true;
  for (const p of traffic.phases) {
    duration += p.duration;
    if (p.pause) continue;
    const seconds = p.duration / 1_000_000;
    if (p.arrivalCount !== undefined) requests += p.arrivalCount;
    else if (p.arrivalRate !== undefined)
      requests += ((p.arrivalRate + (p.rampTo ?? p.arrivalRate)) / 2) * seconds;
    if (p.mode === 'poisson') exact = false;
  }
  return { requests: Math.round(requests), exact, duration };
}

function trafficText(traffic: Traffic | undefined): string {
  if (!traffic) return 'no traffic';
  if (traffic.trace)
    return `traffic: trace ${traceDisplayPath(traffic.trace.file)} (${traffic.trace.format})`;
  const kinds = count(traffic.mix.length, 'request kind');
  if (traffic.phases.length === 0) return `traffic: ${count(traffic.requests ?? 0, 'request')}, ${kinds}`;
  const e = expectedRequests(traffic);
  let n = e.requests;
  let approx = !e.exact;
  if (traffic.requests !== undefined && traffic.requests < n) {
    n = traffic.requests;
    approx = false;
  }
  return `traffic: ${count(traffic.phases.length, 'phase')} over ${formatDuration(e.duration)}, ${approx ? '≈' : ''}${count(n, 'request')}, ${kinds}`;
}

/** `file: valid — name: topology; events; traffic; seed`. `initial` is the state at time 0. */
export function summarize(file: string, scenario: Scenario, initial: TopologyState): string {
  const lbs = initial.LoadBalancers;
  const listeners = lbs.reduce((n, lb) => n + lb.Listeners.length, 0);
  const groups = lbs.reduce((n, lb) => n + lb.VServerGroups.length, 0);
  const msgs = lbs.reduce((n, lb) => n + lb.MasterSlaveServerGroups.length, 0);
  const rules = lbs.reduce((n, lb) => n + lb.Listeners.reduce((m, l) => m + l.Rules.length, 0), 0);
  const later = scenario.events.filter((e) => e.at > 0).length;
  const topology = [
    count(lbs.length, 'load balancer'),
    count(listeners, 'listener'),
    count(groups, 'VServer group'),
    ...(msgs > 0 ? [count(msgs, 'primary/secondary group')] : []),
    count(rules, 'rule'),
    count(initial.Instances.length, 'ECS instance'),
  ].join(', ');
  const events = `${count(scenario.events.length, 'event')}${later > 0 ? ` (${later} later)` : ''}, ${count(scenario.faults.length, 'fault')}`;
  return `${file}: valid — ${scenario.name}: ${topology}; ${events}; ${trafficText(scenario.traffic)}; seed ${scenario.seed}`;
}
