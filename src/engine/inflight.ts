/**
 * The requests in flight (a modelled service time runs): one slot each in flat typed arrays — the
 * request id and start time, and the connection its pick opened (scope, node, worker, member,
 * backend) for the scheduler's release when it completes. Freed slots are reused; no allocation
 * per request once the arrays have grown to the peak concurrency.
 */
import type { Connection, ConnectionRef } from '../routing/route-result.js';

/** Int32 fields per slot: the connection. */
const INTS = 5;
/** Float64 fields per slot: id, start. */
const FLOATS = 2;

export class InflightRequests {
  private times = new Float64Array(0);
  private ints = new Int32Array(0);
  private readonly free: number[] = [];
  private count = 0;

  /** A request `id` started at `start` on connection `c`; returns its slot. */
  add(id: number, start: number, c: ConnectionRef): number {
    const slot = this.allocate();
    const f = slot * FLOATS;
    this.times[f] = id;
    this.times[f + 1] = start;
    const n = slot * INTS;
    const ints = this.ints;
    ints[n] = c.scope;
    ints[n + 1] = c.node;
    ints[n + 2] = c.worker;
    ints[n + 3] = c.member;
    ints[n + 4] = c.backend;
    return slot;
  }

  id(slot: number): number {
    return this.times[slot * FLOATS];
  }

  start(slot: number): number {
    return this.times[slot * FLOATS + 1];
  }

  /** The slot's connection, copied into `into`. */
  connection(slot: number, into: Connection): Connection {
    const n = slot * INTS;
    const ints = this.ints;
    into.scope = ints[n];
    into.node = ints[n + 1];
    into.worker = ints[n + 2];
    into.member = ints[n + 3];
    into.backend = ints[n + 4];
    return into;
  }

  /** The request completed: its slot is free again. */
  release(slot: number): void {
    this.free.push(slot);
    this.count--;
  }

  private allocate(): number {
    this.count++;
    const free = this.free.pop();
    if (free !== undefined) return free;
    const slot = this.count - 1 + this.free.length;
    if ((slot + 1) * INTS > this.ints.length) {
      const cap = Math.max(1024, this.ints.length / INTS) * 2;
      const times = new Float64Array(cap * FLOATS);
      times.set(this.times);
      const ints = new Int32Array(cap * INTS);
      ints.set(this.ints);
      this.times = times;
      this.ints = ints;
    }
    return slot;
  }
}
