/**
 * The plan report from what the two runs left behind: the request-by-request counts
 * (`TrafficDiff`), each run's identities and settled members (`RunTap`), each run's report (for
 * its expectations and options), and the topology of both sides when the change is complete (for
 * the scopes in use and the reachability of rules). Every list is in a fixed order — journal
 * order for scopes, backends and listeners, counts then names for route changes — so one seed
 * always gives the same bytes.
 */

import type { OutcomeCounts, Report } from '../report/report-model.js';
import { OUTCOMES_LISTED_WHEN_SEEN } from '../report/report-model.js';
import { round6 } from '../report/round.js';
import { OUTCOME_NAMES, OUTCOME_NO_LISTENER } from '../routing/outcomes.js';
import { type CompileOptions, compileTopology, type ListenerSpec } from '../routing/route-compiler.js';
import type { RuleMatching } from '../routing/rule-matcher.js';
import type { ForwardingRule, TopologyState } from '../topology/types.js';
import type { Change } from './change-file.js';
import {
  AFFINITY_IP,
  AFFINITY_TUPLE,
  AFTER,
  BEFORE,
  byJournalOrder,
  type PlanKeys,
  type ScopeEntry,
  scopeIdentity,
} from './plan-keys.js';
import {
  PLAN_SCHEMA,
  type PlanBackend,
  type PlanClients,
  type PlanGroup,
  type PlanListener,
  type PlanReport,
  type PlanRouteChange,
  type PlanRule,
} from './plan-model.js';
import { ruleReachability, type TemplateRequest } from './rule-reachability.js';
import type { RunTap, SettledMember } from './run-tap.js';
import type { TrafficDiff } from './traffic-diff.js';

export interface PlanInputs {
  readonly keys: PlanKeys;
  readonly diff: TrafficDiff;
  readonly taps: readonly [RunTap, RunTap];
  readonly reports: readonly [Report, Report];
  /** The topology of each side at `settledUs`. */
  readonly states: readonly [TopologyState, TopologyState];
  readonly change: Change;
  readonly fromUs: number;
  readonly settledUs: number;
  readonly compile: CompileOptions;
  readonly maxMoved: number | null;
}

const fraction = (n: number, d: number): number | null => (d > 0 ? round6(n / d) : null);

