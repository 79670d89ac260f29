/**
 * The plan: what `slbsim plan` prints — the scenario's traffic replayed twice with one seed, as it
 * is and with a change applied, compared request by request. One plain JSON-ready object with a
 * fixed key order and the report's rounding (6 decimals for shares and fractions), so one seed
 * always gives the same bytes. docs/PLAN.md documents every field; this file is its type.
 * Counts are over the requests that arrived from the change's first instant on (`fromUs`).
 */

import type { ExpectationsReport, OutcomeCounts } from '../report/report-model.js';
import type { RouteSource } from '../routing/outcomes.js';
import type { RuleStatus } from './rule-reachability.js';

export const PLAN_SCHEMA = 'slbsim-plan/1';

export interface BeforeAfter<T> {
  readonly before: T;
  readonly after: T;
}

export interface PlanReport {
  readonly schema: typeof PLAN_SCHEMA;
  readonly slbsimVersion: string;
  readonly scenario: { readonly name: string; readonly file: string };
  readonly change: PlanChange;
  readonly seed: string;
  readonly rng: string;
  /** Options that change results, keys sorted (as the report records them). */
  readonly options: Readonly<Record<string, unknown>>;
  /** The change's first instant: requests from here on are compared. */
  readonly fromUs: number;
  /** The change's last instant: members, eligibility and rules are read as they stand then. */
  readonly settledUs: number;
  /** The last event of either run (a change after the traffic still counts). */
  readonly endUs: number;
  /** Arrival of the last request (−1 when there was none). */
  readonly lastRequestUs: number;
  /** Requests of the whole run (the same on both sides). */
  readonly requests: number;
  /** Requests that arrived at or after `fromUs`. */
  readonly compared: number;
  /** Compared requests whose scope or backend differs after the change; `fraction` of `compared`. */
  readonly moved: { readonly count: number; readonly fraction: number };
  /** The `--max-moved` gate, null when not given. */
  readonly maxMoved: number | null;
  readonly outcomes: BeforeAfter<OutcomeCounts>;
  readonly groups: readonly PlanGroup[];
  readonly listeners: readonly PlanListener[];
  /** Scopes in use that the change leaves with no eligible backend (`groups[].scope` labels). */
  readonly emptiedGroups: readonly string[];
  /** The scenario's `expect:` checked on each run (exit 1 when the after-run fails one). */
  readonly expectations: BeforeAfter<ExpectationsReport | null>;
  readonly passed: boolean;
  /** Why `passed` is false, one line each. */
  readonly failures: readonly string[];
}

export interface PlanChange {
  readonly file: string;
  readonly name: string | null;
  readonly description: string | null;
  readonly events: readonly { readonly at: number; readonly action: string; readonly pos: string }[];
}

/** One scope (a server group as one listener or rule schedules it) on either side. */
export interface PlanGroup {
  /** `<listener> rule <RuleName>` or `<listener> <source>`, as in the report. */
  readonly scope: string;
  readonly listener: string;
  readonly source: RouteSource;
  readonly VServerGroupId: string | null;
  readonly MasterSlaveServerGroupId: string | null;
  readonly defaultPool: boolean;
  readonly groupName: string;
  readonly RuleId: string | null;
  readonly RuleName: string | null;
  /** null on the side that never had the scope. */
  readonly scheduler: BeforeAfter<string | null>;
  readonly stickySession: BeforeAfter<string | null>;
  readonly requests: BeforeAfter<number>;
  readonly served: BeforeAfter<number>;
  readonly noEligibleBackend: BeforeAfter<number>;
  /** Moving requests the scope had before (`out`) and has after (`in`); `fraction` = out / requests.before. */
  readonly moved: { readonly out: number; readonly in: number; readonly fraction: number | null };
  /**
   * The least fraction of the scope's traffic that has to move for its shares to change as they
   * do: ½ Σ |share.after − share.before| over its backends; null when one side served nothing.
   * Schedulers without affinity (wrr, rr, wlc) move more (`moved`): their sequence shifts.
   */
  readonly shareShift: number | null;
  /** Eligible members at `settledUs`; null when no listener used the scope then. */
  readonly eligibleMembers: BeforeAfter<number | null>;
  readonly backends: readonly PlanBackend[];
  /** Scopes with affinity (consistent hashing, stickiness) only. */
  readonly clients: PlanClients | null;
}

export interface PlanBackend {
  readonly ServerId: string;
  readonly Port: number;
  /** Served requests. */
  readonly count: BeforeAfter<number>;
  /** count / served of the scope; null when the scope served nothing on that side. */
  readonly share: BeforeAfter<number | null>;
  readonly moved: { readonly out: number; readonly in: number };
}

export interface PlanClients {
  /** What a client is: `source-ip`, `ip:port`, or both when the scope's scheduling changed. */
  readonly key: string;
  /** Distinct clients that reached the scope on both sides. */
  readonly seen: number;
  /** Of those, clients with at least one request sent to another backend after the change. */
  readonly remapped: number;
  readonly fraction: number | null;
  /**
   * The least fraction of keys that must move: the total variation distance between the members'
   * weight shares before and after (1/n for one of n equal members removed); null when either side
   * has no eligible member.
   */
  readonly ideal: number | null;
}

export interface PlanListener {
  readonly listener: string;
  readonly layer: 4 | 7;
  /** Compared requests sent to the listener. */
  readonly requests: number;
  /** Requests whose rule, group or refusal changes. */
  readonly routeChanged: { readonly count: number; readonly fraction: number | null };
  readonly changes: readonly PlanRouteChange[];
  /** Layer 7: every rule of either side, with its reachability by the traffic. */
  readonly rules: readonly PlanRule[];
}

export interface PlanRouteChange {
  readonly host: string;
  /** The longest rule URL (of either side) prefixing the path, else `/`. */
  readonly pathPrefix: string;
  readonly from: string;
  readonly to: string;
  readonly count: number;
}

export interface PlanRule {
  readonly RuleId: string;
  readonly RuleName: string;
  readonly Domain: string | null;
  readonly Url: string | null;
  readonly before: RuleStatus | 'absent';
  readonly after: RuleStatus | 'absent';
  /** When `after` is `shadowed`: the rules (or the listener fallback) that take its requests. */
  readonly shadowedBy: readonly string[];
}
