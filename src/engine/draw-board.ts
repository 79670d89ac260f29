/**
 * The arrivals of a synthetic run drawn once, by the shards themselves, for all of them
 * (`slbsim run --workers N`): a board in shared memory of `SLOTS` chunks of `CHUNK` arrivals, each
 * arrival's time, template and client. The run's streams are independent of one another, so two
 * shards share the drawing by stream — one draws the `arrivals` stream (the times), another the
 * `mix` and `clients` streams — each in its stream's own order, as one thread draws them; every
 * shard reads every chunk and routes the arrivals it owns (engine/arrival-owner.ts; where ownership
 * is static, the mix drawer sorts each chunk's arrivals by shard, and a shard reads the list of its
 * own and nothing of the others'). The draws
 * that one thread makes in a row, ~35 ns a request, become two halves that run side by side, and no
 * thread is left that only draws: on N cores N threads route.
 *
 * A shard draws at its chunk boundaries: before it reads chunk s, whatever of its stream fits on
 * the board (a slot is free once every shard has read the chunk it held). A shard waits
 * (Atomics.wait) only when chunk s is not drawn yet and it has nothing of its own to draw; the
 * shard holding the lowest chunk can always go on (every chunk below the highest one read is
 * drawn), so the board never deadlocks. The stream that takes longest (the times: an alea step and
 * a logarithm each) goes to the shard with the lightest routing load.
 *
 * Hand-written: a message per arrival (postMessage) costs ~1 µs, a simulated request ~0.1 µs.
 */
import type { Scenario } from '../scenario/scenario-model.js';
import type { ArrivalFeed } from './arrival-feed.js';
import { ArrivalOwners } from './arrival-owner.js';
import { type ArrivalStream, fillUntil } from './arrivals.js';
import { RequestDraw } from './client-draw.js';
import { arrivalSource } from './run-start.js';
import { planCut } from './shard-cut.js';

/** Arrivals per chunk (at most 65 536: offsets in a chunk are Uint16) and chunks on the board (a power of two each). */
const CHUNK = 8192;
const SLOTS = 16;
const SLOT_MASK = SLOTS - 1;

/**
 * Header slots (Int32): chunks drawn per stream, where the run ends, a wake-up counter, the seats
 * taken, then per shard the chunks read.
 */
const TIMES = 0;
const MIX = 1;
const END_SEQ = 2;
const END_COUNT = 3;
const GEN = 4;
const SEATS = 5;
const CONSUMED = 8;

/** The shared memory of one run's board (passed to each shard's worker as is). */
export interface DrawBoard {
  readonly buffer: SharedArrayBuffer;
  readonly shards: number;
  /** The shard that draws the times (`arrivals` stream). */
  readonly times: number;
  /** The shard that draws the templates and clients (`mix` and `clients` streams). */
  readonly mix: number;
}

/** A board for `shards` shards; the two drawing roles go to the shards of least `load`. */
export function createDrawBoard(shards: number, load: readonly number[]): DrawBoard {
  const order = Array.from({ length: shards }, (_, i) => i).sort(
    (a, b) => (load[a] ?? 0) - (load[b] ?? 0) || a - b,
  );
  const buffer = new SharedArrayBuffer(
    columnsAt(shards) + SLOTS * CHUNK * (8 + 4 + 4 + 4 + 2) + SLOTS * (shards + 1) * 4,
  );
  new Int32Array(buffer, 0, CONSUMED + shards)[END_SEQ] = -1;
  return { buffer, shards, times: order[0], mix: order[shards > 1 ? 1 : 0] };
}

/**
 * Resolves once `n` shards sit at the board, or `stop` is set. A shard on the thread that runs the
 * pool starts only then: waiting for a chunk blocks its thread (Atomics.wait), and a blocked thread
 * cannot hand the pool's workers their tasks.
 */
export async function boardSeated(board: DrawBoard, n: number, stop?: Int32Array): Promise<void> {
  const h = new Int32Array(board.buffer, 0, CONSUMED);
  for (;;) {
    const taken = Atomics.load(h, SEATS);
    if (taken >= n || (stop !== undefined && Atomics.load(stop, 0) === 1)) return;
    await Atomics.waitAsync(h, SEATS, taken, 50).value;
  }
}