export function buildPlan(p: PlanInputs): PlanReport {
  const { keys, diff, reports } = p;
  const after = reports[AFTER];
  const inUse = [
    scopesInUse(p.states[BEFORE], p.compile, keys),
    scopesInUse(p.states[AFTER], p.compile, keys),
  ];
  const eligible = (scope: number, side: 0 | 1): number | null =>
    inUse[side].has(scope) ? (p.taps[side].settled.get(scope) ?? []).filter((m) => m.eligible).length : null;

  const groups: PlanGroup[] = [];
  const emptied: string[] = [];
  const cells = diff.cellCounts();
  for (const s of [...keys.scopes].sort(byJournalOrder)) {
    const c = diff.scopeCounts(s.index);
    const el = { before: eligible(s.index, BEFORE), after: eligible(s.index, AFTER) };
    const isEmptied = el.after === 0 && (el.before === null || el.before > 0);
    if (c.requests[BEFORE] + c.requests[AFTER] === 0 && !isEmptied) continue;
    const label = scopeLabel(s);
    if (isEmptied) emptied.push(label);
    const def = s.defs[AFTER] ?? s.defs[BEFORE]!;
    const backends: PlanBackend[] = cells
      .filter((x) => x.scope === s.index)
      .sort((x, y) => byJournalOrder(keys.backends[x.backend], keys.backends[y.backend]))
      .map((x) => {
        const [ServerId, port] = splitBackend(keys.backends[x.backend].key);
        return {
          ServerId,
          Port: port,
          count: { before: x.served[BEFORE], after: x.served[AFTER] },
          share: {
            before: fraction(x.served[BEFORE], c.served[BEFORE]),
            after: fraction(x.served[AFTER], c.served[AFTER]),
          },
          moved: { out: x.movedOut, in: x.movedIn },
        };
      });
    groups.push({
      scope: label,
      listener: s.listener,
      source: s.source,
      VServerGroupId: s.source === 'master-slave' ? null : s.groupId,
      MasterSlaveServerGroupId: s.source === 'master-slave' ? s.groupId : null,
      defaultPool: s.source === 'default-pool',
      groupName: def.groupName,
      RuleId: def.rule?.RuleId ?? null,
      RuleName: def.rule?.RuleName ?? null,
      scheduler: { before: s.defs[BEFORE]?.scheduler ?? null, after: s.defs[AFTER]?.scheduler ?? null },
      stickySession: { before: s.defs[BEFORE]?.sticky ?? null, after: s.defs[AFTER]?.sticky ?? null },
      requests: { before: c.requests[BEFORE], after: c.requests[AFTER] },
      served: { before: c.served[BEFORE], after: c.served[AFTER] },
      noEligibleBackend: { before: c.noEligibleBackend[BEFORE], after: c.noEligibleBackend[AFTER] },
      moved: { out: c.movedOut, in: c.movedIn, fraction: fraction(c.movedOut, c.requests[BEFORE]) },
      shareShift: shareShift(backends, c.served),
      eligibleMembers: el,
      backends,
      clients: clientsOf(p, s.index),
    });
  }

  const listeners = listenersOf(p);
  const compared = diff.compared;
  const movedFraction = compared > 0 ? round6(diff.moved / compared) : 0;
  const failures: string[] = [];
  const e = after.expectations;
  if (e !== null && e.failed > 0)
    failures.push(`${e.failed} of ${e.passed + e.failed} expectation check(s) fail after the change`);
  if (p.maxMoved !== null && movedFraction > p.maxMoved)
    failures.push(
      `${diff.moved} of ${compared} requests move (${movedFraction}), more than --max-moved ${p.maxMoved}`,
    );
  return {
    schema: PLAN_SCHEMA,
    slbsimVersion: after.slbsimVersion,
    scenario: after.scenario,
    change: {
      file: p.change.file,
      name: p.change.name,
      description: p.change.description,
      events: p.change.events.map((ev) => ({
        at: ev.at,
        action: ev.action,
        pos: `${ev.pos.file}:${ev.pos.line}:${ev.pos.col}`,
      })),
    },
    seed: after.seed,
    rng: after.rng,
    options: after.options,
    fromUs: p.fromUs,
    settledUs: p.settledUs,
    endUs: Math.max(reports[BEFORE].endUs, after.endUs),
    lastRequestUs: diff.lastUs,
    requests: after.requests,
    compared,
    moved: { count: diff.moved, fraction: movedFraction },
    maxMoved: p.maxMoved,
    outcomes: { before: outcomeCounts(diff.outcomes[BEFORE]), after: outcomeCounts(diff.outcomes[AFTER]) },
    groups,
    listeners,
    emptiedGroups: emptied,
    expectations: { before: reports[BEFORE].expectations, after: e },
    passed: failures.length === 0,
    failures,
  };
}

/** The report's label: `<listener> rule <RuleName>` or `<listener> <source>`. */
function scopeLabel(s: ScopeEntry): string {
  const def = s.defs[AFTER] ?? s.defs[BEFORE];
  return def?.rule ? `${s.listener} rule ${def.rule.RuleName}` : `${s.listener} ${s.source}`;
}

/** A route as people read it: where a request went (a scope or a refusal). */
function routeLabel(keys: PlanKeys, route: number, side: 0 | 1): string {
  if (route < 0) return -1 - route === OUTCOME_NO_LISTENER ? 'no such listener' : 'listener stopped';
  const s = keys.scopes[route];
  const def = s.defs[side] ?? s.defs[AFTER] ?? s.defs[BEFORE]!;
  switch (s.source) {
    case 'rule':
      return `rule ${def.rule?.RuleName ?? s.rule?.RuleName} → ${s.groupId}`;
    case 'listener-vserver-group':
      return `listener group ${s.groupId}`;
    case 'master-slave':
      return `primary/secondary ${s.groupId}`;
    case 'default-pool':
      return def.groupName;
  }
}

