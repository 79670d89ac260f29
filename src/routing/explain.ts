/**
 * Explain one routing decision, step by step: every rule considered and why it won or lost, the
 * group and where it came from, each backend's weight and eligibility, and the pick. Slow and
 * allocating on purpose — this is the `route` command, not the hot path; it reads the same
 * balancer the engine uses and asks it for the actual pick.
 */

import type { ForwardingRule } from '../topology/types.js';
import { type Balancer, RouteResult } from './balancer.js';
import { explainHost, normalizeHost } from './host.js';
import {
  type MatchKind,
  OUTCOME_BAD_REQUEST,
  OUTCOME_LISTENER_STOPPED,
  OUTCOME_NAMES,
  OUTCOME_NO_BACKEND,
  OUTCOME_NO_LISTENER,
  OUTCOME_OK,
  type OutcomeName,
  type RouteSource,
} from './outcomes.js';
import type { ScopeSpec } from './route-compiler.js';
import { matchKindOf, type RuleMatcher, type UrlMatching } from './rule-matcher.js';
import { explainUri, showBytes } from './uri-normalize.js';

export interface ExplainRequest {
  readonly listener: string;
  readonly host: string;
  readonly path: string;
  readonly clientIp: number;
  readonly clientPort: number;
  readonly cookies: Readonly<Record<string, string>>;
  readonly now: number;
}

export interface RuleVerdict {
  readonly RuleId: string;
  readonly RuleName: string;
  readonly Domain: string | null;
  readonly Url: string | null;
  readonly matchKind: MatchKind;
  readonly result: 'matched' | 'lost' | 'no-match';
  readonly reason: string;
}

export interface BackendVerdict {
  readonly ServerId: string;
  readonly Port: number;
  readonly Weight: number;
  readonly healthy: boolean;
  readonly alive: boolean;
  readonly eligible: boolean;
  readonly reason: string;
}

export interface Decision {
  readonly listener: string;
  /** The Host and the path as the request carries them. */
  readonly host: string;
  /** The host domain rules see; null when nginx rejects it (400). */
  readonly normalizedHost: string | null;
  readonly path: string;
  /** How rules compare (layer 7): as Tengine normalises targets and hosts, or the raw bytes. */
  readonly urlMatching: UrlMatching;
  /**
   * The path URL rules see (query excluded; controls, space and bytes ≥ 0x80 shown as %XX); null
   * when nginx rejects the target (400).
   */
  readonly normalizedPath: string | null;
  /** How the target and Host became what the rules see, step by step (empty when nothing changed). */
  readonly normalization: readonly string[];
  readonly listenerStatus: 'running' | 'stopped' | 'absent';
  readonly rule: { RuleId: string; RuleName: string; matchKind: MatchKind } | null;
  readonly rulesConsidered: readonly RuleVerdict[];
  readonly source: RouteSource | null;
  readonly VServerGroupId: string | null;
  readonly MasterSlaveServerGroupId: string | null;
  readonly groupName: string | null;
  readonly scheduler: string | null;
  readonly sticky: string | null;
  readonly backends: readonly BackendVerdict[];
  readonly backend: { ServerId: string; Port: number } | null;
  readonly pick: { how: string; node: number; worker: number } | null;
  readonly status: OutcomeName;
  readonly httpStatus: number | null;
  readonly steps: readonly string[];
}

export interface Liveness {
  isAlive(backend: number): boolean;
}

