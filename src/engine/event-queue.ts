/**
 * The engine's pending-event set: the 4-ary heap's order — (time, priority, sequence number),
 * fully deterministic — with the near future kept in a timing wheel.
 *
 * Times are integer µs. The wheel has `WHEEL_SLOTS` slots of `GRAIN` µs each; an entry due within
 * its span of the last pop's slot goes into the slot of its time (a short list sorted by time and
 * order, with a tail so that entries pushed in time order append in O(1)); a later one goes into
 * the heap (engine/heap.ts). The queue keeps its earliest entry's time and order in two fields,
 * found once per pop (the engine reads them twice per event), so the order is the heap's alone,
 * whatever falls where. The wheel's earliest slot is found through a bitmap of non-empty slots,
 * from the last pop's slot onwards: over a run the scan costs about one word per 32 slots of
 * simulated time. Hand-written because a heap pop among thousands of in-flight completions costs
 * ~100–190 ns of mispredicted comparisons (the engine's largest cost with connection times), a
 * wheel pop a few ns; no npm queue keeps equal keys in order without an object per entry.
 */
import { EventHeap, KIND_BITS, KIND_MASK } from './heap.js';

/** µs per wheel slot (a power of two). */
export const GRAIN = 8;
const GRAIN_MASK = GRAIN - 1;
const GRAIN_SHIFT = 31 - Math.clz32(GRAIN);
const WHEEL_SLOTS = 1 << 16;
/**
 * µs the wheel covers from the start of the last pop's slot: 524 ms, so that exponential
 * connection times of a 50 ms mean land in it but for 3 in 10^5.
 */
export const WHEEL_SPAN = WHEEL_SLOTS * GRAIN;
const SPAN_MASK = WHEEL_SPAN - 1;
const WORDS = WHEEL_SLOTS >>> 5;
const NONE = -1;

export class EventQueue {
  private readonly far = new EventHeap();
  /** Per slot: first and last node (NONE when empty). */
  private readonly head = new Int32Array(WHEEL_SLOTS).fill(NONE);
  private readonly tail = new Int32Array(WHEEL_SLOTS).fill(NONE);
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
  /** Time of the last pop: every entry is at or after it. */
  private base = 0;
  /** Start of the last pop's slot: the wheel holds [baseStart, baseStart + WHEEL_SPAN). */
  private baseStart = 0;
  /** The earliest entry: its time and order (Infinity when empty), and its wheel node (NONE: the heap's). */
  private headTime = Number.POSITIVE_INFINITY;
  private headOrder = Number.POSITIVE_INFINITY;
  private headNode = NONE;

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
    return this.headTime;
  }

  /** Packed (priority, seq) of the earliest entry (Infinity when empty). */
  peekOrder(): number {
    return this.headOrder;
  }

  /** Add an entry; `kind` is 0–7, `payload` 0 to 2^28 − 1. */
  push(time: number, priority: number, kind: number, payload: number): void {
    let order: number;
    let node = NONE;
    if (time - this.baseStart >= WHEEL_SPAN || time < this.base) {
      // Beyond the wheel's span (or, never in the engine, before the last pop): the heap.
      order = this.far.push(time, priority, kind, payload);
    } else {
      order = this.far.nextOrder(priority);
      if (this.free === NONE) this.grow();
      node = this.free;
      this.free = this.next[node];
      this.time[node] = time;
      this.order[node] = order;
      this.item[node] = (payload << KIND_BITS) | kind;
      this.insert(node, (time & SPAN_MASK) >>> GRAIN_SHIFT, time, order);
      this.inWheel++;
    }
    if (time < this.headTime || (time === this.headTime && order < this.headOrder)) {
      this.headTime = time;
      this.headOrder = order;
      this.headNode = node;
    }
  }

  /** Remove the earliest entry; read it from `poppedTime` / `poppedKind` / `poppedPayload`. */
  pop(): void {
    const w = this.headNode;
    if (w !== NONE) {
      const slot = (this.headTime & SPAN_MASK) >>> GRAIN_SHIFT;
      // The earliest wheel entry heads its slot.
      const rest = this.next[w];
      this.head[slot] = rest;
      if (rest === NONE) {
        this.tail[slot] = NONE;
        this.bits[slot >>> 5] &= ~(1 << (slot & 31));
      }
      this.next[w] = this.free;
      this.free = w;
      this.inWheel--;
      this.poppedTime = this.time[w];
      this.poppedKind = this.item[w] & KIND_MASK;
      this.poppedPayload = this.item[w] >>> KIND_BITS;
    } else {
      const far = this.far;
      if (far.size === 0) return;
      far.pop();
      this.poppedTime = far.poppedTime;
      this.poppedKind = far.poppedKind;
      this.poppedPayload = far.poppedPayload;
    }
    const base = this.poppedTime;
    this.base = base;
    this.baseStart = base - (base & GRAIN_MASK);
    this.findHead();
  }

  /** Insert `node` into `slot`, in (time, order). */
  private insert(node: number, slot: number, time: number, order: number): void {
    const last = this.tail[slot];
    if (last === NONE) {
      this.next[node] = NONE;
      this.head[slot] = node;
      this.tail[slot] = node;
      this.bits[slot >>> 5] |= 1 << (slot & 31);
      return;
    }
    const T = this.time;
    const O = this.order;
    if (T[last] < time || (T[last] === time && O[last] < order)) {
      // In time order (the common case): append.
      this.next[node] = NONE;
      this.next[last] = node;
      this.tail[slot] = node;
      return;
    }
    let at = this.head[slot];
    if (time < T[at] || (time === T[at] && order < O[at])) {
      this.next[node] = at;
      this.head[slot] = node;
      return;
    }
    // Somewhere before the tail: walk to the last node before it.
    let n = this.next[at];
    while (T[n] < time || (T[n] === time && O[n] < order)) {
      at = n;
      n = this.next[n];
    }
    this.next[node] = n;
    this.next[at] = node;
  }

  /** After a pop: the earliest of the wheel's first slot and the heap. */
  private findHead(): void {
    const far = this.far;
    let ht = far.peekTime();
    let ho = far.peekOrder();
    let hn = NONE;
    if (this.inWheel > 0) {
      // Every wheel entry is in [baseStart, baseStart + span): the first slot from base's is the earliest.
      const w = this.head[this.findFirst((this.base & SPAN_MASK) >>> GRAIN_SHIFT)];
      const wt = this.time[w];
      if (wt < ht || (wt === ht && this.order[w] < ho)) {
        ht = wt;
        ho = this.order[w];
        hn = w;
      }
    }
    this.headTime = ht;
    this.headOrder = ho;
    this.headNode = hn;
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