function shareShift(backends: readonly PlanBackend[], served: readonly [number, number]): number | null {
  if (served[BEFORE] === 0 || served[AFTER] === 0) return null;
  let sum = 0;
  for (const b of backends) sum += Math.abs(b.count.after / served[AFTER] - b.count.before / served[BEFORE]);
  return round6(sum / 2);
}

function splitBackend(key: string): [string, number] {
  const i = key.lastIndexOf(':');
  return [key.slice(0, i), Number(key.slice(i + 1))];
}

/** Outcome counts as the report lists them: later outcomes (`bad-request`) only when seen. */
function outcomeCounts(a: Float64Array): OutcomeCounts {
  return Object.fromEntries(
    OUTCOME_NAMES.map((n, i) => [n, a[i]] as const).filter(
      ([n, v]) => v !== 0 || !OUTCOMES_LISTED_WHEN_SEEN.has(n),
    ),
  ) as unknown as OutcomeCounts;
}

/** The scopes a request can land in, per running listener: its rules, then its group or default pool. */
function scopesInUse(state: TopologyState, compile: CompileOptions, keys: PlanKeys): Set<number> {
  const compiled = compileTopology(state, compile);
  const used = new Set<number>();
  const add = (l: ListenerSpec, key: string | null): void => {
    if (key === null) return;
    const spec = compiled.scopes.get(key);
    if (spec === undefined) return;
    const g = keys.findScope(scopeIdentity(l.key, spec));
    if (g >= 0) used.add(g);
  };
  for (const l of compiled.listeners.values()) {
    if (!l.running) continue;
    for (const k of l.ruleScopes) add(l, k);
    add(l, l.masterSlaveScope ?? l.groupScope ?? l.defaultScope);
  }
  return used;
}

/** Share of the eligible weight per backend. */
function weightShares(members: readonly SettledMember[] | undefined): Map<number, number> | null {
  if (members === undefined) return null;
  let total = 0;
  for (const m of members) if (m.eligible) total += m.Weight;
  if (total === 0) return null;
  const out = new Map<number, number>();
  for (const m of members) if (m.eligible) out.set(m.backend, (out.get(m.backend) ?? 0) + m.Weight / total);
  return out;
}

function clientsOf(p: PlanInputs, scope: number): PlanClients | null {
  const c = p.diff.clientCounts(scope);
  if (c === null) return null;
  const key = [c.keys & AFFINITY_IP ? 'source-ip' : '', c.keys & AFFINITY_TUPLE ? 'ip:port' : '']
    .filter(Boolean)
    .join(', ');
  const before = weightShares(p.taps[BEFORE].settled.get(scope));
  const after = weightShares(p.taps[AFTER].settled.get(scope));
  let ideal: number | null = null;
  if (before !== null && after !== null) {
    let sum = 0;
    for (const [b, w] of before) sum += Math.abs(w - (after.get(b) ?? 0));
    for (const [b, w] of after) if (!before.has(b)) sum += w;
    ideal = round6(sum / 2);
  }
  return { key, seen: c.seen, remapped: c.remapped, fraction: fraction(c.remapped, c.seen), ideal };
}

interface ListenerRules {
  readonly layer: 4 | 7;
  readonly rules: readonly ForwardingRule[];
}

function listenerRules(state: TopologyState): Map<string, ListenerRules> {
  const out = new Map<string, ListenerRules>();
  for (const lb of state.LoadBalancers)
    for (const l of lb.Listeners) {
      const layer = l.ListenerProtocol === 'http' || l.ListenerProtocol === 'https' ? 7 : 4;
      out.set(`${lb.LoadBalancerId}:${l.ListenerProtocol}:${l.ListenerPort}`, { layer, rules: l.Rules });
    }
  return out;
}

/** The path without its query. */
function pathOnly(path: string): string {
  const q = path.indexOf('?');
  return q < 0 ? path : path.slice(0, q);
}