export function explain(balancer: Balancer, liveness: Liveness, req: ExplainRequest): Decision {
  const steps: string[] = [];
  const listenerIndex = balancer.listenerOf(req.listener);
  const l = balancer.listeners[listenerIndex];
  const matcher = l.spec.layer === 7 ? l.spec.matcher : null;
  const seen = matcher ? normalization(matcher, req.host, req.path) : null;
  const host = seen ? seen.host : normalizeHost(req.host);
  const base = {
    listener: req.listener,
    host: req.host,
    normalizedHost: host,
    path: req.path,
    urlMatching: matcher?.urlMatching ?? 'normalized',
    normalizedPath: seen ? seen.path : null,
    normalization: seen ? seen.steps : [],
  };
  const out = new RouteResult();
  balancer.resolve(listenerIndex, req.host, req.path, out);
  if (out.outcome === OUTCOME_NO_LISTENER || out.outcome === OUTCOME_LISTENER_STOPPED)
    return { ...base, ...refused(req.listener, out.outcome, steps) };
  steps.push(`listener ${req.listener} (${l.spec.protocol}, layer ${l.spec.layer}) is running`);
  if (seen && out.outcome === OUTCOME_BAD_REQUEST) return { ...base, ...badRequest(seen, steps) };
  if (seen && seen.steps.length > 0)
    steps.push(
      `normalised as Tengine does (${seen.steps.length} step${seen.steps.length === 1 ? '' : 's'}), the rules see host ${seen.host || '(none)'} and path ${seen.path}`,
    );
  else if (seen?.rawNote) steps.push(seen.rawNote);

  const rulesConsidered =
    matcher !== null ? explainRules(balancer, listenerIndex, host ?? '', req.path, steps) : [];
  const scope = balancer.scopes[out.scope];
  const spec = scope.spec;
  steps.push(
    sourceStep(
      spec,
      l.spec.layer,
      rulesConsidered.find((r) => r.result === 'matched'),
    ),
  );
  const backends = backendVerdicts(balancer, out.scope, liveness);
  const cookie = scope.cookieName === null ? undefined : req.cookies[scope.cookieName];
  balancer.pick(out, req.clientIp, req.clientPort, cookie, req.now);
  const how = pickSteps(out, spec, { layer: l.spec.layer, backends, liveness }, steps);
  const ms = spec.source === 'master-slave';
  return {
    ...base,
    listenerStatus: 'running',
    rule: spec.rule,
    rulesConsidered,
    source: spec.source,
    VServerGroupId: ms ? null : spec.groupId,
    MasterSlaveServerGroupId: ms ? spec.groupId : null,
    groupName: spec.groupName,
    scheduler: ms ? 'primary-secondary' : spec.scheduler,
    sticky: spec.sticky,
    backends,
    backend:
      out.member >= 0 ? { ServerId: backends[out.member].ServerId, Port: backends[out.member].Port } : null,
    pick: how === null ? null : { how, node: out.node, worker: out.worker },
    status: OUTCOME_NAMES[out.outcome],
    httpStatus: l.spec.layer === 7 ? (out.outcome === OUTCOME_OK ? 200 : 503) : null,
    steps,
  };
}

/** What every decision carries before the listener has a say: the request and how rules see it. */
type DecisionBase =
  | 'listener'
  | 'host'
  | 'normalizedHost'
  | 'path'
  | 'urlMatching'
  | 'normalizedPath'
  | 'normalization';

/** The decision for a request nginx rejects before routing (400). */
function badRequest(seen: Seen, steps: string[]): Omit<Decision, DecisionBase> {
  steps.push(`${seen.error}: Tengine answers 400 before any routing (URL matching normalized)`);
  return {
    listenerStatus: 'running',
    rule: null,
    rulesConsidered: [],
    source: null,
    VServerGroupId: null,
    MasterSlaveServerGroupId: null,
    groupName: null,
    scheduler: null,
    sticky: null,
    backends: [],
    backend: null,
    pick: null,
    status: OUTCOME_NAMES[OUTCOME_BAD_REQUEST],
    httpStatus: 400,
    steps,
  };
}

/** The decision for a request the listener refuses (absent or stopped). */
function refused(listener: string, outcome: number, steps: string[]): Omit<Decision, DecisionBase> {
  const absent = outcome === OUTCOME_NO_LISTENER;
  steps.push(
    absent
      ? `no listener ${listener}: the connection is refused`
      : `listener ${listener} is stopped: the connection is refused`,
  );
  return {
    listenerStatus: absent ? 'absent' : 'stopped',
    rule: null,
    rulesConsidered: [],
    source: null,
    VServerGroupId: null,
    MasterSlaveServerGroupId: null,
    groupName: null,
    scheduler: null,
    sticky: null,
    backends: [],
    backend: null,
    pick: null,
    status: OUTCOME_NAMES[outcome],
    httpStatus: null,
    steps,
  };
}

/** Where the scope came from, in words. */
function sourceStep(spec: ScopeSpec, layer: 4 | 7, winner: RuleVerdict | undefined): string {
  if (spec.source === 'listener-vserver-group')
    return layer === 7
      ? `no rule matched: the listener's VServer group ${spec.groupId} serves it`
      : `the listener's VServer group ${spec.groupId} serves it`;
  if (spec.source === 'default-pool')
    return layer === 7
      ? `no rule matched and the listener's VServer group is off: the default server group serves it on port ${spec.members[0]?.Port ?? '(no BackendServerPort)'}`
      : `no primary/secondary or VServer group: the default server group serves it`;
  if (spec.source === 'master-slave')
    return `the listener's primary/secondary group ${spec.groupId} serves it`;
  return `rule ${winner?.RuleName} sends it to VServer group ${spec.groupId}`;
}

