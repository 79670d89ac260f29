/**
 * The journal's row columns, defined once: every column a routed, failed-attempt or completed row
 * carries, with its typed-array type, its journal-file encoding and what it means. The column
 * batch, the live sequencer, the record writers' in-flight store and Parquet buffers, and the
 * journal file (keys, order, encoding, checks) are all built from this list.
 *
 * A row is written through a reusable row object (`JournalRow`, one per writer, never one per
 * row) or copied from another column store; the copy and store functions are compiled once per
 * row kind from the list below.
 */
import { ROW_ATTEMPT_FAILED, ROW_COMPLETED, ROW_ROUTED } from './journal-rows.js';

/**
 * How a column is written in the journal file and checked when read back:
 * `number` a finite number; `index` -1 (none) or an index introduced by an earlier `*Defined`
 * line; `uint` an integer within the range of the column's array type; `ip` dotted IPv4 (the
 * array holds it as an unsigned 32-bit number); `outcome` the outcome's name (OUTCOME_NAMES).
 */
export type ColumnEncoding = 'number' | 'index' | 'ip' | 'uint' | 'outcome';

type ColumnArrayType =
  | Float64ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Uint16ArrayConstructor
  | Uint8ArrayConstructor;

export interface RowColumn {
  readonly name: string;
  readonly array: ColumnArrayType;
  readonly encoding: ColumnEncoding;
  readonly doc: string;
}

/** Every row column, in routed-row order (then `latency`). Indices are -1 for none. */
export const ROW_COLUMNS = [
  { name: 't', array: Float64Array, encoding: 'number', doc: 'Simulated time, µs.' },
  { name: 'id', array: Float64Array, encoding: 'number', doc: 'Request id (unique in a run).' },
  { name: 'listener', array: Int32Array, encoding: 'index', doc: 'Listener the request was sent to.' },
  { name: 'template', array: Int32Array, encoding: 'index', doc: 'Request template (host, path, method).' },
  { name: 'clientIp', array: Uint32Array, encoding: 'ip', doc: 'Client source IPv4, unsigned 32-bit.' },
  { name: 'clientPort', array: Uint16Array, encoding: 'uint', doc: 'Client source port.' },
  { name: 'node', array: Uint16Array, encoding: 'uint', doc: 'Cluster node that handled the request.' },
  { name: 'worker', array: Uint16Array, encoding: 'uint', doc: 'Worker of that node.' },
  { name: 'scope', array: Int32Array, encoding: 'index', doc: 'Scheduling scope (none: refused).' },
  { name: 'backend', array: Int32Array, encoding: 'index', doc: 'Backend that served or failed it.' },
  { name: 'outcome', array: Uint8Array, encoding: 'outcome', doc: 'Outcome code (OUTCOME_NAMES).' },
  { name: 'attempts', array: Uint8Array, encoding: 'uint', doc: 'Forwarding attempts (0: refused).' },
  { name: 'flags', array: Uint8Array, encoding: 'uint', doc: 'FLAG_* bits (journal-rows.ts).' },
  { name: 'latency', array: Float64Array, encoding: 'number', doc: 'µs from arrival to completion.' },
] as const satisfies readonly RowColumn[];

type Columns = (typeof ROW_COLUMNS)[number];
export type ColumnName = Columns['name'];

/** The columns of each row kind, in the order the journal file writes their keys. */
export const ROUTED_COLUMNS = [
  't',
  'id',
  'listener',
  'template',
  'clientIp',
  'clientPort',
  'node',
  'worker',
  'scope',
  'backend',
  'outcome',
  'attempts',
  'flags',
] as const satisfies readonly ColumnName[];
export const ATTEMPT_FAILED_COLUMNS = [
  't',
  'id',
  'scope',
  'backend',
  'node',
  'worker',
] as const satisfies readonly ColumnName[];
export const COMPLETED_COLUMNS = [
  't',
  'id',
  'scope',
  'backend',
  'latency',
] as const satisfies readonly ColumnName[];

export type RoutedColumn = (typeof ROUTED_COLUMNS)[number];

/**
 * The routed-row columns a run always writes; the others (the request's id, template, client and
 * attempts) only when a consumer of its journal reads them (`JournalSink.reads`,
 * `RunOptions.routedColumns`): the report projections do not, and a run that only reports leaves
 * them unwritten (five stores a request, ~6 % of a wrr run).
 */
export const CORE_ROUTED_COLUMNS = [
  't',
  'listener',
  'node',
  'worker',
  'scope',
  'backend',
  'outcome',
  'flags',
] as const satisfies readonly RoutedColumn[];

const OPTIONAL_ROUTED_COLUMNS: readonly ColumnName[] = ROUTED_COLUMNS.filter(
  (c) => !(CORE_ROUTED_COLUMNS as readonly string[]).includes(c),
);

/** Whether consumers reading `reads` (undefined: every column) read a routed column beyond CORE_ROUTED_COLUMNS. */
export function readsBeyondCore(reads: readonly ColumnName[] | undefined): boolean {
  return reads === undefined || reads.some((c) => OPTIONAL_ROUTED_COLUMNS.includes(c));
}

