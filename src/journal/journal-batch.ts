/**
 * The journal's unit of delivery: a column batch of rows (struct of arrays, no object per
 * request), emitted on the engine's rxjs Subject when full. A batch is valid only during the
 * `next()` call that delivers it: the producer reuses its arrays; subscribers copy what they keep.
 */
import {
  type ControlEntry,
  ROW_ATTEMPT_FAILED,
  ROW_COMPLETED,
  ROW_CONTROL,
  ROW_ROUTED,
} from './journal-rows.js';

export const BATCH_SIZE = 4096;

/** A column batch of journal rows. Index `i < n` is one row; `kind[i]` says which columns apply. */
export class JournalBatch {
  n = 0;
  readonly kind: Uint8Array;
  /** Simulated time, µs. */
  readonly t: Float64Array;
  /** Request id (ROUTED, COMPLETED). */
  readonly id: Float64Array;
  readonly listener: Int32Array;
  readonly template: Int32Array;
  /** Client source IPv4 as an unsigned 32-bit number. */
  readonly clientIp: Uint32Array;
  readonly clientPort: Uint16Array;
  readonly node: Uint16Array;
  readonly worker: Uint16Array;
  /** Scheduling scope, -1 when none was reached (refused, no such listener). */
  readonly scope: Int32Array;
  /** Backend that served (or failed) the request, -1 when none. */
  readonly backend: Int32Array;
  readonly outcome: Uint8Array;
  readonly attempts: Uint8Array;
  readonly flags: Uint8Array;
  /** µs from arrival to completion (COMPLETED rows). */
  readonly latency: Float64Array;
  /** Control entries, at the indexes whose kind is ROW_CONTROL. */
  readonly control: (ControlEntry | undefined)[];

  constructor(readonly capacity: number = BATCH_SIZE) {
    this.kind = new Uint8Array(capacity);
    this.t = new Float64Array(capacity);
    this.id = new Float64Array(capacity);
    this.listener = new Int32Array(capacity);
    this.template = new Int32Array(capacity);
    this.clientIp = new Uint32Array(capacity);
    this.clientPort = new Uint16Array(capacity);
    this.node = new Uint16Array(capacity);
    this.worker = new Uint16Array(capacity);
    this.scope = new Int32Array(capacity);
    this.backend = new Int32Array(capacity);
    this.outcome = new Uint8Array(capacity);
    this.attempts = new Uint8Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.latency = new Float64Array(capacity);
    this.control = new Array(capacity).fill(undefined);
  }

  get full(): boolean {
    return this.n === this.capacity;
  }

  clear(): void {
    for (let i = 0; i < this.n; i++) this.control[i] = undefined;
    this.n = 0;
  }

  /** Append a control row; the caller emits the batch when `full`. */
  pushControl(entry: ControlEntry): void {
    const i = this.n++;
    this.kind[i] = ROW_CONTROL;
    this.t[i] = entry.t;
    this.control[i] = entry;
  }

  /** Append a routed row. */
  pushRouted(
    t: number,
    id: number,
    listener: number,
    template: number,
    clientIp: number,
    clientPort: number,
    node: number,
    worker: number,
    scope: number,
    backend: number,
    outcome: number,
    attempts: number,
    flags: number,
  ): void {
    const i = this.n++;
    this.kind[i] = ROW_ROUTED;
    this.t[i] = t;
    this.id[i] = id;
    this.listener[i] = listener;
    this.template[i] = template;
    this.clientIp[i] = clientIp;
    this.clientPort[i] = clientPort;
    this.node[i] = node;
    this.worker[i] = worker;
    this.scope[i] = scope;
    this.backend[i] = backend;
    this.outcome[i] = outcome;
    this.attempts[i] = attempts;
    this.flags[i] = flags;
  }

  /** Append a failed-attempt row. */
  pushAttemptFailed(
    t: number,
    id: number,
    scope: number,
    backend: number,
    node: number,
    worker: number,
  ): void {
    const i = this.n++;
    this.kind[i] = ROW_ATTEMPT_FAILED;
    this.t[i] = t;
    this.id[i] = id;
    this.scope[i] = scope;
    this.backend[i] = backend;
    this.node[i] = node;
    this.worker[i] = worker;
  }

  /** Append a completion row. */
  pushCompleted(t: number, id: number, scope: number, backend: number, latency: number): void {
    const i = this.n++;
    this.kind[i] = ROW_COMPLETED;
    this.t[i] = t;
    this.id[i] = id;
    this.scope[i] = scope;
    this.backend[i] = backend;
    this.latency[i] = latency;
  }
}

/** Anything that consumes journal batches in order (projections, record writers, the journal file). */
export interface JournalSink {
  onBatch(batch: JournalBatch): void;
  /** Called once after the last batch (also after an interrupted run). */
  onEnd?(): void;
}