/** Each member's weight, verdict, liveness and whether it takes the request, with the reason. */
function backendVerdicts(balancer: Balancer, scopeIndex: number, liveness: Liveness): BackendVerdict[] {
  const scope = balancer.scopes[scopeIndex];
  const spec = scope.spec;
  return spec.members.map((m, i) => {
    const alive = liveness.isAlive(scope.backends[i]);
    const healthy = balancer.table.verdict(scopeIndex, i);
    const eligible = scope.eligible[i] === 1;
    let reason: string;
    if (m.Weight === 0) reason = 'weight 0: no new requests';
    else if (!eligible) reason = 'unhealthy: its health check failed';
    else if (!alive && spec.health.on) reason = 'eligible, but dead and not yet detected by the health check';
    else if (!alive) reason = 'eligible (health check off), but dead: requests to it fail';
    else reason = spec.source === 'master-slave' ? (i === 0 ? 'primary' : 'secondary') : 'eligible';
    return { ServerId: m.ServerId, Port: m.Port, Weight: m.Weight, healthy, alive, eligible, reason };
  });
}

/** The pick in words (and what a dead pick would mean); returns how it was picked, null when none was. */
function pickSteps(
  out: RouteResult,
  spec: ScopeSpec,
  ctx: { readonly layer: 4 | 7; readonly backends: readonly BackendVerdict[]; readonly liveness: Liveness },
  steps: string[],
): string | null {
  if (out.outcome === OUTCOME_NO_BACKEND) {
    steps.push(
      ctx.layer === 7
        ? 'no eligible backend: CLB answers 503 with no upstream'
        : 'no eligible backend: no connection is established',
    );
    return null;
  }
  if (out.outcome !== OUTCOME_OK) return null;
  let how: string;
  if (spec.source === 'master-slave') how = out.member === 0 ? 'primary' : 'secondary (primary unhealthy)';
  else if (out.sticky)
    how = spec.sticky === 'source-ip' ? 'source-IP persistence' : `cookie ${spec.cookieName}`;
  else how = `${spec.scheduler} scheduler`;
  const b = ctx.backends[out.member];
  steps.push(
    `picked ${b.ServerId}:${b.Port} by ${how}` +
      (out.issueCookie ? `; the response sets ${spec.cookieName}=${out.issueCookie}` : ''),
  );
  if (!ctx.liveness.isAlive(out.backend))
    steps.push(
      ctx.layer === 7
        ? 'that backend is dead: Tengine would retry the next backend'
        : 'that backend is dead: the connection fails',
    );
  return how;
}

