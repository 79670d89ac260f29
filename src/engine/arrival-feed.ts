/**
 * Arrivals drawn once and handed to the shards that route them (`slbsim run --workers N`): the
 * main thread draws every arrival — time, request-mix template, client — from the run's own seeded
 * streams, resolves which shard owns it (engine/shard-cut.ts) and appends it to that shard's ring;
 * each shard's engine takes its arrivals from its ring instead of drawing them, so no draw is made
 * twice and a shard spends nothing on the requests of others.
 *
 * A ring is a SharedArrayBuffer: a header of Int32 counters and five typed-array columns of
 * `capacity` entries (a power of two). The writer publishes in blocks (`BLOCK` entries or at the
 * end), the reader frees in blocks; each waits on the other with Atomics.wait only when the ring is
 * empty or full. Hand-written: a message per arrival (postMessage) costs ~1 µs, the whole budget
 * of a simulated request is ~0.1 µs.
 */

/** Header slots (Int32). */
const WRITTEN = 0;
const READ = 1;
const DONE = 2;
/** 1 while the reader sleeps on WRITTEN, 2 while the writer sleeps on READ: only then is a wake-up sent. */
const SLEEPING = 3;
const HEADER_BYTES = 16;

/** Entries per publish / release. */
const BLOCK = 16384;
export const RING_CAPACITY = 1 << 18;

/** The shared memory of one ring (passed to a worker as is). */
export interface FeedRing {
  readonly buffer: SharedArrayBuffer;
  readonly capacity: number;
}

export function createFeedRing(capacity = RING_CAPACITY): FeedRing {
  // Columns: t (f64), id (f64), template (i32), clientIp (u32), clientPort (u32).
  const bytes = HEADER_BYTES + capacity * (8 + 8 + 4 + 4 + 4);
  return { buffer: new SharedArrayBuffer(bytes), capacity };
}

class RingView {
  readonly header: Int32Array;
  readonly t: Float64Array;
  readonly id: Float64Array;
  readonly template: Int32Array;
  readonly clientIp: Uint32Array;
  readonly clientPort: Uint32Array;
  readonly mask: number;

  constructor(ring: FeedRing) {
    const n = ring.capacity;
    const b = ring.buffer;
    this.header = new Int32Array(b, 0, 4);
    this.t = new Float64Array(b, HEADER_BYTES, n);
    this.id = new Float64Array(b, HEADER_BYTES + 8 * n, n);
    this.template = new Int32Array(b, HEADER_BYTES + 16 * n, n);
    this.clientIp = new Uint32Array(b, HEADER_BYTES + 20 * n, n);
    this.clientPort = new Uint32Array(b, HEADER_BYTES + 24 * n, n);
    this.mask = n - 1;
  }
}

/** The drawing thread's end of one ring. */
export class FeedWriter {
  private readonly v: RingView;
  private written = 0;
  private published = 0;
  /**
   * `written` may grow up to here without looking at the reader: the reader's count when last
   * read, plus the capacity (an atomic load per push cost as much as the rest of the push).
   */
  private limit: number;

  constructor(ring: FeedRing) {
    this.v = new RingView(ring);
    this.limit = ring.capacity;
  }

  push(t: number, id: number, template: number, clientIp: number, clientPort: number): void {
    const v = this.v;
    // Counters are int32: they wrap, and every comparison is on differences.
    if (this.written === this.limit) this.waitForRoom();
    const i = this.written & v.mask;
    v.t[i] = t;
    v.id[i] = id;
    v.template[i] = template;
    v.clientIp[i] = clientIp;
    v.clientPort[i] = clientPort;
    this.written = (this.written + 1) | 0;
    if (((this.written - this.published) | 0) >= BLOCK) this.publish();
  }

  /** Entries that can be pushed now without waiting. */
  room(): number {
    return this.v.mask + 1 - ((this.written - Atomics.load(this.v.header, READ)) | 0);
  }

