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
import type { ColumnArrays, RoutedColumn } from '../journal/row-columns.js';

/** The routed-row columns (ROUTED_COLUMNS) of a journal batch; the in-flight store has the same. */
export type RowColumns = Readonly<ColumnArrays<RoutedColumn>>;

export type Definition = ListenerDefined | TemplateDefined | BackendDefined | ScopeDefined;

export interface RecordFormat {
  /** A listener, template, backend or scope index was defined (before any row uses it). */
  define(entry: Definition): void;
  /** Write request `i` of `cols`; `latency` in µs, NaN when not modelled. */
  row(cols: RowColumns, i: number, latency: number): void;
  /** Write what is buffered and any trailer, close, rename to the final name when `complete`. */
  close(complete: boolean): string;
}