function explainRules(
  balancer: Balancer,
  listenerIndex: number,
  host: string,
  path: string,
  steps: string[],
): RuleVerdict[] {
  const matcher = balancer.listeners[listenerIndex].spec.matcher!;
  const rules = matcher.rules;
  const winnerIndex = matcher.match(host, path);
  const block = matcher.block(host);
  const subject = matcher.subject(path) ?? '';
  const normalized = matcher.urlMatching === 'normalized';
  const winner = winnerIndex >= 0 ? rules[winnerIndex] : undefined;
  if (block)
    steps.push(`host ${host} selects the ${block.wildcard ? 'wildcard' : 'exact'} domain ${block.domain}`);
  else steps.push(`host ${host} matches no domain rule`);
  const verdicts = rules.map((rule, i): RuleVerdict => {
    const v = (result: RuleVerdict['result'], reason: string): RuleVerdict => ({
      RuleId: rule.RuleId,
      RuleName: rule.RuleName,
      Domain: rule.Domain ?? null,
      Url: rule.Url ?? null,
      matchKind: matchKindOf(rule),
      result,
      reason,
    });
    if (i === winnerIndex) return v('matched', matchedReason(rule));
    const domainOk = rule.Domain === undefined || domainMatches(rule.Domain, host);
    const key = matcher.urlKeys[i];
    const urlOk = rule.Url === undefined || (key !== null && subject.startsWith(key));
    if (!domainOk) return v('no-match', `domain ${rule.Domain} does not match host ${host}`);
    if (!urlOk && key === null)
      return v('no-match', `URL ${rule.Url} has a malformed escape or %00: it matches no valid request`);
    if (!urlOk)
      return v(
        'no-match',
        normalized
          ? `URL ${rule.Url}${key !== rule.Url ? ` (decoded ${JSON.stringify(showBytes(key!))})` : ''} is not a prefix of the normalised path ${showBytes(subject)} (case-sensitive)`
          : `URL ${rule.Url} is not a prefix of the path ${subject} (query excluded, case-sensitive)`,
      );
    // It matches on its own but lost.
    if (rule.Domain !== undefined && block && block.domain !== rule.Domain.toLowerCase()) {
      return v(
        'lost',
        block.wildcard
          ? `wildcard ${block.domain} is more specific than ${rule.Domain}`
          : `exact domain ${block.domain} beats wildcard ${rule.Domain}`,
      );
    }
    if (rule.Domain === undefined && block && winner?.Domain !== undefined) {
      return v(
        'lost',
        matcher.policy === 'domain-first'
          ? `URL-only rules apply only to hosts that match no domain rule (rule matching: domain-first)`
          : `the domain's rule ${winner.RuleName} has a longer or equal prefix`,
      );
    }
    if (rule.Url === undefined) return v('lost', `a URL rule of the domain matched (${winner?.Url})`);
    if (winner?.Url !== undefined)
      return v('lost', `URL ${rule.Url} is shorter than ${winner.Url} (longest prefix wins)`);
    return v('lost', 'another rule won');
  });
  if (winner) steps.push(`rule ${winner.RuleName} (${winner.RuleId}) matches: ${matchedReason(winner)}`);
  else if (rules.length > 0) steps.push(`none of the ${rules.length} rules matches`);
  return verdicts;
}

interface Seen {
  /** The host and path the rules see (null: 400). */
  readonly host: string | null;
  readonly path: string | null;
  readonly steps: string[];
  /** URL matching raw: what Tengine would see instead, when it differs. */
  readonly rawNote?: string;
  /** Why nginx answers 400 (null when it does not). */
  readonly error: string | null;
}

/** What the matcher's URL matching turns the request's Host and target into, with the steps. */
function normalization(matcher: RuleMatcher, rawHost: string, path: string): Seen {
  if (matcher.urlMatching === 'raw') {
    const bare = matcher.subject(path)!;
    const host = matcher.hostKey(rawHost);
    const tengine = explainUri(path).normalized;
    const rawNote =
      tengine === bare
        ? undefined
        : `URL matching raw: rules compare the path ${bare} byte for byte (Tengine would ${tengine === null ? 'answer 400' : `see ${showBytes(tengine)}`})`;
    return { host, path: bare, steps: [], error: null, ...(rawNote ? { rawNote } : {}) };
  }
  const uri = explainUri(path);
  const steps = uri.steps.map((s) => `path: ${s}`);
  if (uri.error !== null)
    return {
      host: matcher.hostKey(rawHost),
      path: null,
      steps,
      error: `the path ${JSON.stringify(path)} is invalid: ${uri.error} (ngx_http_parse_complex_uri)`,
    };
  const h = rawHost === '' ? { host: '', step: null, error: null } : explainHost(rawHost);
  if (h.step !== null) steps.push(h.step);
  const shown = showBytes(uri.normalized!);
  return {
    host: h.host,
    path: shown,
    steps,
    error:
      h.error === null
        ? null
        : `the Host ${JSON.stringify(rawHost)} is invalid: ${h.error} (ngx_http_validate_host)`,
  };
}

function domainMatches(domain: string, host: string): boolean {
  const d = domain.toLowerCase();
  if (!d.startsWith('*.')) return d === host;
  const suffix = d.slice(1);
  return host.length > suffix.length && host.endsWith(suffix);
}

function matchedReason(rule: ForwardingRule): string {
  switch (matchKindOf(rule)) {
    case 'exact-domain':
      return `exact domain ${rule.Domain}, domain-only rule`;
    case 'wildcard-domain':
      return `wildcard domain ${rule.Domain}, domain-only rule`;
    case 'exact-domain+url':
      return `exact domain ${rule.Domain}, longest URL prefix ${rule.Url}`;
    case 'wildcard-domain+url':
      return `wildcard domain ${rule.Domain}, longest URL prefix ${rule.Url}`;
    case 'url':
      return `URL-only rule, longest prefix ${rule.Url}`;
  }
}