function listenersOf(p: PlanInputs): PlanListener[] {
  const { keys, diff } = p;
  const templates = p.taps[AFTER].dict.templates;
  const sides = [listenerRules(p.states[BEFORE]), listenerRules(p.states[AFTER])];
  const requestsOf = new Map<number, TemplateRequest[]>();
  for (let t = 0; t < diff.templates; t++) {
    const l = diff.listenerOfTemplate(t);
    const def = templates[t];
    if (l < 0 || def === undefined) continue;
    let list = requestsOf.get(l);
    if (list === undefined) requestsOf.set(l, (list = []));
    list.push({ host: def.host, path: def.path });
  }
  const changesOf = new Map<number, RouteChangeAcc>();
  for (const rc of diff.routeChanges()) {
    const l = diff.listenerOfTemplate(rc.template);
    let acc = changesOf.get(l);
    if (acc === undefined) changesOf.set(l, (acc = new Map()));
    const def = templates[rc.template];
    const key = JSON.stringify([def?.host ?? '', pathOnly(def?.path ?? '/'), rc.from, rc.to]);
    acc.set(key, (acc.get(key) ?? 0) + rc.count);
  }
  const policy: RuleMatching = p.compile.ruleMatching;
  const out: PlanListener[] = [];
  for (const entry of [...keys.listeners].sort(byJournalOrder)) {
    const key = entry.key;
    const counts = diff.listenerCounts(entry.index);
    const b = sides[BEFORE].get(key);
    const a = sides[AFTER].get(key);
    const layer = a?.layer ?? b?.layer ?? (/:(tcp|udp):/.test(key) ? 4 : 7);
    const requests = requestsOf.get(entry.index) ?? [];
    const rules = layer === 7 ? planRules(b?.rules ?? null, a?.rules ?? null, requests, policy) : [];
    if (counts.requests === 0 && rules.length === 0) continue;
    const urls = [...(b?.rules ?? []), ...(a?.rules ?? [])].map((r) => r.Url).filter((u) => u !== undefined);
    const merged = new Map<string, PlanRouteChange>();
    for (const [k, count] of changesOf.get(entry.index) ?? []) {
      const [host, path, from, to] = JSON.parse(k) as [string, string, number, number];
      const prefix = urls.filter((u) => path.startsWith(u)).sort((x, y) => y.length - x.length)[0] ?? '/';
      const row = {
        host,
        pathPrefix: prefix,
        from: routeLabel(keys, from, BEFORE),
        to: routeLabel(keys, to, AFTER),
      };
      const mk = JSON.stringify(row);
      merged.set(mk, { ...row, count: (merged.get(mk)?.count ?? 0) + count });
    }
    const changes = [...merged.values()].sort(
      (x, y) =>
        y.count - x.count ||
        cmp(x.host, y.host) ||
        cmp(x.pathPrefix, y.pathPrefix) ||
        cmp(x.from, y.from) ||
        cmp(x.to, y.to),
    );
    out.push({
      listener: key,
      layer,
      requests: counts.requests,
      routeChanged: { count: counts.routeChanged, fraction: fraction(counts.routeChanged, counts.requests) },
      changes,
      rules,
    });
  }
  return out;
}

type RouteChangeAcc = Map<string, number>;

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function planRules(
  before: readonly ForwardingRule[] | null,
  after: readonly ForwardingRule[] | null,
  requests: readonly TemplateRequest[],
  policy: RuleMatching,
): PlanRule[] {
  const rb = before === null ? [] : ruleReachability(before, requests, policy);
  const ra = after === null ? [] : ruleReachability(after, requests, policy);
  const ids = [...new Set([...rb.map((r) => r.RuleId), ...ra.map((r) => r.RuleId)])];
  return ids.map((id) => {
    const b = rb.find((r) => r.RuleId === id);
    const a = ra.find((r) => r.RuleId === id);
    const r = (a ?? b)!;
    return {
      RuleId: id,
      RuleName: r.RuleName,
      Domain: r.Domain,
      Url: r.Url,
      before: b?.status ?? 'absent',
      after: a?.status ?? 'absent',
      shadowedBy: a?.shadowedBy ?? [],
    };
  });
}
