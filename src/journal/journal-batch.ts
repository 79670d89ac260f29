/**
 * The journal's unit of delivery: a column batch of rows (struct of arrays, no object per
 * request), emitted on the engine's rxjs Subject when full. A batch is valid only during the
 * `next()` call that delivers it: the producer reuses its arrays; subscribers copy what they keep.
 * A run whose consumers all say they read only CORE_ROUTED_COLUMNS of routed rows
 * (`JournalSink.reads`) leaves the other routed columns as earlier rows left them.
 */
import {
  type ControlEntry,
  ROW_ATTEMPT_FAILED,
  ROW_COMPLETED,
  ROW_CONTROL,
  ROW_ROUTED,
} from './journal-rows.js';
import {
  ALL_COLUMNS,
  type AttemptFailedRow,
  type ColumnArrays,
  type ColumnName,
  type CompletedRow,
  columnStore,
  copyRow,
  type JournalRow,
  newRow,
  type RoutedRow,
  storeRow,
} from './row-columns.js';

export const BATCH_SIZE = 4096;

/**
 * A column batch of journal rows. Index `i < n` is one row; `kind[i]` says which columns apply.
 * The columns are those of ROW_COLUMNS (row-columns.ts), one typed array each.
 */
export class JournalBatch extends columnStore(ALL_COLUMNS) {
  n = 0;
  readonly kind: Uint8Array;
  /** Control entries, at the indexes whose kind is ROW_CONTROL. */
  readonly control: (ControlEntry | undefined)[];
  /** A row object for the producer to fill and push: reused for every row, never kept. */
  readonly row: JournalRow = newRow();

  constructor(readonly capacity: number = BATCH_SIZE) {
    super(capacity);
    this.kind = new Uint8Array(capacity);
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

  /** Append a routed row (the ROUTED_COLUMNS of `row`). */
  pushRouted(row: Readonly<RoutedRow>): void {
    const i = this.n++;
    this.kind[i] = ROW_ROUTED;
    storeRow.routed(this, i, row);
  }

  /** Append a routed row whose columns the caller writes at the index returned (every ROUTED_COLUMNS one). */
  appendRouted(): number {
    const i = this.n++;
    this.kind[i] = ROW_ROUTED;
    return i;
  }

  /** Append a completed row whose columns the caller writes at the index returned (every COMPLETED_COLUMNS one). */
  appendCompleted(): number {
    const i = this.n++;
    this.kind[i] = ROW_COMPLETED;
    return i;
  }

  /** Append a failed-attempt row (the ATTEMPT_FAILED_COLUMNS of `row`). */
  pushAttemptFailed(row: Readonly<AttemptFailedRow>): void {
    const i = this.n++;
    this.kind[i] = ROW_ATTEMPT_FAILED;
    storeRow.attemptFailed(this, i, row);
  }

  /** Append a completion row (the COMPLETED_COLUMNS of `row`). */
  pushCompleted(row: Readonly<CompletedRow>): void {
    const i = this.n++;
    this.kind[i] = ROW_COMPLETED;
    storeRow.completed(this, i, row);
  }

  /** Append a row of `kind` (routed, failed attempt, completed) from a row object. */
  pushRow(kind: number, row: Readonly<JournalRow>): void {
    if (kind === ROW_ROUTED) this.pushRouted(row);
    else if (kind === ROW_ATTEMPT_FAILED) this.pushAttemptFailed(row);
    else this.pushCompleted(row);
  }

  /** Append row `s` of another column store as a row of `kind` (routed, failed attempt, completed). */
  pushFrom(kind: number, src: Readonly<ColumnArrays>, s: number): void {
    const i = this.n++;
    this.kind[i] = kind;
    if (kind === ROW_ROUTED) copyRow.routed(this, i, src, s);
    else if (kind === ROW_ATTEMPT_FAILED) copyRow.attemptFailed(this, i, src, s);
    else copyRow.completed(this, i, src, s);
  }
}

/** Anything that consumes journal batches in order (projections, record writers, the journal file). */
export interface JournalSink {
  /**
   * The columns this sink reads (absent: all of them). A run whose sinks all say they read only
   * CORE_ROUTED_COLUMNS of routed rows may leave the other routed columns unwritten.
   */
  readonly reads?: readonly ColumnName[];
  onBatch(batch: JournalBatch): void;
  /** Called once after the last batch (also after an interrupted run). */
  onEnd?(): void;
}
