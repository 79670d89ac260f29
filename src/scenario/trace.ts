/**
 * Trace replay input: an NDJSON or CSV file of requests `{t, listener, host, path, clientIp,
 * clientPort}` (plus an optional `method`), streamed in fixed-size chunks with synchronous reads so
 * memory stays bounded whatever the file size. Rows must be in non-decreasing time.
 *
 * Lines come from util/line-reader.ts, CSV records (RFC 4180: quoted fields may hold commas,
 * doubled quotes and line breaks) from util/csv-reader.ts.
 *
 * `t` is the arrival time from the scenario start: a number is **milliseconds** (fractions allowed,
 * rounded to the µs), a string with a unit is a duration (`1.5s`, `250ms`, `1500us`). In CSV a bare
 * number is milliseconds too. `host` defaults to none, `path` to `/`, `method` to GET.
 *
 * A bad row is a Diagnostic at the trace file's `line:col`. `readTrace` throws a `TraceError` at the
 * first one (or hands each to `onProblem` and skips the row); `checkTrace` collects them all.
 */
import { relative } from 'node:path';
import { CsvReader, type CsvRecord, CsvSyntaxError } from '../util/csv-reader.js';
import type { Micros } from '../util/duration.js';
import { parseDuration } from '../util/duration.js';
import { ipToNumber } from '../util/ip.js';
import { FileReadError, LineReader, textChunks } from '../util/line-reader.js';
import { objectOf } from '../util/object-of.js';
import { FileError } from '../util/user-error.js';
import { LISTENER_KEY_PATTERN } from './listener-key.js';
import type { Diagnostic, TraceSpec } from './scenario-model.js';

/** One replayed request. */
export interface TraceRow {
  /** Arrival time, µs from the scenario start. */
  readonly t: Micros;
  /** `<LoadBalancerId>:<protocol>:<port>`. */
  readonly listener: string;
  readonly host: string;
  readonly path: string;
  readonly method: string;
  /** Client source IPv4 as an unsigned 32-bit number. */
  readonly clientIp: number;
  readonly clientPort: number;
  /** 1-based line in the trace file. */
  readonly line: number;
}

/** A bad trace row (or an unreadable trace): a user mistake, printed as `file:line:col: CODE message`. */
export class TraceError extends FileError {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.file, diagnostic.message, diagnostic.line, {
      col: diagnostic.col,
      code: diagnostic.code,
    });
    this.name = 'TraceError';
  }
}

/** A longer line is refused rather than buffered without bound. */
const MAX_LINE_CHARS = 1 << 20;
const FIELDS = ['t', 'listener', 'host', 'path', 'method', 'clientIp', 'clientPort'] as const;
type Field = (typeof FIELDS)[number];
const REQUIRED: readonly Field[] = ['t', 'listener', 'clientIp', 'clientPort'];
const MS_NUMBER = /^\s*\d+(?:\.\d+)?\s*$/;
const PORT_NUMBER = /^\s*\d+\s*$/;

/** 10^0 … 10^15, each exact in a double. */
const POWERS_OF_TEN = Array.from({ length: 16 }, (_, k) => 10 ** k);

/**
 * The value of `s` when it is plain: digits with at most one `.` between digits (no `.` when
 * `fraction` is false), at most 15 digits in all; NaN for anything else, which then goes to the
 * pattern and `Number` — a trace's times and ports are usually plain. Exactly `Number(s)`: the
 * digits make an integer m < 10^15 and the fraction k ≤ 15 places, both exact in doubles, so
 * m / 10^k is one correctly rounded division of exact values — the correctly rounded decimal,
 * as `Number` gives it (Clinger's fast path).
 */
export function plainDecimal(s: string, fraction: boolean): number {
  const n = s.length;
  if (n === 0 || n > 16) return Number.NaN;
  let m = 0;
  let dot = -1;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) m = m * 10 + (c - 48);
    else if (c === 46 && fraction && dot < 0 && i > 0 && i < n - 1) dot = i;
    else return Number.NaN;
  }
  if (dot < 0) return n <= 15 ? m : Number.NaN;
  return m / POWERS_OF_TEN[n - 1 - dot];
}

/** The trace format a file name implies, if any. */
export function traceFormatOf(file: string): 'ndjson' | 'csv' | undefined {
  const lower = file.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl') || lower.endsWith('.json')) return 'ndjson';
  return undefined;
}

