/**
 * Wildcard domain rules `*.suffix`: `*` stands for one or more labels, so `*.example.com` matches
 * `a.example.com` and `a.b.example.com` but not `example.com`; among wildcards the longest suffix
 * (the most specific) wins — nginx's leading-wildcard lookup and CLB's documented priority
 * (clb-semantics.md §3.2, lb-algorithms.md §6).
 */
export class WildcardDomainTable<T> {
  /** Suffixes with their leading dot (`.example.com`), longest first. */
  private suffixes: string[] = [];
  private values: T[] = [];

  get(pattern: string): T | undefined {
    const i = this.suffixes.indexOf(pattern.slice(1));
    return i < 0 ? undefined : this.values[i];
  }

  /** `pattern` is `*.example.com`. */
  set(pattern: string, value: T): void {
    const suffix = pattern.slice(1);
    const at = this.suffixes.indexOf(suffix);
    if (at >= 0) {
      this.values[at] = value;
      return;
    }
    let i = this.suffixes.length;
    while (i > 0 && this.suffixes[i - 1].length < suffix.length) i--;
    this.suffixes.splice(i, 0, suffix);
    this.values.splice(i, 0, value);
  }

  match(host: string): T | undefined {
    const s = this.suffixes;
    for (let i = 0; i < s.length; i++) {
      if (host.length > s[i].length && host.endsWith(s[i])) return this.values[i];
    }
    return undefined;
  }

  all(): T[] {
    return this.values.slice();
  }
}
