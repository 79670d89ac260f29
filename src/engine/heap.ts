/**
 * The pending-event set: a 4-ary min-heap ordered by (time, priority, sequence number) so that
 * ties are fully deterministic (SimPy's `(time, priority, eid)` ordering; load-testing-anchors.md
 * §3.3, §3.5).
 *
 * Hand-written because no npm heap is stable on equal keys and a generic one allocates an object
 * per entry; this one allocates nothing per push/pop once grown. Layout for speed: each entry's
 * time and packed order (`priority · 2^44 + seq`, exact while seq < 2^44) sit side by side in one
 * Float64Array, and its kind (3 bits) and payload share one Int32; four children per node halve
 * the depth, which pays off because the engine pops as often as it pushes.
 */

const SEQ_SPAN = 2 ** 44;
export const KIND_BITS = 3;
export const KIND_MASK = (1 << KIND_BITS) - 1;

export class EventHeap {
  /** [time, order] per entry. */
  private keys: Float64Array;
  /** payload << 3 | kind per entry. */
  private items: Int32Array;
  private n = 0;
  private seq = 0;

  /** Set by `pop()`: the popped entry's time, kind and payload. */
  poppedTime = 0;
  poppedKind = 0;
  poppedPayload = 0;

  constructor(capacity = 1024) {
    this.keys = new Float64Array(2 * capacity);
    this.items = new Int32Array(capacity);
  }

  get size(): number {
    return this.n;
  }

  /** Time of the earliest entry (Infinity when empty). */
  peekTime(): number {
    return this.n === 0 ? Number.POSITIVE_INFINITY : this.keys[0];
  }

  /** Packed (priority, seq) of the earliest entry (Infinity when empty). */
  peekOrder(): number {
    return this.n === 0 ? Number.POSITIVE_INFINITY : this.keys[1];
  }

  /** Take the next sequence number (for entries ordered against the heap from outside, e.g. arrivals). */
  nextOrder(priority: number): number {
    return priority * SEQ_SPAN + this.seq++;
  }

  /** Add an entry; `kind` is 0–7, `payload` 0 to 2^28 − 1. Returns its packed order. */
  push(time: number, priority: number, kind: number, payload: number): number {
    if (this.n === this.items.length) this.grow();
    const order = priority * SEQ_SPAN + this.seq++;
    const item = (payload << KIND_BITS) | kind;
    const keys = this.keys;
    const items = this.items;
    let i = this.n++;
    while (i > 0) {
      const parent = (i - 1) >> 2;
      const pt = keys[2 * parent];
      if (pt < time || (pt === time && keys[2 * parent + 1] < order)) break;
      keys[2 * i] = pt;
      keys[2 * i + 1] = keys[2 * parent + 1];
      items[i] = items[parent];
      i = parent;
    }
    keys[2 * i] = time;
    keys[2 * i + 1] = order;
    items[i] = item;
    return order;
  }

  /** Remove the earliest entry; read it from `poppedTime` / `poppedKind` / `poppedPayload`. */
  pop(): void {
    const keys = this.keys;
    const items = this.items;
    this.poppedTime = keys[0];
    const top = items[0];
    this.poppedKind = top & KIND_MASK;
    this.poppedPayload = top >>> KIND_BITS;
    const last = --this.n;
    if (last === 0) return;
    const lt = keys[2 * last];
    const lo = keys[2 * last + 1];
    const li = items[last];
    let i = 0;
    for (;;) {
      const first = 4 * i + 1;
      if (first >= last) break;
      // The smallest of up to four children.
      let c = first;
      let ct = keys[2 * c];
      let co = keys[2 * c + 1];
      const end = Math.min(first + 4, last);
      for (let j = first + 1; j < end; j++) {
        const jt = keys[2 * j];
        if (jt < ct || (jt === ct && keys[2 * j + 1] < co)) {
          c = j;
          ct = jt;
          co = keys[2 * j + 1];
        }
      }
      if (lt < ct || (lt === ct && lo < co)) break;
      keys[2 * i] = ct;
      keys[2 * i + 1] = co;
      items[i] = items[c];
      i = c;
    }
    keys[2 * i] = lt;
    keys[2 * i + 1] = lo;
    items[i] = li;
  }

  private grow(): void {
    const keys = new Float64Array(this.keys.length * 2);
    keys.set(this.keys);
    const items = new Int32Array(this.items.length * 2);
    items.set(this.items);
    this.keys = keys;
    this.items = items;
  }
}
