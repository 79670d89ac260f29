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

import type { ForwardingRule } from '../topology/types.js';
import { normalizeHost } from './host.js';
import type { MatchKind } from './outcomes.js';
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

/** Distinct raw Host values remembered per listener before the memo is reset. */
const HOST_MEMO_LIMIT = 4096;

export class RuleMatcher {
  readonly exact = new ExactDomainTable<DomainBlock>();
  readonly wildcard = new WildcardDomainTable<DomainBlock>();
  readonly urlOnly = new UrlPrefixTable();
  /**
   * Raw Host header → its domain block (null: none). Normalising and matching a host costs a walk
   * over its characters; a listener sees few distinct hosts, so one hash lookup replaces it — as
   * nginx's server-name hash does. Bounded: reset when it holds HOST_MEMO_LIMIT hosts.
   */
  private readonly hostMemo = new Map<string, DomainBlock | null>();

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

  /** Index of the matching rule for a raw Host header (any case, with port) and a path, or -1. */
  matchRaw(rawHost: string, path: string): number {
    let block = this.hostMemo.get(rawHost);
    if (block === undefined) {
      if (this.hostMemo.size >= HOST_MEMO_LIMIT) this.hostMemo.clear();
      const host = normalizeHost(rawHost);
      block = this.exact.match(host) ?? this.wildcard.match(host) ?? null;
      this.hostMemo.set(rawHost, block);
    }
    return this.matchInBlock(block ?? undefined, path);
  }

  /** Index of the matching rule for a normalised host and a path (query allowed), or -1. */
  match(host: string, path: string): number {
    return this.matchInBlock(this.exact.match(host) ?? this.wildcard.match(host), path);
  }

  private matchInBlock(block: DomainBlock | undefined, path: string): number {
    // The tables stop at the query's `?` themselves.
    const end = path.length;
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
