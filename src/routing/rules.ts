/**
 * Forwarding-rule matching for one HTTP/HTTPS listener (clb-semantics.md §3, issue 3 §1):
 *
 * 1. The Host, normalised, picks a domain block: an exact domain beats any wildcard; among
 *    wildcards the longest suffix wins; `*.example.com` does not match `example.com`.
 * 2. Within the block, the rule with the longest URL prefix matching the path (query excluded);
 *    else the block's domain-only rule; else no rule (the listener's fallbacks apply).
 * 3. Hosts that matched no domain block use the URL-only rules, longest prefix first.
 *
 * CLB does not document whether URL-only rules also apply inside a matched domain. The default
 * `domain-first` is the nginx-like reading above; `url-also` lets a URL-only rule whose prefix is
 * longer than the block's best URL match win (ties to the domain's rule), and serve paths the
 * block has no URL rule for before falling back to the domain-only rule.
 *
 * The kinds of match are plug-in tables (strategies/): exact domains, wildcard domains, URL prefixes.
 */
import type { MatchKind } from '../engine/journal.js';
import type { ForwardingRule } from '../topology/types.js';
import { pathEnd } from './host.js';
import { ExactDomainTable } from './strategies/exact-domain.js';
import { UrlPrefixTable } from './strategies/url-prefix.js';
import { WildcardDomainTable } from './strategies/wildcard-domain.js';

export type RuleMatching = 'domain-first' | 'url-also';

/** The rules of one domain: its URL rules and its domain-only rule. */
export interface DomainBlock {
  readonly domain: string;
  readonly wildcard: boolean;
  readonly urls: UrlPrefixTable;
  /** Index of the domain-only rule, -1 when there is none. */
  domainOnly: number;
}

export function matchKindOf(rule: Pick<ForwardingRule, 'Domain' | 'Url'>): MatchKind {
  if (!rule.Domain) return 'url';
  const wildcard = rule.Domain.startsWith('*.');
  if (rule.Url) return wildcard ? 'wildcard-domain+url' : 'exact-domain+url';
  return wildcard ? 'wildcard-domain' : 'exact-domain';
}

export class RuleMatcher {
  readonly exact = new ExactDomainTable<DomainBlock>();
  readonly wildcard = new WildcardDomainTable<DomainBlock>();
  readonly urlOnly = new UrlPrefixTable();

  constructor(
    readonly rules: readonly ForwardingRule[],
    readonly policy: RuleMatching = 'domain-first',
  ) {
    rules.forEach((rule, index) => {
      if (!rule.Domain) {
        if (rule.Url) this.urlOnly.add(rule.Url, index);
        return;
      }
      const domain = rule.Domain.toLowerCase();
      const isWildcard = domain.startsWith('*.');
      const table = isWildcard ? this.wildcard : this.exact;
      let block = table.get(domain);
      if (!block) {
        block = { domain, wildcard: isWildcard, urls: new UrlPrefixTable(), domainOnly: -1 };
        table.set(domain, block);
      }
      if (rule.Url) block.urls.add(rule.Url, index);
      else if (block.domainOnly < 0) block.domainOnly = index;
    });
  }

  /** The domain block a normalised host selects, if any. */
  block(host: string): DomainBlock | undefined {
    return this.exact.match(host) ?? this.wildcard.match(host);
  }

  /** Index of the matching rule for a normalised host and a path (query allowed), or -1. */
  match(host: string, path: string): number {
    const end = pathEnd(path);
    const block = this.exact.match(host) ?? this.wildcard.match(host);
    if (block === undefined) return this.urlOnly.match(path, end);
    if (this.policy === 'url-also' && this.urlOnly.size > 0) {
      const own = block.urls.matchLength(path, end);
      const other = this.urlOnly.matchLength(path, end);
      if (other > own) return this.urlOnly.match(path, end);
    }
    const byUrl = block.urls.match(path, end);
    return byUrl >= 0 ? byUrl : block.domainOnly;
  }
}