/** Bytes before the columns: the header, then per slot the time of its chunk's last arrival. */
function headerBytes(shards: number): number {
  return Math.ceil(((CONSUMED + shards) * 4) / 8) * 8;
}

function columnsAt(shards: number): number {
  return headerBytes(shards) + SLOTS * 8;
}

class BoardView {
  readonly header: Int32Array;
  readonly lastT: Float64Array;
  readonly t: Float64Array;
  readonly template: Int32Array;
  readonly clientIp: Uint32Array;
  readonly clientPort: Int32Array;
  /**
   * When ownership is static (else unused): per slot, the chunk's offsets sorted by shard
   * (`byShard`), and where each shard's run of them starts (`shardStart`, `shards + 1` per slot).
   */
  readonly byShard: Uint16Array;
  readonly shardStart: Int32Array;

  constructor(board: DrawBoard) {
    const b = board.buffer;
    const n = SLOTS * CHUNK;
    const at = columnsAt(board.shards);
    this.header = new Int32Array(b, 0, CONSUMED + board.shards);
    this.lastT = new Float64Array(b, headerBytes(board.shards), SLOTS);
    this.t = new Float64Array(b, at, n);
    this.template = new Int32Array(b, at + 8 * n, n);
    this.clientIp = new Uint32Array(b, at + 12 * n, n);
    this.clientPort = new Int32Array(b, at + 16 * n, n);
    this.byShard = new Uint16Array(b, at + 20 * n, n);
    this.shardStart = new Int32Array(b, at + 22 * n, SLOTS * (board.shards + 1));
  }
}

export interface BoardSeatOptions {
  readonly seed: string;
  readonly requests?: number;
  /** 1 stops every shard (Ctrl-C, a failed shard): `next()` then returns Infinity. */
  readonly stop?: Int32Array;
}

/** One shard's seat at the board: the arrivals it owns, in order, and its share of the drawing. */
export class BoardReader implements ArrivalFeed {
  private readonly v: BoardView;
  private readonly h: Int32Array;
  private readonly owners: ArrivalOwners;
  private readonly shards: number;
  private readonly stop: Int32Array | undefined;
  private readonly arrivals: ArrivalStream | null = null;
  private readonly until: number;
  private readonly draw: RequestDraw | null = null;
  /** The chunk being read, where in it, how many it holds, its first entry; -1 before the first. */
  private seq = -1;
  private pos = 0;
  private count = 0;
  private base = 0;
  /**
   * The chunk lies before the next timeline event: each arrival's shard is its template's
   * (`owners`), looked up without reading its time or client, except where that is -1 (by client).
   */
  private settled = false;
  private ownerOfTemplate: Int32Array = new Int32Array(0);
  /**
   * Ownership is static (`ArrivalOwners.ownershipIsStatic`, at most 255 shards): the shard drawing
   * the mix sorts each chunk's offsets by shard as it draws, and a shard walks its own run of
   * them. A mark per arrival that every reader scans costs it a mispredicted branch per arrival it
   * owns (the owners follow the mix, at random): 50 M requests on 2 threads took ~0.1 s longer.
   */
  private readonly fixed: boolean;
  /** In a chunk of static ownership: where this shard's run of `byShard` is, and where it ends. */
  private mine = 0;
  private mineEnd = 0;
  /** The mix drawer's scratch: each arrival's shard, and the runs' starts, of the chunk it sorts. */
  private readonly ownerScratch = new Uint8Array(CHUNK);
  private readonly sortScratch = new Uint16Array(CHUNK + 1);
  private readonly startScratch: Int32Array;
  /** Chunks this seat drew of its streams (times, mix), and whether the times ran out. */
  private timesDrawn = 0;
  private mixDrawn = 0;
  private timesEnded = false;
  id = 0;
  template = 0;
  clientIp = 0;
  clientPort = 0;

