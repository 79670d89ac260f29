/**
 * Rows per client (a 32-bit client id → a count), for the sticky groups of `slbsim logs`.
 *
 * Hand-written open addressing over two typed arrays (Fibonacci hash, linear probing, load ≤ ½)
 * instead of a `Map<number, number>`: the lookup runs for every row of a sticky group, twice (the
 * whole log and the row's window), and in `npm run bench:logs` the Map's get-then-set was about a
 * tenth of the check; this is one probe and no heap object per client. A count of 0 marks an empty
 * slot, so a stored count is always ≥ 1.
 */
export class ClientCounts {
  /** Distinct clients. */
  size = 0;
  private keys = new Uint32Array(64);
  private counts = new Float64Array(64);
  private shift = 32 - 6;

  /** A structured clone (from a worker thread) made a `ClientCounts` again. */
  static revive(data: ClientCounts): ClientCounts {
    return Object.setPrototypeOf(data, ClientCounts.prototype) as ClientCounts;
  }

  /** Count one more row of a known client: false (and nothing done) when `id` is new. */
  bump(id: number): boolean {
    const s = this.slot(id);
    if (this.counts[s] === 0) return false;
    this.counts[s]++;
    return true;
  }

  /** Add `n` ≥ 1 rows of client `id` (known or new). */
  add(id: number, n: number): void {
    const s = this.slot(id);
    if (this.counts[s] !== 0) {
      this.counts[s] += n;
      return;
    }
    this.keys[s] = id;
    this.counts[s] = n;
    if (++this.size * 2 > this.keys.length) this.grow();
  }

  has(id: number): boolean {
    return this.counts[this.slot(id)] !== 0;
  }

  get(id: number): number {
    return this.counts[this.slot(id)];
  }

  /** Every client and its rows, in slot order (callers only add the counts up). */
  forEach(fn: (id: number, rows: number) => void): void {
    const k = this.keys;
    const c = this.counts;
    for (let s = 0; s < c.length; s++) if (c[s] !== 0) fn(k[s], c[s]);
  }

  /** `[id, rows]` pairs by id: the same for the same counts, whatever the order of insertion. */
  toJSON(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    this.forEach((id, n) => {
      out.push([id, n]);
    });
    return out.sort((a, b) => a[0] - b[0]);
  }

  /** The slot holding `id`, else the empty slot where it would go. */
  private slot(id: number): number {
    const k = this.keys;
    const c = this.counts;
    const mask = k.length - 1;
    const key = id >>> 0;
    let s = Math.imul(key, 0x9e3779b1) >>> this.shift;
    while (c[s] !== 0 && k[s] !== key) s = (s + 1) & mask;
    return s;
  }

  private grow(): void {
    const oldK = this.keys;
    const oldC = this.counts;
    this.keys = new Uint32Array(oldK.length * 2);
    this.counts = new Float64Array(oldC.length * 2);
    this.shift--;
    for (let s = 0; s < oldC.length; s++)
      if (oldC[s] !== 0) {
        const t = this.slot(oldK[s]);
        this.keys[t] = oldK[s];
        this.counts[t] = oldC[s];
      }
  }
}
