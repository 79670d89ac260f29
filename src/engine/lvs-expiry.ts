/**
 * LVS inactive connection entries: IPVS keeps a closed connection of a `wlc` virtual service as an
 * inactive entry for its FIN_WAIT timeout (ipvsadm default 120 s), and `wlc` counts it until it
 * expires. The delay is constant, so entries expire in the order they were made: a FIFO of
 * (expiry time; scope, node and worker, member, backend), 24 bytes an entry in typed-array blocks of
 * 65 536 entries. A block whose entries all expired is reused, so a run's memory stops growing
 * once its first 120 s have passed.
 *
 * Hand-written: the entries of the last 120 s are the run's largest state (12 M of them at
 * 100 000 connections a second). A JS array of six numbers an entry, compacted by `splice`, took
 * 44 % of an L4 wlc replay's time and ~100 bytes an entry; one ring doubled when full still spent
 * 20 % copying and faulting in the memory it doubled into.
 */
import type { Picker } from '../routing/picker.js';
import { Connection, type ConnectionRef } from '../routing/route-result.js';

/** IPVS keeps a closed connection as an inactive entry for its FIN_WAIT timeout (ipvsadm default 120 s). */
export const LVS_INACTIVE_US = 120_000_000;

/** Int32 fields per entry: scope, node · 65 536 + worker (a scenario has ≤ 1 024 nodes of ≤ 64 workers), member, backend. */
const FIELDS = 4;
/** Entries per block. */
const BLOCK = 1 << 16;

interface Block {
  readonly expiry: Float64Array;
  readonly fields: Int32Array;
}

export class InactiveEntries {
  /** The blocks in FIFO order from `first`; entries from `head` in the first, up to `tail` in the last. */
  private readonly blocks: Block[] = [];
  private first = 0;
  private head = 0;
  private tail = BLOCK;
  /** Blocks whose entries all expired, for reuse. */
  private readonly spare: Block[] = [];
  private count = 0;
  private readonly scratch = new Connection();

  /** Whether any entry waits to expire. */
  get pending(): boolean {
    return this.count > 0;
  }

  /** Connection `c` closed at `now`: its entry expires `LVS_INACTIVE_US` later. */
  push(now: number, c: ConnectionRef): void {
    if (c.node > 32767 || c.worker > 65535)
      throw new RangeError(`cluster node ${c.node} / worker ${c.worker} past what an inactive entry holds`);
    if (this.tail === BLOCK) this.addBlock();
    const b = this.blocks[this.blocks.length - 1];
    const i = this.tail++;
    b.expiry[i] = now + LVS_INACTIVE_US;
    const f = b.fields;
    const at = i * FIELDS;
    f[at] = c.scope;
    f[at + 1] = c.node * 65536 + c.worker;
    f[at + 2] = c.member;
    f[at + 3] = c.backend;
    this.count++;
  }

  /** Expire every entry due at or before `t` (the picker tells their schedulers). */
  expireUntil(t: number, picker: Pick<Picker, 'expire'>): void {
    const c = this.scratch;
    while (this.count > 0) {
      if (this.head === BLOCK) this.dropBlock();
      const b = this.blocks[this.first];
      if (b.expiry[this.head] > t) return;
      const f = b.fields;
      const at = this.head * FIELDS;
      c.scope = f[at];
      const nodeWorker = f[at + 1];
      c.node = nodeWorker >>> 16;
      c.worker = nodeWorker & 0xffff;
      c.member = f[at + 2];
      c.backend = f[at + 3];
      picker.expire(c);
      this.head++;
      this.count--;
    }
  }

  private addBlock(): void {
    if (this.count === 0) {
      // An empty queue: every block it holds is free; start again in one of them.
      for (let k = this.first; k < this.blocks.length; k++) this.spare.push(this.blocks[k]);
      this.blocks.length = 0;
      this.first = 0;
      this.head = 0;
    }
    this.blocks.push(
      this.spare.pop() ?? { expiry: new Float64Array(BLOCK), fields: new Int32Array(BLOCK * FIELDS) },
    );
    this.tail = 0;
  }

  /** The first block is used up: keep it for reuse (its slot in `blocks` is let go now and then). */
  private dropBlock(): void {
    this.spare.push(this.blocks[this.first]);
    this.first++;
    this.head = 0;
    if (this.first >= 64) {
      this.blocks.splice(0, this.first);
      this.first = 0;
    }
  }
}
