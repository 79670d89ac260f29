/**
 * Interning byte ranges: a byte sequence (a Host, a path, an `upstream_addr` value) → a small
 * integer id, the same for equal bytes, with the string made once per distinct value. The access
 * log reader hands field values as ranges of its read buffer; interning them lets the hot loop key
 * its caches by integers instead of building a string per field per row.
 *
 * Open addressing over typed arrays (FNV-1a hash, linear probing), the bytes kept in one arena.
 * Bounded: when `maxEntries` or `maxBytes` would be exceeded the table is cleared and `generation`
 * goes up, so callers drop whatever they keyed by the old ids (a log with a unique path per row
 * stays in bounded memory and only loses its cache).
 */

export class ByteIntern {
  /** Bumped on every clear: ids of an older generation are meaningless. */
  generation = 0;
  private slots: Int32Array;
  private hashes: Uint32Array;
  private starts: Int32Array;
  private lengths: Int32Array;
  private arena: Uint8Array;
  private arenaUsed = 0;
  private readonly texts: (string | undefined)[] = [];
  private count = 0;

  constructor(
    private readonly maxEntries = 1 << 20,
    private readonly maxBytes = 64 << 20,
  ) {
    this.slots = new Int32Array(1024).fill(-1);
    this.hashes = new Uint32Array(512);
    this.starts = new Int32Array(512);
    this.lengths = new Int32Array(512);
    this.arena = new Uint8Array(64 * 1024);
  }

  get size(): number {
    return this.count;
  }

  /** The id of `buf[start, end)`, adding it when new. */
  intern(buf: Uint8Array, start: number, end: number): number {
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], 0x01000193);
    h >>>= 0;
    const len = end - start;
    const mask = this.slots.length - 1;
    let s = h & mask;
    for (;;) {
      const id = this.slots[s];
      if (id < 0) break;
      if (this.hashes[id] === h && this.lengths[id] === len && this.equals(id, buf, start, len)) return id;
      s = (s + 1) & mask;
    }
    if (this.count >= this.maxEntries || this.arenaUsed + len > this.maxBytes) {
      this.clear();
      return this.intern(buf, start, end);
    }
    const id = this.count++;
    if (id >= this.hashes.length) this.growEntries();
    if (this.arenaUsed + len > this.arena.length) this.growArena(len);
    this.arena.set(buf.subarray(start, end), this.arenaUsed);
    this.hashes[id] = h;
    this.starts[id] = this.arenaUsed;
    this.lengths[id] = len;
    this.arenaUsed += len;
    this.texts.push(undefined);
    this.slots[s] = id;
    if (this.count * 2 > this.slots.length) this.rehash();
    return id;
  }

  /** The text of an id (UTF-8), made on first request. */
  text(id: number): string {
    let t = this.texts[id];
    if (t === undefined) {
      const a = this.starts[id];
      t = Buffer.from(this.arena.buffer, this.arena.byteOffset + a, this.lengths[id]).toString('utf8');
      this.texts[id] = t;
    }
    return t;
  }

  /** The bytes of an id (a view into the arena, valid until the next `intern`). */
  bytes(id: number): Uint8Array {
    return this.arena.subarray(this.starts[id], this.starts[id] + this.lengths[id]);
  }

  clear(): void {
    this.generation++;
    this.count = 0;
    this.arenaUsed = 0;
    this.texts.length = 0;
    this.slots.fill(-1);
  }

  private equals(id: number, buf: Uint8Array, start: number, len: number): boolean {
    const a = this.arena;
    const o = this.starts[id];
    for (let i = 0; i < len; i++) if (a[o + i] !== buf[start + i]) return false;
    return true;
  }

  private growEntries(): void {
    const n = this.hashes.length * 2;
    const h = new Uint32Array(n);
    h.set(this.hashes);
    const st = new Int32Array(n);
    st.set(this.starts);
    const ln = new Int32Array(n);
    ln.set(this.lengths);
    this.hashes = h;
    this.starts = st;
    this.lengths = ln;
  }

  private growArena(need: number): void {
    let n = this.arena.length * 2;
    while (n < this.arenaUsed + need) n *= 2;
    const a = new Uint8Array(n);
    a.set(this.arena.subarray(0, this.arenaUsed));
    this.arena = a;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (let id = 0; id < this.count; id++) {
      let s = this.hashes[id] & mask;
      while (slots[s] >= 0) s = (s + 1) & mask;
      slots[s] = id;
    }
    this.slots = slots;
  }
}
