/**
 * Which forwarding rules of a listener the traffic reaches. CLB's own constraints (unique
 * (Domain, Url) per listener, no `/` alone as a URL, wildcards never matching their bare
 * suffix) mean no rule is shadowed for every possible request; what matters is the traffic the
 * scenario sends. So, over the request templates (host, path) sent to the listener:
 *
 * - `reached`: at least one template is routed by this rule;
 * - `shadowed`: some templates satisfy the rule's own condition (its domain matches the host and
 *   its URL prefixes the path), but every one of them is taken by another rule — a more specific
 *   domain or a longer URL prefix (`shadowedBy` names them), or, with `domain-first`, the host's
 *   domain block that has no rule for the path (the listener's fallback takes it);
 * - `unreachable`: no template satisfies its condition at all.
 *
 * Matching is the routing layer's own `RuleMatcher`, once with all the rules (the winner) and
 * once with the rule alone (its condition), so precedence is exactly what requests see.
 */
import { RuleMatcher, type RuleMatching } from '../routing/rule-matcher.js';
import type { ForwardingRule } from '../topology/types.js';

export type RuleStatus = 'reached' | 'shadowed' | 'unreachable';

/** What takes a request that matches no rule: the listener's VServer group or the default pool. */
export const LISTENER_FALLBACK = 'the listener fallback';

export interface RuleReach {
  readonly RuleId: string;
  readonly RuleName: string;
  readonly Domain: string | null;
  readonly Url: string | null;
  readonly VServerGroupId: string;
  readonly status: RuleStatus;
  /** For `shadowed`: the rules (or the listener fallback) that take its requests, in rule order. */
  readonly shadowedBy: readonly string[];
}

export interface TemplateRequest {
  readonly host: string;
  readonly path: string;
}

/** The status of every rule of one listener against the templates sent to it. */
export function ruleReachability(
  rules: readonly ForwardingRule[],
  requests: readonly TemplateRequest[],
  policy: RuleMatching,
): RuleReach[] {
  const all = new RuleMatcher(rules, policy);
  const winners = requests.map((r) => all.matchRaw(r.host, r.path));
  return rules.map((rule, j) => {
    const alone = new RuleMatcher([rule], policy);
    let reached = false;
    let own = false;
    const by = new Set<number>();
    requests.forEach((r, k) => {
      if (winners[k] === j) reached = true;
      else if (alone.matchRaw(r.host, r.path) === 0) {
        own = true;
        by.add(winners[k]);
      }
    });
    const status: RuleStatus = reached ? 'reached' : own ? 'shadowed' : 'unreachable';
    return {
      RuleId: rule.RuleId,
      RuleName: rule.RuleName,
      Domain: rule.Domain ?? null,
      Url: rule.Url ?? null,
      VServerGroupId: rule.VServerGroupId,
      status,
      shadowedBy:
        status === 'shadowed'
          ? [...by]
              .sort((a, b) => (a < 0 ? 1 : b < 0 ? -1 : a - b))
              .map((w) => (w < 0 ? LISTENER_FALLBACK : rules[w].RuleName))
          : [],
    };
  });
}
