/**
 * A character trie in flat typed arrays for longest-match lookups on the hot path: URL prefixes
 * (walking the path forwards) and wildcard domain suffixes (walking the host backwards).
 * Hand-written because a lookup must cost a handful of array reads per character and allocate
 * nothing — a scan of `startsWith`/`endsWith` over 40 rules costs several times more.
 *
 * Node 0 is the root. Children are a singly linked sibling list (few children per node in rule
 * sets), each node storing its character and the value of the key ending there (-1 when none).
 */
export class CharTrie {
  private char = new Int32Array(16);
  private firstChild = new Int32Array(16).fill(-1);
  private nextSibling = new Int32Array(16).fill(-1);
  private value = new Int32Array(16).fill(-1);
  private nodes = 1;

  /** Insert `key` read forwards, or backwards when `reverse`; an existing value is kept. */
  insert(key: string, value: number, reverse = false): void {
    let node = 0;
    const n = key.length;
    for (let k = 0; k < n; k++) {
      const c = key.charCodeAt(reverse ? n - 1 - k : k);
      let child = this.firstChild[node];
      while (child >= 0 && this.char[child] !== c) child = this.nextSibling[child];
      if (child < 0) {
        child = this.newNode(c);
        this.nextSibling[child] = this.firstChild[node];
        this.firstChild[node] = child;
      }
      node = child;
    }
    if (this.value[node] < 0) this.value[node] = value;
  }

  /**
   * Value of the longest key that is a prefix of `s[0, end)`, stopping early at the first `stop`
   * character (e.g. `?`, so a path's query never takes part), or -1.
   */
  longestPrefix(s: string, end: number, stop = -1): number {
    let node = 0;
    let best = -1;
    const ch = this.char;
    const first = this.firstChild;
    const next = this.nextSibling;
    const val = this.value;
    for (let i = 0; i < end; i++) {
      const c = s.charCodeAt(i);
      if (c === stop) return best;
      let child = first[node];
      while (child >= 0 && ch[child] !== c) child = next[child];
      if (child < 0) return best;
      node = child;
      if (val[node] >= 0) best = val[node];
    }
    return best;
  }

  /** Value of the longest key inserted reversed that is a proper suffix of `s` (one char or more before it). */
  longestProperSuffix(s: string): number {
    let node = 0;
    let best = -1;
    const ch = this.char;
    const first = this.firstChild;
    const next = this.nextSibling;
    const val = this.value;
    for (let i = s.length - 1; i > 0; i--) {
      const c = s.charCodeAt(i);
      let child = first[node];
      while (child >= 0 && ch[child] !== c) child = next[child];
      if (child < 0) return best;
      node = child;
      if (val[node] >= 0) best = val[node];
    }
    return best;
  }

  private newNode(c: number): number {
    if (this.nodes === this.char.length) {
      const cap = this.nodes * 2;
      const grow = (a: Int32Array, fill: number) => {
        const b = new Int32Array(cap).fill(fill);
        b.set(a);
        return b;
      };
      this.char = grow(this.char, 0);
      this.firstChild = grow(this.firstChild, -1);
      this.nextSibling = grow(this.nextSibling, -1);
      this.value = grow(this.value, -1);
    }
    const node = this.nodes++;
    this.char[node] = c;
    return node;
  }
}