  constructor(
    board: DrawBoard,
    private readonly shard: number,
    scenario: Scenario,
    opts: BoardSeatOptions,
  ) {
    this.v = new BoardView(board);
    this.h = this.v.header;
    this.shards = board.shards;
    this.stop = opts.stop;
    const cut = planCut(scenario, board.shards);
    this.owners = new ArrivalOwners(scenario, opts.seed, cut);
    this.fixed = board.shards <= 255 && new ArrivalOwners(scenario, opts.seed, cut).ownershipIsStatic();
    this.startScratch = new Int32Array(board.shards + 1);
    this.until = scenario.simulation.until ?? Number.POSITIVE_INFINITY;
    const source = arrivalSource(scenario, opts.seed, opts.requests ?? scenario.traffic?.requests);
    if (shard === board.times) this.arrivals = source.arrivals;
    else this.timesEnded = true;
    if (shard === board.mix && source.mix !== null)
      this.draw = new RequestDraw(scenario, opts.seed, source.mix);
    Atomics.add(this.h, SEATS, 1);
    Atomics.notify(this.h, SEATS);
  }

  /** The next arrival this shard owns: its time (its fields set), or Infinity when there is none. */
  next(): number {
    for (;;) {
      const i = this.fixed ? this.nextMarked() : this.settled ? this.nextSettled() : this.nextAny();
      if (i >= 0) {
        const v = this.v;
        this.id = this.seq * CHUNK + (i - this.base);
        this.template = v.template[i];
        this.clientIp = v.clientIp[i];
        this.clientPort = v.clientPort[i];
        return v.t[i];
      }
      if (!this.advance()) return Number.POSITIVE_INFINITY;
    }
  }

  /** The board index of this shard's next arrival in its run of the chunk's sorted offsets, or -1 at its end. */
  private nextMarked(): number {
    if (this.mine < this.mineEnd) {
      const j = this.v.byShard[this.base + this.mine];
      // The last chunk is drawn whole by the mix drawer and cut by the times: offsets past it are not arrivals.
      if (j < this.count) {
        this.mine++;
        return this.base + j;
      }
    }
    return -1;
  }

  /** The board index of this shard's next arrival in a settled chunk, or -1 at its end. */
  private nextSettled(): number {
    const owner = this.ownerOfTemplate;
    const template = this.v.template;
    const me = this.shard;
    const end = this.base + this.count;
    for (let i = this.base + this.pos; i < end; i++) {
      const o = owner[template[i]];
      if (o === me || (o < 0 && this.byClient(i) === me)) {
        this.pos = i + 1 - this.base;
        return i;
      }
    }
    this.pos = this.count;
    return -1;
  }

  /** The same in a chunk a timeline event falls in: each arrival's shard at its own time. */
  private nextAny(): number {
    const v = this.v;
    const owners = this.owners;
    const end = this.base + this.count;
    for (let i = this.base + this.pos; i < end; i++) {
      if (owners.ownerOf(v.t[i], v.template[i], v.clientIp[i], v.clientPort[i]) === this.shard) {
        this.pos = i + 1 - this.base;
        return i;
      }
    }
    this.pos = this.count;
    return -1;
  }

  private byClient(i: number): number {
    const v = this.v;
    return this.owners.ownerOfClient(v.template[i], v.clientIp[i], v.clientPort[i]);
  }

  /** Done with the chunk: on to the next, drawing and waiting as needed; false at the end of the run. */
  private advance(): boolean {
    const h = this.h;
    if (this.seq >= 0 && this.seq === Atomics.load(h, END_SEQ)) {
      this.count = 0;
      return false;
    }
    const seq = ++this.seq;
    Atomics.store(h, CONSUMED + this.shard, seq);
    this.wake();
    for (;;) {
      if (this.drawSome()) continue;
      if (Atomics.load(h, TIMES) > seq && Atomics.load(h, MIX) > seq) break;
      if (this.stop !== undefined && Atomics.load(this.stop, 0) === 1) {
        this.count = 0;
        return false;
      }
      const gen = Atomics.load(h, GEN);
      if (Atomics.load(h, TIMES) > seq && Atomics.load(h, MIX) > seq) break;
      Atomics.wait(h, GEN, gen, 50);
    }
    const end = Atomics.load(h, END_SEQ);
    this.count = end === seq ? Atomics.load(h, END_COUNT) : CHUNK;
    this.base = (seq & SLOT_MASK) * CHUNK;
    this.pos = 0;
    if (this.fixed) {
      const runs = (seq & SLOT_MASK) * (this.shards + 1) + this.shard;
      this.mine = this.v.shardStart[runs];
      this.mineEnd = this.v.shardStart[runs + 1];
    } else {
      this.settled = this.count > 0 && this.v.lastT[seq & SLOT_MASK] < this.owners.nextAt;
      if (this.settled) this.ownerOfTemplate = this.owners.templateOwners();
    }
    return true;
  }

