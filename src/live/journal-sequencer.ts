/**
 * The live journal: the same column batches the simulation emits, built from what the proxies and
 * the harness really did, so one report code path serves `run` and `live`.
 *
 * Order matters to the projections (a routed row belongs to the epoch in force when it was picked),
 * but a live request's outcome is known only after its response (or its retries). So a routed row
 * reserves its place in the sequence when the proxy picks the backend, is filled in when the
 * outcome is known, and rows leave in reservation order: a row never overtakes the control rows
 * (epochs, health changes, faults) that happened after its pick. Rows of requests still open when
 * the run ends are dropped and counted (`dropped`).
 *
 * Storage is a growable ring of typed columns: no object per row.
 */

import { JournalBatch, type JournalSink } from '../journal/journal-batch.js';
import {
  type ControlEntry,
  ROW_ATTEMPT_FAILED,
  ROW_COMPLETED,
  ROW_CONTROL,
  ROW_ROUTED,
} from '../journal/journal-rows.js';
import {
  ALL_COLUMNS,
  type AttemptFailedRow,
  allocateColumns,
  type ColumnArrays,
  type CompletedRow,
  type JournalRow,
  newRow,
  type RoutedRow,
  storeRow,
} from '../journal/row-columns.js';

type ColumnArray = ColumnArrays[keyof ColumnArrays];

const PENDING = 255;
const DROPPED = 254;

export class JournalSequencer {
  private capacity = 1024;
  private mask = this.capacity - 1;
  private kind = new Uint8Array(this.capacity);
  /** The ring: one array per row column, slot = sequence number & mask. */
  private cols: ColumnArrays = allocateColumns(ALL_COLUMNS, this.capacity);
  private controls: (ControlEntry | undefined)[] = new Array(this.capacity).fill(undefined);
  /** Next sequence number to emit / to hand out. */
  private head = 0;
  private tail = 0;
  private readonly batch = new JournalBatch();
  private ended = false;
  /** A row object for the producer to fill and hand to `routed`, `attemptFailed`, `completed`. */
  readonly row: JournalRow = newRow();
  /** Routed rows given up at the end (request still open). */
  dropped = 0;
  /** Rows emitted, by kind. */
  routedRows = 0;
  completedRows = 0;

  constructor(private readonly sinks: readonly JournalSink[]) {}

  /** Append a control row now. */
  control(entry: ControlEntry): void {
    const s = this.reserveSlot();
    const i = s & this.mask;
    this.kind[i] = ROW_CONTROL;
    this.cols.t[i] = entry.t;
    this.controls[i] = entry;
    this.drain();
  }

  /** Reserve the place of a routed row (at pick time); fill it with `routed(seq, row)`. */
  reserve(): number {
    const s = this.reserveSlot();
    this.kind[s & this.mask] = PENDING;
    return s;
  }

  /** Fill a reserved routed row. */
  routed(seq: number, row: Readonly<RoutedRow>): void {
    const i = seq & this.mask;
    this.kind[i] = ROW_ROUTED;
    storeRow.routed(this.cols, i, row);
    if (seq === this.head) this.drain();
  }

  /**
   * Fill a reserved place with a failed attempt (the request is being retried) and reserve the
   * request's next place, so the attempt precedes the routed row as in the simulation's journal.
   * Returns the new reservation.
   */
  attemptFailed(seq: number, row: Readonly<AttemptFailedRow>): number {
    const i = seq & this.mask;
    this.kind[i] = ROW_ATTEMPT_FAILED;
    storeRow.attemptFailed(this.cols, i, row);
    const next = this.reserve();
    if (seq === this.head) this.drain();
    return next;
  }

  /** Append a completion row now (after its routed row's reservation, so it never precedes it). */
  completed(row: Readonly<CompletedRow>): void {
    const s = this.reserveSlot();
    const i = s & this.mask;
    this.kind[i] = ROW_COMPLETED;
    storeRow.completed(this.cols, i, row);
    this.drain();
  }

  /** Rows reserved but not yet filled. */
  get pending(): number {
    let n = 0;
    for (let s = this.head; s < this.tail; s++) if (this.kind[s & this.mask] === PENDING) n++;
    return n;
  }

  /** Give up on unfilled rows, emit everything, and end the sinks. Idempotent. */
  end(): void {
    if (this.ended) return;
    for (let s = this.head; s < this.tail; s++) {
      const i = s & this.mask;
      if (this.kind[i] === PENDING) {
        this.kind[i] = DROPPED;
        this.dropped++;
      }
    }
    this.drain();
    this.emit();
    this.ended = true;
    for (const sink of this.sinks) sink.onEnd?.();
  }

  /** Emit the rows ready so far (without ending). */
  flush(): void {
    this.drain();
    this.emit();
  }

  private reserveSlot(): number {
    if (this.tail - this.head === this.capacity) this.grow();
    return this.tail++;
  }

  private drain(): void {
    const b = this.batch;
    while (this.head < this.tail) {
      const i = this.head & this.mask;
      const k = this.kind[i];
      if (k === PENDING) return;
      this.head++;
      if (k === DROPPED) continue;
      if (k === ROW_CONTROL) {
        b.pushControl(this.controls[i]!);
        this.controls[i] = undefined;
      } else {
        b.pushFrom(k, this.cols, i);
        if (k === ROW_ROUTED) this.routedRows++;
        else if (k === ROW_COMPLETED) this.completedRows++;
      }
      if (b.full) this.emit();
    }
  }

  private emit(): void {
    if (this.batch.n === 0 || this.ended) return;
    for (const sink of this.sinks) sink.onBatch(this.batch);
    this.batch.clear();
  }

  private grow(): void {
    const old = this.capacity;
    const cap = old * 2;
    const copy = <T extends { length: number; [i: number]: number }>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      for (let s = this.head; s < this.tail; s++) b[s & (cap - 1)] = a[s & (old - 1)];
      return b;
    };
    this.kind = copy(this.kind, (n) => new Uint8Array(n));
    const cols = allocateColumns(ALL_COLUMNS, cap) as Record<string, ColumnArray>;
    const from = this.cols as Record<string, ColumnArray>;
    for (const name of ALL_COLUMNS) cols[name] = copy(from[name], () => cols[name]);
    this.cols = cols as ColumnArrays;
    const controls: (ControlEntry | undefined)[] = new Array(cap).fill(undefined);
    for (let s = this.head; s < this.tail; s++) controls[s & (cap - 1)] = this.controls[s & (old - 1)];
    this.controls = controls;
    this.capacity = cap;
    this.mask = cap - 1;
  }
}
