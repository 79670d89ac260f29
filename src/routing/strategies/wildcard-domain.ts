/**
 * Wildcard domain rules `*.suffix`: `*` stands for one or more labels, so `*.example.com` matches
 * `a.example.com` and `a.b.example.com` but not `example.com`; among wildcards the longest suffix
 * (the most specific) wins — nginx's leading-wildcard lookup and CLB's documented priority
 * (clb-semantics.md §3.2, lb-algorithms.md §6). One backwards walk of a character trie of the
 * reversed suffixes per lookup.
 */
import { CharTrie } from './char-trie.js';

export class WildcardDomainTable<T> {
  private readonly trie = new CharTrie();
  private readonly patterns: string[] = [];
  private readonly values: T[] = [];

  get(pattern: string): T | undefined {
    const i = this.patterns.indexOf(pattern);
    return i < 0 ? undefined : this.values[i];
  }

  /** `pattern` is `*.example.com`. */
  set(pattern: string, value: T): void {
    const at = this.patterns.indexOf(pattern);
    if (at >= 0) {
      this.values[at] = value;
      return;
    }
    this.trie.insert(pattern.slice(1), this.patterns.length, true);
    this.patterns.push(pattern);
    this.values.push(value);
  }

  /** The value of the longest wildcard matching a normalised host. */
  match(host: string): T | undefined {
    const i = this.trie.longestProperSuffix(host);
    return i < 0 ? undefined : this.values[i];
  }

  all(): T[] {
    return this.values.slice();
  }
}