/** The trace file as users see it: relative to the working directory. */
export function traceDisplayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel === '' || rel.startsWith('..') ? file : rel;
}

/** The line reader's and CSV reader's problems as trace diagnostics. */
function traceReadError(err: unknown, display: string): unknown {
  if (err instanceof FileReadError) {
    const code =
      err.reason === 'not-found'
        ? 'TraceNotFound'
        : err.reason === 'unreadable'
          ? 'TraceUnreadable'
          : 'TraceSyntax';
    const message =
      err.osError !== undefined ? `cannot read the trace file: ${err.osError.message}` : err.problem;
    return new TraceError({ file: display, line: err.line ?? 1, col: 1, code, message });
  }
  return err;
}

/** Raw field values of one row and the column each starts at. */
interface RawRow {
  readonly values: Partial<Record<Field, unknown>>;
  readonly cols: Partial<Record<Field, number>>;
}

class RowProblem {
  constructor(
    readonly col: number,
    readonly code: string,
    readonly message: string,
  ) {}
}

function jsonErrorCol(message: string): number {
  const pos = /at position (\d+)/.exec(message);
  if (pos) return Number(pos[1]) + 1;
  const col = /column (\d+)/.exec(message);
  return col ? Number(col[1]) : 1;
}

function parseNdjsonLine(line: string): RawRow {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    const msg = (err as Error).message;
    throw new RowProblem(
      jsonErrorCol(msg),
      'TraceSyntax',
      `not a JSON object: ${msg.replace(/,? ".*" is not valid JSON$/s, '').replace(/ in JSON at position \d+.*$/s, '')}`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new RowProblem(
      1,
      'TraceSyntax',
      'each line must be a JSON object {t, listener, host, path, clientIp, clientPort}',
    );
  const values: Partial<Record<Field, unknown>> = {};
  const cols: Partial<Record<Field, number>> = {};
  for (const [k, v] of Object.entries(value)) {
    const at = line.indexOf(JSON.stringify(k)) + 1 || 1;
    if (!(FIELDS as readonly string[]).includes(k))
      throw new RowProblem(
        at,
        'TraceRow',
        `unknown field ${JSON.stringify(k)}; fields are ${FIELDS.join(', ')}`,
      );
    values[k as Field] = v;
    cols[k as Field] = at;
  }
  return { values, cols };
}

/**
 * The listener key and method of the row before, already checked: a trace repeats a few of each,
 * and a string compare is cheaper than their patterns (~70 ns a row on a 2 M-row trace).
 */
let checkedListener = '';
let checkedMethod = 'GET';

/** The column of field `f` in a row (1 when the row does not say). */
function columnOf(raw: RawRow, f: Field): number {
  return raw.cols[f] ?? 1;
}

/** A text field: its fallback when absent (or empty in a CSV), else the string it must be. */
function textOf(raw: RawRow, f: 'host' | 'path' | 'method', fallback: string, csv: boolean): string {
  const v = raw.values[f];
  if (v === undefined || (csv && v === '')) return fallback;
  if (typeof v !== 'string')
    throw new RowProblem(columnOf(raw, f), 'TraceRow', `${f}: expected a string, got ${JSON.stringify(v)}`);
  return v;
}

/** A row's time field (a string) in µs: milliseconds as a number, or a duration; undefined when neither. */
function msOf(tv: string): number | undefined {
  const plain = plainDecimal(tv, true);
  if (!Number.isNaN(plain)) return Math.round(plain * 1000);
  return MS_NUMBER.test(tv) ? Math.round(Number(tv) * 1000) : parseDuration(tv);
}

/** A row's port field (a string) as a number, NaN when it is not an integer. */
function portOf(text: string): number {
  const plain = plainDecimal(text, false);
  if (!Number.isNaN(plain)) return plain;
  return PORT_NUMBER.test(text) ? Number(text) : Number.NaN;
}

function absent(v: unknown): boolean {
  return v === undefined || v === '';
}

function convert(raw: RawRow, line: number, csv: boolean): TraceRow {
  const { values } = raw;
  // Named, not `values[f]` over REQUIRED: one keyed load site for four keys is megamorphic.
  const missing = absent(values.t)
    ? 't'
    : absent(values.listener)
      ? 'listener'
      : absent(values.clientIp)
        ? 'clientIp'
        : absent(values.clientPort)
          ? 'clientPort'
          : null;
  if (missing !== null)
    throw new RowProblem(1, 'TraceRow', `missing ${missing} (rows need ${REQUIRED.join(', ')})`);
  const tv = values.t;
  let t: number | undefined;
  if (typeof tv === 'number') t = Number.isFinite(tv) && tv >= 0 ? Math.round(tv * 1000) : undefined;
  else if (typeof tv === 'string') t = msOf(tv);
  if (t === undefined)
    throw new RowProblem(
      columnOf(raw, 't'),
      'TraceRow',
      `t: expected milliseconds (a number) or a duration such as 1.5s, got ${JSON.stringify(tv)}`,
    );
  const listener = values.listener;
  if (typeof listener !== 'string' || (listener !== checkedListener && !LISTENER_KEY_PATTERN.test(listener)))
    throw new RowProblem(
      columnOf(raw, 'listener'),
      'TraceRow',
      `listener: expected <LoadBalancerId>:<http|https|tcp|udp>:<port>, got ${JSON.stringify(listener)}`,
    );
  const ipText = values.clientIp;
  const clientIp = typeof ipText === 'string' ? ipToNumber(ipText.trim()) : undefined;
  if (clientIp === undefined)
    throw new RowProblem(
      columnOf(raw, 'clientIp'),
      'TraceRow',
      `clientIp: expected an IPv4 address, got ${JSON.stringify(ipText)}`,
    );
  const portValue = values.clientPort;
  const clientPort =
    typeof portValue === 'number'
      ? portValue
      : typeof portValue === 'string'
        ? portOf(portValue)
        : Number.NaN;
  if (!Number.isInteger(clientPort) || clientPort < 1 || clientPort > 65535)
    throw new RowProblem(
      columnOf(raw, 'clientPort'),
      'TraceRow',
      `clientPort: expected an integer 1–65535, got ${JSON.stringify(portValue)}`,
    );
  checkedListener = listener;
  const host = textOf(raw, 'host', '', csv);
  const path = textOf(raw, 'path', '/', csv);
  if (!path.startsWith('/'))
    throw new RowProblem(
      columnOf(raw, 'path'),
      'TraceRow',
      `path: expected a path starting with /, got ${JSON.stringify(path)}`,
    );
  const method = textOf(raw, 'method', 'GET', csv);
  if (method !== checkedMethod && !/^[A-Z]+$/.test(method))
    throw new RowProblem(
      columnOf(raw, 'method'),
      'TraceRow',
      `method: expected an HTTP method in capitals, got ${JSON.stringify(method)}`,
    );
  checkedMethod = method;
  return { t, listener, host, path, method, clientIp, clientPort, line };
}

export interface ReadTraceOptions {
  /** Report a bad row and skip it; without it the first bad row throws a `TraceError`. */
  readonly onProblem?: (d: Diagnostic) => void;
}

/** Stream the rows of a trace file, in file order, with bounded memory. */
export function* readTrace(spec: TraceSpec, options: ReadTraceOptions = {}): Generator<TraceRow> {
  const display = traceDisplayPath(spec.file);
  const csv = spec.format === 'csv';
  const report = (line: number, p: RowProblem): void => {
    const d: Diagnostic = { file: display, line, col: p.col, code: p.code, message: p.message };
    if (options.onProblem) options.onProblem(d);
    else throw new TraceError(d);
  };
  let lastT = 0;
  try {
    for (const item of csv ? csvRows(spec.file, display) : ndjsonRows(spec.file)) {
      if (item instanceof LineProblem) {
        report(item.line, item.problem);
        // A bad header leaves nothing to read the rows with.
        if (item.fatal) return;
        continue;
      }
      try {
        const row = convert(item.raw, item.line, csv);
        if (row.t < lastT)
          throw new RowProblem(
            item.raw.cols.t ?? 1,
            'TraceOrder',
            `rows must be in non-decreasing time: t is ${row.t / 1000}ms after a row at ${lastT / 1000}ms`,
          );
        lastT = row.t;
        yield row;
      } catch (err) {
        if (!(err instanceof RowProblem)) throw err;
        report(item.line, err);
      }
    }
  } catch (err) {
    throw traceReadError(err, display);
  }
}

/** A row's raw fields, or the problem of its line. */
type TraceLine = { readonly line: number; readonly raw: RawRow } | LineProblem;

class LineProblem {
  constructor(
    readonly line: number,
    readonly problem: RowProblem,
    /** Nothing more can be read (a bad CSV header). */
    readonly fatal = false,
  ) {}
}

function* ndjsonRows(file: string): Generator<TraceLine> {
  const lines = new LineReader(file, { maxLineChars: MAX_LINE_CHARS });
  for (const text of lines) {
    if (text.trim() === '') continue;
    try {
      yield { line: lines.line, raw: parseNdjsonLine(text) };
    } catch (err) {
      if (!(err instanceof RowProblem)) throw err;
      yield new LineProblem(lines.line, err);
    }
  }
}

function* csvRows(file: string, display: string): Generator<TraceLine> {
  const reader = new CsvReader(textChunks(file), display, MAX_LINE_CHARS);
  let header: Field[] | undefined;
  let build: RawRowBuilder | undefined;
  for (;;) {
    let rec: CsvRecord | undefined;
    try {
      rec = reader.next();
    } catch (err) {
      if (!(err instanceof CsvSyntaxError)) throw err;
      yield new LineProblem(
        err.line!,
        new RowProblem(err.col ?? 1, 'TraceSyntax', err.problem),
        header === undefined,
      );
      if (header === undefined) return;
      continue;
    }
    if (rec === undefined) break;
    // Unquoted fields are trimmed; a line of blanks is a blank line.
    const fields = rec.fields;
    for (let i = 0; i < fields.length; i++) if (!rec.quoted[i]) fields[i] = fields[i].trim();
    if (fields.length === 1 && !rec.quoted[0] && fields[0] === '') continue;
    const cols = rec.cols;
    if (header === undefined) {
      const names: Field[] = [];
      const problem = headerProblem(fields, cols, names);
      if (problem !== undefined) {
        yield new LineProblem(rec.line, problem, true);
        return;
      }
      header = names;
      continue;
    }
    if (fields.length !== header.length) {
      yield new LineProblem(
        rec.line,
        new RowProblem(
          1,
          'TraceSyntax',
          `expected ${header.length} fields as in the header, got ${fields.length}`,
        ),
      );
      continue;
    }
    build ??= compileRawRow(header);
    yield { line: rec.line, raw: build(fields, cols) };
  }
  if (header === undefined)
    yield new LineProblem(
      1,
      new RowProblem(
        1,
        'TraceSyntax',
        `a CSV trace starts with a header row naming its columns (${FIELDS.join(', ')})`,
      ),
    );
}

type RawRowBuilder = (fields: readonly string[], cols: readonly number[]) => RawRow;

/** The raw row of a CSV record under `header`: its values and columns, each an object of the header's shape. */
function compileRawRow(header: readonly Field[]): RawRowBuilder {
  const byHeader = objectOf(header);
  return (fields, cols) => ({ values: byHeader(fields), cols: byHeader(cols) as RawRow['cols'] });
}

/** Check a CSV header, filling `names`; the first problem, if any. */
function headerProblem(
  fields: readonly string[],
  cols: readonly number[],
  names: Field[],
): RowProblem | undefined {
  for (let i = 0; i < fields.length; i++) {
    const name = fields[i];
    if (!(FIELDS as readonly string[]).includes(name))
      return new RowProblem(
        cols[i],
        'TraceSyntax',
        `unknown column ${JSON.stringify(name)}; columns are ${FIELDS.join(', ')}`,
      );
    if (names.includes(name as Field))
      return new RowProblem(cols[i], 'TraceSyntax', `column ${name} appears twice`);
    names.push(name as Field);
  }
  for (const f of REQUIRED)
    if (!names.includes(f))
      return new RowProblem(
        1,
        'TraceSyntax',
        `the header row lacks column ${f} (needed: ${REQUIRED.join(', ')})`,
      );
  return undefined;
}

/** Every problem of a trace file (at most `limit`, then one summary line), reading it once. */
export function checkTrace(spec: TraceSpec, limit = 50): Diagnostic[] {
  const problems: Diagnostic[] = [];
  let more = 0;
  try {
    for (const _ of readTrace(spec, {
      onProblem: (d) => {
        if (problems.length < limit) problems.push(d);
        else more++;
      },
    })) {
      // Only the problems matter here.
    }
  } catch (err) {
    if (err instanceof TraceError) problems.push(err.diagnostic);
    else throw err;
  }
  if (more > 0) {
    const last = problems[problems.length - 1];
    problems.push({ ...last, code: 'TraceRow', message: `… and ${more} more problems in this trace` });
  }
  return problems;
}
