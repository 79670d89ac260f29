/**
 * The engine's pending-event set: the 4-ary heap's order — (time, priority, sequence number),
 * fully deterministic — with the near future kept in a timing wheel.
 *
 * Times are integer µs. An entry due within `WHEEL_SPAN` µs of the last pop goes into the wheel
 * slot of its µs (a short list sorted by order: entries of one µs are few); a later one goes into
 * the heap (engine/heap.ts). A pop takes the smaller head of the two, so the order is the heap's
 * alone, whatever falls where. The wheel's earliest slot is found through a bitmap of non-empty
 * slots, from the last one found onwards: over a run the scan costs about one word per 32 µs of
 * simulated time. Hand-written because a heap pop among thousands of in-flight completions costs
 * ~100 ns of mispredicted comparisons (the engine's largest cost with connection times), a wheel
 * pop a few ns; no npm queue keeps equal keys in order without an object per entry.
 */
import { EventHeap, KIND_BITS, KIND_MASK } from './heap.js';

const WHEEL_BITS = 16;
/** µs the wheel covers ahead of the last pop. */
const WHEEL_SPAN = 1 << WHEEL_BITS;
const SLOT_MASK = WHEEL_SPAN - 1;
const WORDS = WHEEL_SPAN >>> 5;
const NONE = -1;

export class EventQueue {
  private readonly far = new EventHeap();
  /** Per slot: first and last node (NONE when empty). */
  private readonly head = new Int32Array(WHEEL_SPAN).fill(NONE);
  /** One bit per non-empty slot. */
  private readonly bits = new Uint32Array(WORDS);
  // Nodes: time, order, payload << 3 | kind, next node; a free list through `next`.
  private time = new Float64Array(1024);
  private order = new Float64Array(1024);
  private item = new Int32Array(1024);
  private next = new Int32Array(1024).fill(NONE);
  private free = 0;
  /** Entries in the wheel. */
  private inWheel = 0;
  /** Time of the last pop: every entry is at or after it, the wheel holds [base, base + span). */
  private base = 0;
  /** The wheel's earliest slot, or NONE when it must be searched again (or the wheel is empty). */
  private first = NONE;

  /** Set by `pop()`: the popped entry's time, kind and payload. */
  poppedTime = 0;
  poppedKind = 0;
  poppedPayload = 0;

  constructor() {
    for (let i = 0; i < 1023; i++) this.next[i] = i + 1;
  }

  get size(): number {
    return this.inWheel + this.far.size;
  }

  /** Take the next sequence number (for entries ordered against the queue from outside, e.g. arrivals). */
  nextOrder(priority: number): number {
    return this.far.nextOrder(priority);
  }

  /** Time of the earliest entry (Infinity when empty). */
  peekTime(): number {
    const w = this.firstNode();
    return w !== NONE && this.beforeFar(w) ? this.time[w] : this.far.peekTime();
  }

  /** Packed (priority, seq) of the earliest entry (Infinity when empty). */
  peekOrder(): number {
    const w = this.firstNode();
    return w !== NONE && this.beforeFar(w) ? this.order[w] : this.far.peekOrder();
  }

  /** Add an entry; `kind` is 0–7, `payload` 0 to 2^28 − 1. */
  push(time: number, priority: number, kind: number, payload: number): void {
    // Beyond the wheel's span (or, never in the engine, before the last pop): the heap.
    if (time - this.base >= WHEEL_SPAN || time < this.base) {
      this.far.push(time, priority, kind, payload);
      return;
    }
    const order = this.far.nextOrder(priority);
    if (this.free === NONE) this.grow();
    const node = this.free;
    this.free = this.next[node];
    this.time[node] = time;
    this.order[node] = order;
    this.item[node] = (payload << KIND_BITS) | kind;
    const slot = time & SLOT_MASK;
    let at = this.head[slot];
    if (at === NONE || this.order[at] > order) {
      this.next[node] = at;
      this.head[slot] = node;
      this.bits[slot >>> 5] |= 1 << (slot & 31);
    } else {
      // Entries of one µs in order (a later push may have a smaller priority).
      while (this.next[at] !== NONE && this.order[this.next[at]] < order) at = this.next[at];
      this.next[node] = this.next[at];
      this.next[at] = node;
    }
    this.inWheel++;
    const first = this.first === NONE ? NONE : this.head[this.first];
    if (first !== NONE && time < this.time[first]) this.first = slot;
  }

  /** Remove the earliest entry; read it from `poppedTime` / `poppedKind` / `poppedPayload`. */
  pop(): void {
    const w = this.firstNode();
    if (w !== NONE && this.beforeFar(w)) {
      const slot = this.first;
      const rest = this.next[w];
      this.head[slot] = rest;
      if (rest === NONE) {
        this.bits[slot >>> 5] &= ~(1 << (slot & 31));
        // Searched again at the next look: the emptied slot may be refilled a whole wheel later
        // (a push after the heap moved `base` on), and must not pass for the earliest then.
        this.first = NONE;
      }
      this.next[w] = this.free;
      this.free = w;
      this.inWheel--;
      this.poppedTime = this.time[w];
      this.poppedKind = this.item[w] & KIND_MASK;
      this.poppedPayload = this.item[w] >>> KIND_BITS;
      this.base = this.poppedTime;
      return;
    }
    const far = this.far;
    far.pop();
    this.poppedTime = far.poppedTime;
    this.poppedKind = far.poppedKind;
    this.poppedPayload = far.poppedPayload;
    this.base = far.poppedTime;
  }

  /** Whether wheel node `w` comes before the heap's earliest entry, by (time, order). */
  private beforeFar(w: number): boolean {
    const wt = this.time[w];
    const ft = this.far.peekTime();
    return wt < ft || (wt === ft && this.order[w] < this.far.peekOrder());
  }

  /** The wheel's earliest node, or NONE when the wheel is empty. */
  private firstNode(): number {
    if (this.inWheel === 0) return NONE;
    let slot = this.first;
    if (slot === NONE || this.head[slot] === NONE) {
      // Every wheel entry is in [base, base + span): the first after base's slot is the earliest.
      slot = this.findFirst(this.base & SLOT_MASK);
      this.first = slot;
    }
    return this.head[slot];
  }

  /** The first non-empty slot at or after `from`, in wheel order (the wheel is not empty). */
  private findFirst(from: number): number {
    const bits = this.bits;
    let word = from >>> 5;
    let w = bits[word] & (~0 << (from & 31));
    while (w === 0) {
      word = (word + 1) & (WORDS - 1);
      w = bits[word];
    }
    return (word << 5) | (31 - Math.clz32(w & -w));
  }

  private grow(): void {
    const n = this.time.length;
    const time = new Float64Array(2 * n);
    time.set(this.time);
    const order = new Float64Array(2 * n);
    order.set(this.order);
    const item = new Int32Array(2 * n);
    item.set(this.item);
    const next = new Int32Array(2 * n);
    next.set(this.next);
    for (let i = n; i < 2 * n - 1; i++) next[i] = i + 1;
    next[2 * n - 1] = NONE;
    this.time = time;
    this.order = order;
    this.item = item;
    this.next = next;
    this.free = n;
  }
}
