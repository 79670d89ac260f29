/**
 * LVS inactive connection entries: IPVS keeps a closed connection of a `wlc` virtual service as an
 * inactive entry for its FIN_WAIT timeout (ipvsadm default 120 s), and `wlc` counts it until it
 * expires. One FIFO of (expiry time, connection) in a flat number array: the delay is constant, so
 * the queue stays sorted by expiry time.
 */
import type { Picker } from '../routing/picker.js';
import { Connection, type ConnectionRef } from '../routing/route-result.js';

/** IPVS keeps a closed connection as an inactive entry for its FIN_WAIT timeout (ipvsadm default 120 s). */
export const LVS_INACTIVE_US = 120_000_000;

/** Numbers per entry: the expiry time, then scope, node, worker, member, backend. */
const WIDTH = 6;

export class InactiveEntries {
  private readonly queue: number[] = [];
  private head = 0;
  private readonly scratch = new Connection();

  /** Whether any entry waits to expire. */
  get pending(): boolean {
    return this.head < this.queue.length;
  }

  /** Connection `c` closed at `now`: its entry expires `LVS_INACTIVE_US` later. */
  push(now: number, c: ConnectionRef): void {
    this.queue.push(now + LVS_INACTIVE_US, c.scope, c.node, c.worker, c.member, c.backend);
  }

  /** Expire every entry due at or before `t` (the picker tells their schedulers). */
  expireUntil(t: number, picker: Pick<Picker, 'expire'>): void {
    const q = this.queue;
    const c = this.scratch;
    while (this.head < q.length && q[this.head] <= t) {
      const h = this.head;
      c.scope = q[h + 1];
      c.node = q[h + 2];
      c.worker = q[h + 3];
      c.member = q[h + 4];
      c.backend = q[h + 5];
      picker.expire(c);
      this.head += WIDTH;
    }
    if (this.head > 50_000 && this.head * 2 > q.length) {
      q.splice(0, this.head);
      this.head = 0;
    }
  }
}
