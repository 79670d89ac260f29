/**
 * A record writer: the journal sink that turns journal rows into one record row per request and
 * hands them to a format (JSONL, CSV, Parquet).
 *
 * Joining latencies: a routed row is final unless it carries FLAG_AWAITS_COMPLETION (set by the
 * producer when it will emit a completion row for that request). Such a row is held in the
 * in-flight store until the completed row with the same id arrives, then written with its latency.
 * Memory is bounded by the requests in flight. So records appear in the order requests finished:
 * at arrival for rows without a completion, at completion otherwise (sort by `t` for arrival
 * order). Rows still in flight when the journal ends (an interrupted run, or a producer that never
 * completed them) are written at the end in arrival order with latency null.
 *
 * Files are written to `<file>.partial` and renamed to `<file>` only when the journal ended with
 * RunFinished of a run that was not interrupted; `location` says where the records are.
 */
import type { JournalBatch, JournalSink } from '../journal/journal-batch.js';
import {
  FLAG_AWAITS_COMPLETION,
  ROW_ATTEMPT_FAILED,
  ROW_COMPLETED,
  ROW_CONTROL,
} from '../journal/journal-rows.js';
import { InFlightRows } from './in-flight.js';
import type { RecordFormat } from './record-format.js';

export class RecordWriter implements JournalSink {
  private readonly inFlight = new InFlightRows();
  private finished = false;
  private partialRun = false;
  private closed = false;
  private where: string;
  /** Rows written so far. */
  rows = 0;

  constructor(
    readonly path: string,
    private readonly format: RecordFormat,
    partialPath: string,
  ) {
    this.where = partialPath;
  }

  /** True once the journal has seen RunFinished of a run that was not interrupted. */
  get complete(): boolean {
    return this.finished && !this.partialRun;
  }

  /** Where the records are: `<file>.partial` until a complete run is closed, then `<file>`. */
  get location(): string {
    return this.where;
  }

  /** Requests held for their completion right now. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  onBatch(b: JournalBatch): void {
    const format = this.format;
    const inFlight = this.inFlight;
    for (let i = 0; i < b.n; i++) {
      const kind = b.kind[i];
      if (kind === ROW_CONTROL) {
        const entry = b.control[i]!;
        switch (entry.type) {
          case 'ListenerDefined':
          case 'TemplateDefined':
          case 'BackendDefined':
          case 'ScopeDefined':
            format.define(entry);
            break;
          case 'RunFinished':
            this.finished = true;
            this.partialRun = entry.partial;
            break;
        }
      } else if (kind === ROW_COMPLETED) {
        const id = b.id[i];
        const slot = inFlight.find(id);
        if (slot < 0) continue;
        format.row(inFlight, slot, b.latency[i]);
        inFlight.release(id);
        this.rows++;
      } else if (kind === ROW_ATTEMPT_FAILED) {
        // Not a request of its own: the request's routed row follows (attempts, retried flag).
      } else if ((b.flags[i] & FLAG_AWAITS_COMPLETION) !== 0) {
        inFlight.hold(b, i);
      } else {
        format.row(b, i, Number.NaN);
        this.rows++;
      }
    }
  }

  onEnd(): void {
    this.close();
  }

  /** Write rows still in flight, finish the file; idempotent. Returns where the records are. */
  close(): string {
    if (this.closed) return this.where;
    this.closed = true;
    let ok = false;
    try {
      for (const slot of this.inFlight.heldInArrivalOrder()) {
        this.format.row(this.inFlight, slot, Number.NaN);
        this.rows++;
      }
      ok = true;
    } finally {
      this.where = this.format.close(ok && this.complete);
    }
    return this.where;
  }
}