/** The row kinds with columns: their journal-file `type` and their columns. */
export const ROW_KINDS = [
  { kind: ROW_ROUTED, type: 'RequestRouted', columns: ROUTED_COLUMNS },
  { kind: ROW_ATTEMPT_FAILED, type: 'AttemptFailed', columns: ATTEMPT_FAILED_COLUMNS },
  { kind: ROW_COMPLETED, type: 'RequestCompleted', columns: COMPLETED_COLUMNS },
] as const;

export const ALL_COLUMNS: readonly ColumnName[] = ROW_COLUMNS.map((c) => c.name);

const BY_NAME = new Map<string, RowColumn>(ROW_COLUMNS.map((c) => [c.name, c]));

/** The definition of column `name`. */
export function rowColumn(name: ColumnName): RowColumn {
  return BY_NAME.get(name)!;
}

/** The largest value a `uint` column's array holds. */
export function columnMax(c: RowColumn): number {
  return MAX_OF_COLUMN.get(c.name) ?? 2 ** (8 * c.array.BYTES_PER_ELEMENT) - 1;
}

/**
 * Each column's largest value, computed once: `BYTES_PER_ELEMENT` read off several typed-array
 * constructors at one site cost ~70 ns a read, five times a journal row (a ninth of `slbsim report`).
 */
const MAX_OF_COLUMN = new Map<string, number>(
  ROW_COLUMNS.map((c) => [c.name, 2 ** (8 * c.array.BYTES_PER_ELEMENT) - 1]),
);

/** One typed array per column of `N`. */
export type ColumnArrays<N extends ColumnName = ColumnName> = {
  [C in Columns as C['name'] extends N ? C['name'] : never]: InstanceType<C['array']>;
};

/** One row's values by column: the reusable object a writer fills and pushes. */
export type Row<N extends ColumnName = ColumnName> = { [C in N]: number };
export type JournalRow = Row;
export type RoutedRow = Row<RoutedColumn>;
export type AttemptFailedRow = Row<(typeof ATTEMPT_FAILED_COLUMNS)[number]>;
export type CompletedRow = Row<(typeof COMPLETED_COLUMNS)[number]>;

/** A row object with every column, all 0: allocate one per writer and reuse it for every row. */
export function newRow(): JournalRow {
  const row: Record<string, number> = {};
  for (const c of ROW_COLUMNS) row[c.name] = 0;
  return row as JournalRow;
}

/** New arrays of `capacity` rows for the columns `names`. */
export function allocateColumns<N extends ColumnName>(
  names: readonly N[],
  capacity: number,
): ColumnArrays<N> {
  const cols: Record<string, unknown> = {};
  for (const n of names) cols[n] = new (rowColumn(n).array)(capacity);
  return cols as ColumnArrays<N>;
}

/**
 * A base class whose instances own one typed array per column of `names` (as own properties, so
 * `store.t[i]` is a plain property load on the hot path).
 */
export function columnStore<N extends ColumnName>(
  names: readonly N[],
): new (
  capacity: number,
) => ColumnArrays<N> {
  return class {
    constructor(capacity: number) {
      Object.assign(this, allocateColumns(names, capacity));
    }
  } as never;
}

/** Copies row `s` of `src` into row `d` of `dst` (the columns the copier was compiled for). */
export type RowCopy<N extends ColumnName> = (
  dst: ColumnArrays<N>,
  d: number,
  src: Readonly<ColumnArrays<N>>,
  s: number,
) => void;
/** Stores a row object's values into row `d` of `dst`. */
export type RowStore<N extends ColumnName> = (dst: ColumnArrays<N>, d: number, row: Readonly<Row<N>>) => void;

function checkNames(names: readonly string[]): void {
  for (const n of names) if (!BY_NAME.has(n)) throw new Error(`unknown row column ${n}`);
}

// The copy and store functions run once per journal row on the engine's hot path. A loop over
// the column names (`dst[name][d] = src[name][s]`) makes every access a keyed, megamorphic
// lookup; compiling the straight-line body once from the list with `new Function` gives plain
// property accesses that V8 inlines, at the speed of the hand-written copies they replace.

/** Compile the copier of the columns `names` (e.g. ROUTED_COLUMNS). */
export function compileRowCopy<N extends ColumnName>(names: readonly N[]): RowCopy<N> {
  checkNames(names);
  const body = names.map((n) => `dst.${n}[d] = src.${n}[s];`).join('\n');
  return new Function('dst', 'd', 'src', 's', body) as RowCopy<N>;
}

/** Compile the store of a row object's columns `names` into a column store. */
export function compileRowStore<N extends ColumnName>(names: readonly N[]): RowStore<N> {
  checkNames(names);
  const body = names.map((n) => `dst.${n}[d] = row.${n};`).join('\n');
  return new Function('dst', 'd', 'row', body) as RowStore<N>;
}

/** The compiled store of each row kind: a row object's columns into a column store. */
export const storeRow = {
  routed: compileRowStore(ROUTED_COLUMNS),
  attemptFailed: compileRowStore(ATTEMPT_FAILED_COLUMNS),
  completed: compileRowStore(COMPLETED_COLUMNS),
};

/** The compiled copy of each row kind: one column store's row into another's. */
export const copyRow = {
  routed: compileRowCopy(ROUTED_COLUMNS),
  attemptFailed: compileRowCopy(ATTEMPT_FAILED_COLUMNS),
  completed: compileRowCopy(COMPLETED_COLUMNS),
};
