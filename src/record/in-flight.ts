/**
 * Routed rows waiting for their completion row, so a record row can carry the latency. Only
 * requests in flight are held: a slot is taken when a routed row carries FLAG_AWAITS_COMPLETION
 * and freed when the completion with the same id arrives. Rows live in typed columns (the same
 * shape as a journal batch), found by id through an open-addressing hash table; both grow by
 * doubling, nothing is allocated per request.
 */
import type { RowColumns } from './record-format.js';

const EMPTY = -1;

export class InFlightRows implements RowColumns {
  t: Float64Array;
  id: Float64Array;
  listener: Int32Array;
  template: Int32Array;
  clientIp: Uint32Array;
  clientPort: Uint16Array;
  node: Uint16Array;
  worker: Uint16Array;
  scope: Int32Array;
  backend: Int32Array;
  outcome: Uint8Array;
  attempts: Uint8Array;
  flags: Uint8Array;

  /** Rows held now. */
  size = 0;
  private capacity: number;
  private free: Int32Array;
  private freeTop: number;
  /** Hash table: id → slot, linear probing, load ≤ 1/2. */
  private keys: Float64Array;
  private slots: Int32Array;
  private mask: number;

  constructor(initialCapacity = 1024) {
    this.capacity = initialCapacity;
    this.t = new Float64Array(initialCapacity);
    this.id = new Float64Array(initialCapacity);
    this.listener = new Int32Array(initialCapacity);
    this.template = new Int32Array(initialCapacity);
    this.clientIp = new Uint32Array(initialCapacity);
    this.clientPort = new Uint16Array(initialCapacity);
    this.node = new Uint16Array(initialCapacity);
    this.worker = new Uint16Array(initialCapacity);
    this.scope = new Int32Array(initialCapacity);
    this.backend = new Int32Array(initialCapacity);
    this.outcome = new Uint8Array(initialCapacity);
    this.attempts = new Uint8Array(initialCapacity);
    this.flags = new Uint8Array(initialCapacity);
    this.free = new Int32Array(initialCapacity);
    for (let s = 0; s < initialCapacity; s++) this.free[s] = initialCapacity - 1 - s;
    this.freeTop = initialCapacity;
    this.keys = new Float64Array(initialCapacity * 2);
    this.slots = new Int32Array(initialCapacity * 2).fill(EMPTY);
    this.mask = initialCapacity * 2 - 1;
  }

  /** Copy row `i` of `src` in and index it by its id. */
  hold(src: RowColumns, i: number): void {
    if (this.freeTop === 0) this.grow();
    const s = this.free[--this.freeTop];
    this.t[s] = src.t[i];
    this.id[s] = src.id[i];
    this.listener[s] = src.listener[i];
    this.template[s] = src.template[i];
    this.clientIp[s] = src.clientIp[i];
    this.clientPort[s] = src.clientPort[i];
    this.node[s] = src.node[i];
    this.worker[s] = src.worker[i];
    this.scope[s] = src.scope[i];
    this.backend[s] = src.backend[i];
    this.outcome[s] = src.outcome[i];
    this.attempts[s] = src.attempts[i];
    this.flags[s] = src.flags[i];
    this.insert(src.id[i], s);
    this.size++;
  }

  /** The slot holding request `id`, or -1. */
  find(id: number): number {
    const keys = this.keys;
    const slots = this.slots;
    const mask = this.mask;
    for (let h = (id >>> 0) & mask; ; h = (h + 1) & mask) {
      const s = slots[h];
      if (s === EMPTY) return -1;
      if (keys[h] === id) return s;
    }
  }

  /** Forget request `id` (its slot becomes free). */
  release(id: number): void {
    const keys = this.keys;
    const slots = this.slots;
    const mask = this.mask;
    let h = (id >>> 0) & mask;
    while (slots[h] !== EMPTY && keys[h] !== id) h = (h + 1) & mask;
    if (slots[h] === EMPTY) return;
    this.free[this.freeTop++] = slots[h];
    this.size--;
    // Backward-shift deletion keeps every probe chain unbroken.
    let hole = h;
    for (let j = (h + 1) & mask; slots[j] !== EMPTY; j = (j + 1) & mask) {
      const home = (keys[j] >>> 0) & mask;
      // Move j into the hole when its home is not in the cyclic range (hole, j].
      if (hole <= j ? home <= hole || home > j : home <= hole && home > j) {
        keys[hole] = keys[j];
        slots[hole] = slots[j];
        hole = j;
      }
    }
    slots[hole] = EMPTY;
  }

  /** Slots still held, in arrival order (time, then id). */
  heldInArrivalOrder(): number[] {
    const held: number[] = [];
    for (let h = 0; h <= this.mask; h++) if (this.slots[h] !== EMPTY) held.push(this.slots[h]);
    return held.sort((a, b) => this.t[a] - this.t[b] || this.id[a] - this.id[b]);
  }

  private insert(id: number, slot: number): void {
    const mask = this.mask;
    let h = (id >>> 0) & mask;
    while (this.slots[h] !== EMPTY) h = (h + 1) & mask;
    this.keys[h] = id;
    this.slots[h] = slot;
  }

  private grow(): void {
    const old = this.capacity;
    const cap = old * 2;
    this.capacity = cap;
    this.t = extend(this.t, new Float64Array(cap));
    this.id = extend(this.id, new Float64Array(cap));
    this.listener = extend(this.listener, new Int32Array(cap));
    this.template = extend(this.template, new Int32Array(cap));
    this.clientIp = extend(this.clientIp, new Uint32Array(cap));
    this.clientPort = extend(this.clientPort, new Uint16Array(cap));
    this.node = extend(this.node, new Uint16Array(cap));
    this.worker = extend(this.worker, new Uint16Array(cap));
    this.scope = extend(this.scope, new Int32Array(cap));
    this.backend = extend(this.backend, new Int32Array(cap));
    this.outcome = extend(this.outcome, new Uint8Array(cap));
    this.attempts = extend(this.attempts, new Uint8Array(cap));
    this.flags = extend(this.flags, new Uint8Array(cap));
    // Every slot was in use: the new ones are the only free ones.
    this.free = new Int32Array(cap);
    for (let s = 0; s < old; s++) this.free[s] = cap - 1 - s;
    this.freeTop = old;
    const oldKeys = this.keys;
    const oldSlots = this.slots;
    this.keys = new Float64Array(cap * 2);
    this.slots = new Int32Array(cap * 2).fill(EMPTY);
    this.mask = cap * 2 - 1;
    for (let h = 0; h < oldSlots.length; h++) if (oldSlots[h] !== EMPTY) this.insert(oldKeys[h], oldSlots[h]);
  }
}

function extend<T extends Float64Array | Int32Array | Uint32Array | Uint16Array | Uint8Array>(
  from: T,
  to: T,
): T {
  to.set(from as never);
  return to;
}