  /**
   * Publish what was pushed and wait, without blocking the thread's event loop, until `entries`
   * more fit (the drawing side runs on the main thread, which must keep serving the pool), or
   * until `stop[0]` is 1.
   */
  async roomFor(entries: number, stop?: Int32Array): Promise<void> {
    this.publish();
    const h = this.v.header;
    // The ring is (nearly) full: whatever the backlog rule says, the reader must run now.
    Atomics.notify(h, WRITTEN);
    while (this.room() < entries && (stop === undefined || Atomics.load(stop, 0) === 0)) {
      const read = Atomics.load(h, READ);
      Atomics.store(h, SLEEPING, 2);
      if (this.room() < entries) {
        const r = Atomics.waitAsync(h, READ, read, 20);
        if (r.async) await r.value;
      }
      Atomics.store(h, SLEEPING, 0);
    }
  }

  /** No more arrivals: publish the rest and mark the ring done. */
  end(): void {
    this.publish();
    Atomics.store(this.v.header, DONE, 1);
    Atomics.notify(this.v.header, WRITTEN);
  }

  private publish(): void {
    if (this.published === this.written) return;
    this.published = this.written;
    const h = this.v.header;
    Atomics.store(h, WRITTEN, this.written);
    // A sleeping reader is woken once half the ring waits (a full ring and the end wake it too):
    // woken at every block, it drains the ring faster than the writer fills it and sleeps again,
    // and each wake-up preempts the writer, so the threads take turns instead of running side by side.
    if (Atomics.load(h, SLEEPING) === 1 && ((this.written - Atomics.load(h, READ)) | 0) > this.v.mask >>> 1)
      Atomics.notify(h, WRITTEN);
  }

  /** The ring is full as far as this writer knows: look at the reader, and wait while it is really full. */
  private waitForRoom(): void {
    const h = this.v.header;
    let read = Atomics.load(h, READ);
    if (((this.written - read) | 0) <= this.v.mask) {
      this.limit = (read + this.v.mask + 1) | 0;
      return;
    }
    this.publish();
    Atomics.notify(h, WRITTEN);
    for (;;) {
      read = Atomics.load(h, READ);
      if (((this.written - read) | 0) <= this.v.mask) {
        this.limit = (read + this.v.mask + 1) | 0;
        return;
      }
      Atomics.store(h, SLEEPING, 2);
      if (Atomics.load(h, READ) === read) Atomics.wait(h, READ, read, 100);
      Atomics.store(h, SLEEPING, 0);
    }
  }
}

/** A shard engine's end of its ring: the arrivals it owns, in order. */
export class FeedReader {
  private readonly v: RingView;
  private read = 0;
  private released = 0;
  private available = 0;
  /** The arrival `next()` returned. */
  id = 0;
  template = 0;
  clientIp = 0;
  clientPort = 0;

  constructor(ring: FeedRing) {
    this.v = new RingView(ring);
  }

  /** The next arrival's time (its fields are set), or Infinity when the feed is done. */
  next(): number {
    const v = this.v;
    if (this.read === this.available && !this.fill()) return Number.POSITIVE_INFINITY;
    const i = this.read & v.mask;
    this.id = v.id[i];
    this.template = v.template[i];
    this.clientIp = v.clientIp[i];
    this.clientPort = v.clientPort[i];
    const t = v.t[i];
    this.read = (this.read + 1) | 0;
    if (((this.read - this.released) | 0) >= BLOCK) this.release();
    return t;
  }

  private release(): void {
    this.released = this.read;
    const h = this.v.header;
    Atomics.store(h, READ, this.read);
    if (Atomics.load(h, SLEEPING) === 2) Atomics.notify(h, READ);
  }

  /** Wait for more entries; false when the writer is done and everything was read. */
  private fill(): boolean {
    const h = this.v.header;
    this.release();
    for (;;) {
      const written = Atomics.load(h, WRITTEN);
      if (written !== this.read) {
        this.available = written;
        return true;
      }
      if (Atomics.load(h, DONE) === 1 && Atomics.load(h, WRITTEN) === this.read) return false;
      Atomics.store(h, SLEEPING, 1);
      // Checked again after saying so: a publish in between would otherwise send no wake-up.
      if (Atomics.load(h, WRITTEN) === written && Atomics.load(h, DONE) === 0)
        Atomics.wait(h, WRITTEN, written, 100);
      Atomics.store(h, SLEEPING, 0);
    }
  }
}
