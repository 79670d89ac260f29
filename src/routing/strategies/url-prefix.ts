/**
 * URL rules: longest-prefix match on the request path (query excluded), byte-wise and
 * case-sensitive, not segment-aware — `/abc` matches `/abcdef` (clb-semantics.md §3.3).
 *
 * Prefixes are kept sorted by length, longest first, so the first hit is the answer; with CLB's
 * 40 rules per listener a scan with `startsWith` beats a trie and allocates nothing.
 */
export class UrlPrefixTable {
  private urls: string[] = [];
  private values: number[] = [];

  get size(): number {
    return this.urls.length;
  }

  /** Add a prefix; among equal lengths the earlier one stays first (stable). */
  add(url: string, value: number): void {
    let i = this.urls.length;
    while (i > 0 && this.urls[i - 1].length < url.length) i--;
    this.urls.splice(i, 0, url);
    this.values.splice(i, 0, value);
  }

  /** Value of the longest prefix of `path[0, end)`, or -1. */
  match(path: string, end: number): number {
    const urls = this.urls;
    for (let i = 0; i < urls.length; i++) {
      const u = urls[i];
      if (u.length <= end && path.startsWith(u)) return this.values[i];
    }
    return -1;
  }

  /** Length of the prefix `match` would pick, or -1 (for comparing tables). */
  matchLength(path: string, end: number): number {
    const urls = this.urls;
    for (let i = 0; i < urls.length; i++) {
      const u = urls[i];
      if (u.length <= end && path.startsWith(u)) return u.length;
    }
    return -1;
  }

  entries(): Array<{ url: string; value: number }> {
    return this.urls.map((url, i) => ({ url, value: this.values[i] }));
  }
}
