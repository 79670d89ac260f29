/**
 * URL rules: longest-prefix match on the request path (query excluded), byte-wise and
 * case-sensitive, not segment-aware — `/abc` matches `/abcdef` (clb-semantics.md §3.3).
 * One walk of a character trie per lookup; among equal URLs the first added is kept.
 *
 * A table for raw targets stops at the first `?` (the query never takes part); a table for
 * normalised paths (`stopAtQuery` false) reads the whole path it is given, since there a `?` can
 * only be a decoded `%3F`, part of the path as in nginx.
 */
import { CharTrie } from './char-trie.js';

/** `?`: the query string never takes part in URL matching. */
const QUERY = 63;

export class UrlPrefixTable {
  private readonly trie = new CharTrie();
  private readonly urls: string[] = [];
  private readonly values: number[] = [];
  private readonly stop: number;

  constructor(stopAtQuery = true) {
    this.stop = stopAtQuery ? QUERY : -1;
  }

  get size(): number {
    return this.urls.length;
  }

  add(url: string, value: number): void {
    this.trie.insert(url, this.urls.length);
    this.urls.push(url);
    this.values.push(value);
  }

  /** Value of the longest prefix of `path[0, end)` (never reading past a `?` unless told so), or -1. */
  match(path: string, end: number): number {
    const e = this.trie.longestPrefix(path, end, this.stop);
    return e < 0 ? -1 : this.values[e];
  }

  /** Length of the prefix `match` would pick, or -1 (for comparing tables). */
  matchLength(path: string, end: number): number {
    const e = this.trie.longestPrefix(path, end, this.stop);
    return e < 0 ? -1 : this.urls[e].length;
  }

  /** Entries, longest URL first (ties in insertion order). */
  entries(): Array<{ url: string; value: number }> {
    return this.urls
      .map((url, i) => ({ url, value: this.values[i], i }))
      .sort((a, b) => b.url.length - a.url.length || a.i - b.i)
      .map(({ url, value }) => ({ url, value }));
  }
}
