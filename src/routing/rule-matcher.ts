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
 * What is compared (`UrlMatching`, issue 10 §1; docs/MODEL.md "URL and Host normalisation"):
 * `normalized` (default) matches as Tengine does — the Host through `validateHost`, the target
 * through `normalizeUri` (percent-decoded, dot segments resolved, `//` merged, query and fragment
 * cut), rule URLs with their `%XX` escapes decoded — and a request nginx would reject is
 * MATCH_BAD_REQUEST (400, before any routing); `raw` compares the raw target byte-wise up to its
 * `?` and never rejects (the behaviour before issue 10).
 *
 * The kinds of match are plug-in tables (strategies/): exact domains, wildcard domains, URL prefixes.
 */

import type { ForwardingRule } from '../topology/types.js';
import { normalizeHost, pathEnd, validateHost } from './host.js';
import type { MatchKind } from './outcomes.js';
import { ExactDomainTable } from './strategies/exact-domain.js';
import { UrlPrefixTable } from './strategies/url-prefix.js';
import { WildcardDomainTable } from './strategies/wildcard-domain.js';
import { decodeRuleUrl, normalizeUri, normalUriEnd, URI_INVALID } from './uri-normalize.js';

export type RuleMatching = 'domain-first' | 'url-also';
/** How targets, hosts and rule URLs are compared: as Tengine normalises them, or raw bytes. */
export type UrlMatching = 'normalized' | 'raw';

/** Returned by `matchRaw` and `match` when nginx would answer 400 before any routing. */
export const MATCH_BAD_REQUEST = -2;

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

/** The memo's entry for a Host value nginx rejects. */
const INVALID_HOST: DomainBlock = {
  domain: '',
  wildcard: false,
  urls: new UrlPrefixTable(),
  domainOnly: -1,
};

export class RuleMatcher {
  readonly exact = new ExactDomainTable<DomainBlock>();
  readonly wildcard = new WildcardDomainTable<DomainBlock>();
  readonly urlOnly: UrlPrefixTable;
  /**
   * Per rule, the string its URL is matched as: the URL itself (raw), its decoded form
   * (normalized), null when it has no URL or can match no valid request (a malformed escape).
   */
  readonly urlKeys: readonly (string | null)[];
  /**
   * Raw Host header → its domain block (null: none). Normalising and matching a host costs a walk
   * over its characters; a listener sees few distinct hosts, so one hash lookup replaces it — as
   * nginx's server-name hash does. Bounded: reset when it holds HOST_MEMO_LIMIT hosts.
   */
  private readonly hostMemo = new Map<string, DomainBlock | null>();

  constructor(
    readonly rules: readonly ForwardingRule[],
    readonly policy: RuleMatching = 'domain-first',
    readonly urlMatching: UrlMatching = 'normalized',
  ) {
    const raw = urlMatching === 'raw';
    this.urlOnly = new UrlPrefixTable(raw);
    this.urlKeys = rules.map((r) => (r.Url ? (raw ? r.Url : decodeRuleUrl(r.Url)) : null));
    rules.forEach((rule, index) => {
      const key = this.urlKeys[index];
      if (!rule.Domain) {
        if (key !== null) this.urlOnly.add(key, index);
        return;
      }
      const domain = rule.Domain.toLowerCase();
      const isWildcard = domain.startsWith('*.');
      const table = isWildcard ? this.wildcard : this.exact;
      let block = table.get(domain);
      if (!block) {
        block = { domain, wildcard: isWildcard, urls: new UrlPrefixTable(raw), domainOnly: -1 };
        table.set(domain, block);
      }
      if (rule.Url) {
        if (key !== null) block.urls.add(key, index);
      } else if (block.domainOnly < 0) block.domainOnly = index;
    });
  }

  /**
   * The host a raw Host value selects domains with, or null when nginx answers 400. An empty
   * value stands for no Host header (the scenario gives none): it matches no domain.
   */
  hostKey(rawHost: string): string | null {
    if (this.urlMatching === 'raw') return normalizeHost(rawHost);
    return rawHost === '' ? '' : validateHost(rawHost);
  }

  /** The path rules are matched against (query excluded), or null when nginx answers 400. */
  subject(path: string): string | null {
    return this.urlMatching === 'raw' ? path.slice(0, pathEnd(path)) : normalizeUri(path);
  }

  /** The domain block a normalised host selects, if any. */
  block(host: string): DomainBlock | undefined {
    return this.exact.match(host) ?? this.wildcard.match(host);
  }

  /**
   * Index of the matching rule for a raw Host header (any case, with port) and a raw request
   * target, -1 for none, or MATCH_BAD_REQUEST. Allocates nothing for hosts seen before and
   * targets that are already normal.
   */
  matchRaw(rawHost: string, path: string): number {
    let block = this.hostMemo.get(rawHost);
    if (block === undefined) {
      if (this.hostMemo.size >= HOST_MEMO_LIMIT) this.hostMemo.clear();
      const host = this.hostKey(rawHost);
      block = host === null ? INVALID_HOST : (this.exact.match(host) ?? this.wildcard.match(host) ?? null);
      this.hostMemo.set(rawHost, block);
    }
    if (this.urlMatching === 'raw') return this.matchInBlock(block ?? undefined, path, path.length);
    // nginx checks the request line before the Host header; either way the answer is 400.
    const end = normalUriEnd(path);
    if (end === URI_INVALID || block === INVALID_HOST) return MATCH_BAD_REQUEST;
    if (end >= 0) return this.matchInBlock(block ?? undefined, path, end);
    const normalized = normalizeUri(path);
    if (normalized === null) return MATCH_BAD_REQUEST;
    return this.matchInBlock(block ?? undefined, normalized, normalized.length);
  }

  /**
   * Index of the matching rule for a host as `hostKey` gives it and a raw target (query allowed),
   * -1 for none, or MATCH_BAD_REQUEST when the target is invalid.
   */
  match(host: string, path: string): number {
    const subject = this.subject(path);
    if (subject === null) return MATCH_BAD_REQUEST;
    return this.matchInBlock(this.block(host), subject, subject.length);
  }

  private matchInBlock(block: DomainBlock | undefined, path: string, end: number): number {
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