  /** Draw what fits of this seat's streams; true when it drew anything. */
  private drawSome(): boolean {
    if (this.timesEnded && this.draw === null) return false;
    const h = this.h;
    let free = Atomics.load(h, CONSUMED);
    for (let s = 1; s < this.shards; s++) free = Math.min(free, Atomics.load(h, CONSUMED + s));
    free += SLOTS;
    let drew = false;
    while (!this.timesEnded && this.timesDrawn < free) {
      this.drawTimes(this.timesDrawn++);
      drew = true;
    }
    const end = Atomics.load(h, END_SEQ);
    while (this.draw !== null && this.mixDrawn < free && (end < 0 || this.mixDrawn <= end)) {
      this.drawMix(this.mixDrawn++);
      drew = true;
    }
    return drew;
  }

  private drawTimes(seq: number): void {
    const out = this.v.t;
    const slot = seq & SLOT_MASK;
    const base = slot * CHUNK;
    const n = fillUntil(this.arrivals!, out, base, CHUNK, this.until);
    if (n < CHUNK) {
      this.timesEnded = true;
      Atomics.store(this.h, END_COUNT, n);
      Atomics.store(this.h, END_SEQ, seq);
    }
    if (n > 0) this.v.lastT[slot] = out[base + n - 1];
    Atomics.store(this.h, TIMES, seq + 1);
    this.wake();
  }

  private drawMix(seq: number): void {
    const draw = this.draw!;
    const { template, clientIp, clientPort } = this.v;
    const base = (seq & SLOT_MASK) * CHUNK;
    draw.fill(template, clientIp, clientPort, base, CHUNK);
    if (this.fixed) this.sortByShard(base, seq & SLOT_MASK);
    Atomics.store(this.h, MIX, seq + 1);
    this.wake();
  }

  /**
   * Static ownership: the chunk from `base` (slot `slot`) sorted by shard — each shard's offsets in
   * order, and where each shard's run starts. No data-dependent branch: for a few shards one pass
   * each that writes every offset and moves its cursor past its own; for more, a counting sort
   * (its counters chain store to load when consecutive arrivals share a shard: on 2 threads it
   * measured no faster than the marks it replaces).
   */
  private sortByShard(base: number, slot: number): void {
    const { template, byShard, shardStart } = this.v;
    const ofTemplate = this.owners.templateOwners();
    const own = this.ownerScratch;
    const shards = this.shards;
    for (let i = 0; i < CHUNK; i++) {
      const o = ofTemplate[template[base + i]];
      own[i] = o >= 0 ? o : this.byClient(base + i);
    }
    const runs = slot * (shards + 1);
    if (shards <= 4) {
      // Written past its own run by one (then overwritten): the scratch has a spare entry at its end.
      const sorted = this.sortScratch;
      let p = 0;
      for (let k = 0; k < shards; k++) {
        shardStart[runs + k] = p;
        for (let i = 0; i < CHUNK; i++) {
          sorted[p] = i;
          // 1 when own[i] is k, else 0, in arithmetic (V8 compiles a conditional to a branch).
          p += ((own[i] ^ k) - 1) >>> 31;
        }
      }
      shardStart[runs + shards] = CHUNK;
      byShard.set(sorted.subarray(0, CHUNK), base);
      return;
    }
    const start = this.startScratch;
    start.fill(0);
    for (let i = 0; i < CHUNK; i++) start[own[i] + 1]++;
    // start[k + 1] holds shard k's count: summed up, start[k] is where shard k's run begins.
    for (let k = 0; k < shards; k++) start[k + 1] += start[k];
    for (let k = 0; k <= shards; k++) shardStart[runs + k] = start[k];
    for (let i = 0; i < CHUNK; i++) byShard[base + start[own[i]]++] = i;
  }

  private wake(): void {
    Atomics.add(this.h, GEN, 1);
    Atomics.notify(this.h, GEN);
  }
}
