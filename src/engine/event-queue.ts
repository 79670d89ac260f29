/**
 * The engine's pending-event set: the 4-ary heap's order — (time, priority, sequence number),
 * fully deterministic — with the near future kept in a timing wheel and the farther one in a
 * coarse wheel above it.
 *
 * Times are integer µs. The fine wheel has `WHEEL_SLOTS` slots of `GRAIN` µs each, and holds the
 * entries of the coarse slots cascaded so far, each in the slot of its time (a short list sorted
 * by time and order, with a tail so that entries pushed in time order append in O(1)). The coarse
 * wheel has `COARSE_SLOTS` slots of half the fine wheel's span (262 ms), each an unsorted list;
 * when the last pop's time enters coarse slot k, slot k + 1 is moved into the fine wheel (which
 * spans two coarse slots, so whatever it holds lies within its span). An entry beyond the coarse
 * wheel (71 min) goes into the heap (engine/heap.ts). Every fine entry lies before every coarse
 * one, so the earliest entry is the fine wheel's or the heap's — or, when the fine wheel is empty,
 * the least of the first non-empty coarse slot. The queue keeps its earliest entry's time and
 * order in two fields, found once per pop (the engine reads them twice per event), so the order
 * is the heap's alone, whatever falls where. The wheels' earliest slots are found through bitmaps
 * of non-empty slots. Hand-written because a heap pop among thousands of in-flight completions
 * costs ~100–190 ns of mispredicted comparisons (the engine's largest cost with connection times),
 * ~800 ns among the 600 000 connections of long-lived ones (10 s and more), a wheel pop a few ns;
 * no npm queue keeps equal keys in order without an object per entry.
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
/** µs per coarse slot: half the fine wheel's span. */
const COARSE_WIDTH = WHEEL_SPAN / 2;
const COARSE_SLOTS = 1 << 14;
const COARSE_MASK = COARSE_SLOTS - 1;
const COARSE_WORDS = COARSE_SLOTS >>> 5;
/** µs the coarse wheel covers: 2^32 (71 min). */
export const COARSE_SPAN = COARSE_SLOTS * COARSE_WIDTH;

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
  /** Per coarse slot its first and last node, a bitmap of the non-empty ones, and its entries. */
  private readonly coarseHead = new Int32Array(COARSE_SLOTS).fill(NONE);
  private readonly coarseTail = new Int32Array(COARSE_SLOTS).fill(NONE);
  private readonly coarseBits = new Uint32Array(COARSE_WORDS);
  private inCoarse = 0;
  /** The last coarse slot (absolute index) moved into the fine wheel: later ones are in the coarse wheel. */
  private cascaded = 1;
  /** When the earliest entry is a coarse one: its slot (else NONE) and the node before it in the slot's list. */
  private headCoarseSlot = NONE;
  private headPrev = NONE;
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
    return this.inWheel + this.inCoarse + this.far.size;
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
    const k = Math.floor(time / COARSE_WIDTH);
    if (k - this.cascaded >= COARSE_SLOTS || time < this.base) {
      // Beyond the coarse wheel (or, never in the engine, before the last pop): the heap.
      const order = this.far.push(time, priority, kind, payload);
      this.noteHead(time, order, NONE, NONE, NONE);
      return;
    }
    const order = this.far.nextOrder(priority);
    if (this.free === NONE) this.grow();
    const node = this.free;
    this.free = this.next[node];
    this.time[node] = time;
    this.order[node] = order;
    this.item[node] = (payload << KIND_BITS) | kind;
    if (k <= this.cascaded) {
      this.insert(node, (time & SPAN_MASK) >>> GRAIN_SHIFT, time, order);
      this.inWheel++;
      this.noteHead(time, order, node, NONE, NONE);
    } else {
      // A coarse slot: appended, unsorted (its entries are sorted into the fine wheel's slots).
      const slot = k & COARSE_MASK;
      const last = this.coarseTail[slot];
      this.next[node] = NONE;
      if (last === NONE) {
        this.coarseHead[slot] = node;
        this.coarseBits[slot >>> 5] |= 1 << (slot & 31);
      } else this.next[last] = node;
      this.coarseTail[slot] = node;
      this.inCoarse++;
      this.noteHead(time, order, node, slot, last);
    }
  }

  /** A new entry becomes the earliest when it lies before it (`coarseSlot`: its coarse slot, or NONE). */
  private noteHead(time: number, order: number, node: number, coarseSlot: number, prev: number): void {
    if (time < this.headTime || (time === this.headTime && order < this.headOrder)) {
      this.headTime = time;
      this.headOrder = order;
      this.headNode = node;
      this.headCoarseSlot = coarseSlot;
      this.headPrev = prev;
    }
  }

  /** Remove the earliest entry; read it from `poppedTime` / `poppedKind` / `poppedPayload`. */
  pop(): void {
    const w = this.headNode;
    if (w !== NONE && this.headCoarseSlot === NONE) {
      const slot = (this.headTime & SPAN_MASK) >>> GRAIN_SHIFT;
      // The earliest wheel entry heads its slot.
      const rest = this.next[w];
      this.head[slot] = rest;
      if (rest === NONE) {
        this.tail[slot] = NONE;
        this.bits[slot >>> 5] &= ~(1 << (slot & 31));
      }
      this.release(w);
      this.inWheel--;
    } else if (w !== NONE) {
      // The fine wheel is empty and a coarse entry is the earliest: unlink it from its slot.
      const slot = this.headCoarseSlot;
      const prev = this.headPrev;
      const rest = this.next[w];
      if (prev === NONE) this.coarseHead[slot] = rest;
      else this.next[prev] = rest;
      if (rest === NONE) this.coarseTail[slot] = prev;
      if (this.coarseHead[slot] === NONE) this.coarseBits[slot >>> 5] &= ~(1 << (slot & 31));
      this.release(w);
      this.inCoarse--;
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
    this.cascadeUntil(Math.floor(this.baseStart / COARSE_WIDTH) + 1);
    this.findHead();
  }

  /** Read the popped node `w` and return it to the free list. */
  private release(w: number): void {
    this.poppedTime = this.time[w];
    this.poppedKind = this.item[w] & KIND_MASK;
    this.poppedPayload = this.item[w] >>> KIND_BITS;
    this.next[w] = this.free;
    this.free = w;
  }

  /** Move the coarse slots up to `last` (absolute) into the fine wheel, each entry into its slot. */
  private cascadeUntil(last: number): void {
    while (this.inCoarse > 0 && this.cascaded < last) {
      const k = this.firstCoarse(this.cascaded + 1);
      if (k > last) break;
      const slot = k & COARSE_MASK;
      let n = this.coarseHead[slot];
      this.coarseHead[slot] = NONE;
      this.coarseTail[slot] = NONE;
      this.coarseBits[slot >>> 5] &= ~(1 << (slot & 31));
      while (n !== NONE) {
        const after = this.next[n];
        const t = this.time[n];
        this.insert(n, (t & SPAN_MASK) >>> GRAIN_SHIFT, t, this.order[n]);
        this.inCoarse--;
        this.inWheel++;
        n = after;
      }
      this.cascaded = k;
    }
    if (last > this.cascaded) this.cascaded = last;
  }

  /** The absolute index of the first non-empty coarse slot at or after `from` (the coarse wheel is not empty). */
  private firstCoarse(from: number): number {
    const start = from & COARSE_MASK;
    // Every coarse entry lies in the COARSE_SLOTS slots from `from` on: the slot's absolute index.
    return from + ((firstSetBit(this.coarseBits, start) - start) & COARSE_MASK);
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

  /** After a pop: the earliest of the fine wheel's first slot (or else the first coarse slot's least) and the heap. */
  private findHead(): void {
    const far = this.far;
    let ht = far.peekTime();
    let ho = far.peekOrder();
    let hn = NONE;
    let prev = NONE;
    let coarseSlot = NONE;
    if (this.inWheel > 0) {
      // Every wheel entry is in [baseStart, baseStart + span): the first slot from base's is the earliest.
      const w = this.head[firstSetBit(this.bits, (this.base & SPAN_MASK) >>> GRAIN_SHIFT)];
      const wt = this.time[w];
      if (wt < ht || (wt === ht && this.order[w] < ho)) {
        ht = wt;
        ho = this.order[w];
        hn = w;
      }
    } else if (this.inCoarse > 0) {
      // The fine wheel is empty: the least of the first non-empty coarse slot (every later one lies after it).
      const slot = this.firstCoarse(this.cascaded + 1) & COARSE_MASK;
      let before = NONE;
      for (let n = this.coarseHead[slot]; n !== NONE; n = this.next[n]) {
        const t = this.time[n];
        if (t < ht || (t === ht && this.order[n] < ho)) {
          ht = t;
          ho = this.order[n];
          hn = n;
          prev = before;
          coarseSlot = slot;
        }
        before = n;
      }
    }
    this.headTime = ht;
    this.headOrder = ho;
    this.headNode = hn;
    this.headCoarseSlot = coarseSlot;
    this.headPrev = prev;
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

/** The first set bit of `bits` at or after bit `from`, wrapping around (one is set; a power-of-two length). */
function firstSetBit(bits: Uint32Array, from: number): number {
  const wordMask = bits.length - 1;
  let word = from >>> 5;
  let w = bits[word] & (~0 << (from & 31));
  while (w === 0) {
    word = (word + 1) & wordMask;
    w = bits[word];
  }
  return (word << 5) | (31 - Math.clz32(w & -w));
}
