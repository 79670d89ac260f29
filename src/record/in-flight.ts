/**
 * Routed rows waiting for their completion row, so a record row can carry the latency. Only
 * requests in flight are held: a slot is taken when a routed row carries FLAG_AWAITS_COMPLETION
 * and freed when the completion with the same id arrives. Rows live in typed columns (the same
 * shape as a journal batch), found by id through an open-addressing hash table; both grow by
 * doubling, nothing is allocated per request.
 */
import { columnStore, copyRow, ROUTED_COLUMNS } from '../journal/row-columns.js';
import type { RowColumns } from './record-format.js';

const EMPTY = -1;

export class InFlightRows extends columnStore(ROUTED_COLUMNS) implements RowColumns {
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
    super(initialCapacity);
    this.capacity = initialCapacity;
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
    copyRow.routed(this, s, src, i);
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
    const cols = this as unknown as Record<string, Float64Array>;
    for (const name of ROUTED_COLUMNS) {
      const grown = new (cols[name].constructor as Float64ArrayConstructor)(cap);
      grown.set(cols[name]);
      cols[name] = grown;
    }
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
