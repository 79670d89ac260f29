/**
 * The pending-event set: a binary min-heap on parallel typed arrays, ordered by
 * (time, priority, sequence number) so that ties are fully deterministic (SimPy's
 * `(time, priority, eid)` ordering; load-testing-anchors.md §3.3, §3.5).
 *
 * Hand-written because no npm heap is stable on equal keys and a generic one allocates an object
 * per entry; this one allocates nothing per push/pop once grown. Priority and sequence number are
 * packed into one double (`priority · 2^44 + seq`), exact while seq < 2^44.
 */

const SEQ_SPAN = 2 ** 44;

export class EventHeap {
  private time: Float64Array;
  private order: Float64Array;
  private kind: Uint8Array;
  private payload: Int32Array;
  private n = 0;
  private seq = 0;

  /** Set by `pop()`: the popped entry's time, kind and payload. */
  poppedTime = 0;
  poppedKind = 0;
  poppedPayload = 0;

  constructor(capacity = 1024) {
    this.time = new Float64Array(capacity);
    this.order = new Float64Array(capacity);
    this.kind = new Uint8Array(capacity);
    this.payload = new Int32Array(capacity);
  }

  get size(): number {
    return this.n;
  }

  /** Time of the earliest entry (Infinity when empty). */
  peekTime(): number {
    return this.n === 0 ? Number.POSITIVE_INFINITY : this.time[0];
  }

  /** Packed (priority, seq) of the earliest entry (Infinity when empty). */
  peekOrder(): number {
    return this.n === 0 ? Number.POSITIVE_INFINITY : this.order[0];
  }

  /** Take the next sequence number (for entries ordered against the heap from outside, e.g. arrivals). */
  nextOrder(priority: number): number {
    return priority * SEQ_SPAN + this.seq++;
  }

  push(time: number, priority: number, kind: number, payload: number): void {
    if (this.n === this.time.length) this.grow();
    const order = priority * SEQ_SPAN + this.seq++;
    let i = this.n++;
    const t = this.time;
    const o = this.order;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = t[parent];
      if (pt < time || (pt === time && o[parent] < order)) break;
      t[i] = pt;
      o[i] = o[parent];
      this.kind[i] = this.kind[parent];
      this.payload[i] = this.payload[parent];
      i = parent;
    }
    t[i] = time;
    o[i] = order;
    this.kind[i] = kind;
    this.payload[i] = payload;
  }

  /** Remove the earliest entry; read it from `poppedTime` / `poppedKind` / `poppedPayload`. */
  pop(): void {
    const t = this.time;
    const o = this.order;
    const k = this.kind;
    const p = this.payload;
    this.poppedTime = t[0];
    this.poppedKind = k[0];
    this.poppedPayload = p[0];
    const last = --this.n;
    if (last === 0) return;
    const lt = t[last];
    const lo = o[last];
    const lk = k[last];
    const lp = p[last];
    let i = 0;
    const half = last >> 1;
    while (i < half) {
      let c = 2 * i + 1;
      const r = c + 1;
      if (r < last && (t[r] < t[c] || (t[r] === t[c] && o[r] < o[c]))) c = r;
      if (lt < t[c] || (lt === t[c] && lo < o[c])) break;
      t[i] = t[c];
      o[i] = o[c];
      k[i] = k[c];
      p[i] = p[c];
      i = c;
    }
    t[i] = lt;
    o[i] = lo;
    k[i] = lk;
    p[i] = lp;
  }

  private grow(): void {
    const cap = this.time.length * 2;
    const time = new Float64Array(cap);
    const order = new Float64Array(cap);
    const kind = new Uint8Array(cap);
    const payload = new Int32Array(cap);
    time.set(this.time);
    order.set(this.order);
    kind.set(this.kind);
    payload.set(this.payload);
    this.time = time;
    this.order = order;
    this.kind = kind;
    this.payload = payload;
  }
}
