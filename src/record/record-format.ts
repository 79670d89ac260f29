/**
 * What a record format (JSONL, CSV, Parquet) implements: it receives the journal's definitions as
 * they arrive and one finished request at a time as a row index into columns (a journal batch, or
 * the in-flight store for rows joined with their completion), never as an object per request.
 */
import type {
  BackendDefined,
  ListenerDefined,
  ScopeDefined,
  TemplateDefined,
} from '../journal/journal-rows.js';

/** The routed-row columns of a journal batch (the in-flight store has the same shape). */
export interface RowColumns {
  readonly t: Float64Array;
  readonly id: Float64Array;
  readonly listener: Int32Array;
  readonly template: Int32Array;
  readonly clientIp: Uint32Array;
  readonly clientPort: Uint16Array;
  readonly node: Uint16Array;
  readonly worker: Uint16Array;
  readonly scope: Int32Array;
  readonly backend: Int32Array;
  readonly outcome: Uint8Array;
  readonly attempts: Uint8Array;
  readonly flags: Uint8Array;
}

export type Definition = ListenerDefined | TemplateDefined | BackendDefined | ScopeDefined;

export interface RecordFormat {
  /** A listener, template, backend or scope index was defined (before any row uses it). */
  define(entry: Definition): void;
  /** Write request `i` of `cols`; `latency` in µs, NaN when not modelled. */
  row(cols: RowColumns, i: number, latency: number): void;
  /** Write what is buffered and any trailer, close, rename to the final name when `complete`. */
  close(complete: boolean): string;
}
