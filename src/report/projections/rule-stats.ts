/**
 * Rule-match statistics per listener: how many requests each forwarding rule took (with its
 * match kind), how many fell back to the listener's VServer group, to the default pool or (layer
 * 4) went to the primary/secondary group, and the failures by reason. Counting per request is
 * two increments (`ListenerCounts.route`); the per-rule split comes from the scopes at build time,
 * since every scope belongs to exactly one listener and one rule or fallback.
 */
import type { JournalDictionary } from '../../journal/dictionary.js';
import {
  OUTCOME_BACKEND_ERROR,
  OUTCOME_BAD_REQUEST,
  OUTCOME_LISTENER_STOPPED,
  OUTCOME_NAMES,
  OUTCOME_NO_BACKEND,
  OUTCOME_NO_LISTENER,
} from '../../routing/outcomes.js';
import type { ListenerReport, RuleReport, ShareCount } from '../report-model.js';
import { round6 } from '../round.js';
import { mergeLatency, summarize } from './latency.js';
import type { ScopeState } from './scope.js';

const K = OUTCOME_NAMES.length;

export class ListenerCounts {
  /** outcomes[listener * K + outcome]. */
  outcomes = new Float64Array(8 * K);

  route(listener: number, outcome: number): void {
    const at = listener * K;
    if (at >= this.outcomes.length) this.grow(listener + 1);
    this.outcomes[at + outcome]++;
  }

  /** Requests per listener (slots of every listener seen, as many as the outcome rows): the sums of their outcomes. */
  get requests(): Float64Array {
    const n = this.outcomes.length / K;
    const r = new Float64Array(n);
    for (let l = 0; l < n; l++) for (let o = 0; o < K; o++) r[l] += this.outcomes[l * K + o];
    return r;
  }

  /** Add another shard's count of listener `l` (its outcomes from `outcomes[l * K + o]`). */
  add(l: number, outcomes: readonly number[]): void {
    if (l * K >= this.outcomes.length) this.grow(l + 1);
    for (let o = 0; o < K; o++) this.outcomes[l * K + o] += outcomes[l * K + o] ?? 0;
  }

  private grow(size: number): void {
    let n = this.outcomes.length / K;
    while (n < size) n *= 2;
    const o = new Float64Array(n * K);
    o.set(this.outcomes);
    this.outcomes = o;
  }
}

export function listenerReports(
  dict: JournalDictionary,
  counts: ListenerCounts,
  scopes: readonly ScopeState[],
): ListenerReport[] {
  const out: ListenerReport[] = [];
  const perListener = counts.requests;
  for (let l = 0; l < dict.listeners.length; l++) {
    const def = dict.listeners[l];
    if (def === undefined) continue;
    const requests = l < perListener.length ? perListener[l] : 0;
    const outcome = (o: number): number => (l < perListener.length ? counts.outcomes[l * K + o] : 0);
    const share = (count: number): ShareCount => ({
      count,
      share: requests > 0 ? round6(count / requests) : 0,
    });
    const rules = new Map<string, { r: RuleReport; count: number; groups: string[] }>();
    let listenerGroup = 0;
    let defaultPool = 0;
    let masterSlave = 0;
    const own = scopes.filter((s) => s.def.listener === l);
    for (const s of own) {
      const d = s.def;
      if (d.source === 'rule' && d.rule) {
        let entry = rules.get(d.rule.RuleId);
        if (!entry) {
          entry = {
            r: {
              RuleId: d.rule.RuleId,
              RuleName: d.rule.RuleName,
              matchKind: d.rule.matchKind,
              VServerGroupIds: [],
              count: 0,
              share: 0,
            },
            count: 0,
            groups: [],
          };
          rules.set(d.rule.RuleId, entry);
        }
        entry.count += s.routed;
        if (d.groupId !== null && !entry.groups.includes(d.groupId)) entry.groups.push(d.groupId);
      } else if (d.source === 'listener-vserver-group') listenerGroup += s.routed;
      else if (d.source === 'default-pool') defaultPool += s.routed;
      else if (d.source === 'master-slave') masterSlave += s.routed;
    }
    const badRequest = outcome(OUTCOME_BAD_REQUEST);
    const failures: ListenerReport['failures'] = {
      noEligibleBackend: outcome(OUTCOME_NO_BACKEND),
      listenerStopped: outcome(OUTCOME_LISTENER_STOPPED),
      noSuchListener: outcome(OUTCOME_NO_LISTENER),
      backendError: outcome(OUTCOME_BACKEND_ERROR),
      // Listed only when it happened (report-model.ts OUTCOMES_LISTED_WHEN_SEEN).
      ...(badRequest > 0 ? { badRequest } : {}),
      total:
        outcome(OUTCOME_NO_BACKEND) +
        outcome(OUTCOME_LISTENER_STOPPED) +
        outcome(OUTCOME_NO_LISTENER) +
        outcome(OUTCOME_BACKEND_ERROR) +
        badRequest,
    };
    out.push({
      listener: def.key,
      layer: def.layer,
      requests,
      rules: [...rules.values()].map(({ r, count, groups }) => ({
        RuleId: r.RuleId,
        RuleName: r.RuleName,
        matchKind: r.matchKind,
        VServerGroupIds: groups,
        count,
        share: share(count).share,
      })),
      fallbacks: {
        listenerGroup: share(listenerGroup),
        defaultPool: share(defaultPool),
        masterSlave: def.layer === 4 ? share(masterSlave) : null,
      },
      failures,
      latency: summarize(mergeLatency(own.map((s) => s.latency))),
    });
  }
  return out;
}
