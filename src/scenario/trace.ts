/**
 * Trace replay input: an NDJSON or CSV file of requests `{t, listener, host, path, clientIp,
 * clientPort}` (plus an optional `method`), streamed in fixed-size chunks with synchronous reads so
 * memory stays bounded whatever the file size. Rows must be in non-decreasing time.
 *
 * `t` is the arrival time from the scenario start: a number is **milliseconds** (fractions allowed,
 * rounded to the µs), a string with a unit is a duration (`1.5s`, `250ms`, `1500us`). In CSV a bare
 * number is milliseconds too. `host` defaults to none, `path` to `/`, `method` to GET.
 *
 * A bad row is a Diagnostic at the trace file's `line:col`. `readTrace` throws a `TraceError` at the
 * first one (or hands each to `onProblem` and skips the row); `checkTrace` collects them all.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { relative } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { Micros } from '../util/duration.js';
import { parseDuration } from '../util/duration.js';
import { ipToNumber } from '../util/ip.js';
import { UserError } from '../util/user-error.js';
import type { Diagnostic, TraceSpec } from './scenario-model.js';
import { LISTENER_KEY_PATTERN } from './schema.js';

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
export class TraceError extends UserError {
  constructor(readonly diagnostic: Diagnostic) {
    super([
      `${diagnostic.file}:${diagnostic.line}:${diagnostic.col}: ${diagnostic.code} ${diagnostic.message}`,
    ]);
    this.name = 'TraceError';
  }
}

const CHUNK_BYTES = 64 * 1024;
/** A longer line is refused rather than buffered without bound. */
const MAX_LINE_CHARS = 1 << 20;
const FIELDS = ['t', 'listener', 'host', 'path', 'method', 'clientIp', 'clientPort'] as const;
type Field = (typeof FIELDS)[number];
const REQUIRED: readonly Field[] = ['t', 'listener', 'clientIp', 'clientPort'];
const MS_NUMBER = /^\s*\d+(?:\.\d+)?\s*$/;

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

/** Lines of a file, read in chunks; `\r\n` endings are accepted. */
function* lines(file: string, display: string): Generator<string> {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new TraceError({
      file: display,
      line: 1,
      col: 1,
      code: code === 'ENOENT' ? 'TraceNotFound' : 'TraceUnreadable',
      message: `cannot read the trace file: ${(err as Error).message}`,
    });
  }
  try {
    const buf = Buffer.allocUnsafe(CHUNK_BYTES);
    const decoder = new StringDecoder('utf8');
    let pending = '';
    let lineNo = 0;
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, CHUNK_BYTES, null);
      } catch (err) {
        throw new TraceError({
          file: display,
          line: lineNo + 1,
          col: 1,
          code: 'TraceUnreadable',
          message: `cannot read the trace file: ${(err as Error).message}`,
        });
      }
      pending += n > 0 ? decoder.write(buf.subarray(0, n)) : decoder.end();
      let start = 0;
      for (let nl = pending.indexOf('\n', start); nl >= 0; nl = pending.indexOf('\n', start)) {
        const end = nl > start && pending.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        lineNo++;
        yield pending.slice(start, end);
        start = nl + 1;
      }
      pending = pending.slice(start);
      if (pending.length > MAX_LINE_CHARS)
        throw new TraceError({
          file: display,
          line: lineNo + 1,
          col: 1,
          code: 'TraceSyntax',
          message: `line longer than ${MAX_LINE_CHARS} characters`,
        });
      if (n === 0) {
        if (pending.length > 0) yield pending.endsWith('\r') ? pending.slice(0, -1) : pending;
        return;
      }
    }
  } finally {
    closeSync(fd);
  }
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

/** Split one CSV line (RFC 4180 quoting within the line); returns fields and their 1-based columns. */
function splitCsv(line: string): { fields: string[]; cols: number[] } {
  const fields: string[] = [];
  const cols: number[] = [];
  let i = 0;
  for (;;) {
    cols.push(i + 1);
    if (line[i] === '"') {
      let out = '';
      let j = i + 1;
      for (;;) {
        if (j >= line.length) throw new RowProblem(i + 1, 'TraceSyntax', 'unterminated quoted field');
        if (line[j] === '"') {
          if (line[j + 1] === '"') {
            out += '"';
            j += 2;
            continue;
          }
          j++;
          break;
        }
        out += line[j++];
      }
      if (j < line.length && line[j] !== ',')
        throw new RowProblem(j + 1, 'TraceSyntax', 'unexpected character after a quoted field');
      fields.push(out);
      i = j;
    } else {
      const comma = line.indexOf(',', i);
      const end = comma < 0 ? line.length : comma;
      fields.push(line.slice(i, end).trim());
      i = end;
    }
    if (i >= line.length) return { fields, cols };
    i++; // the comma
  }
}

function convert(raw: RawRow, line: number, csv: boolean): TraceRow {
  const { values, cols } = raw;
  const col = (f: Field) => cols[f] ?? 1;
  for (const f of REQUIRED)
    if (values[f] === undefined || values[f] === '')
      throw new RowProblem(1, 'TraceRow', `missing ${f} (rows need ${REQUIRED.join(', ')})`);
  const tv = values.t;
  let t: number | undefined;
  if (typeof tv === 'number') t = Number.isFinite(tv) && tv >= 0 ? Math.round(tv * 1000) : undefined;
  else if (typeof tv === 'string') t = MS_NUMBER.test(tv) ? Math.round(Number(tv) * 1000) : parseDuration(tv);
  if (t === undefined)
    throw new RowProblem(
      col('t'),
      'TraceRow',
      `t: expected milliseconds (a number) or a duration such as 1.5s, got ${JSON.stringify(tv)}`,
    );
  const listener = values.listener;
  if (typeof listener !== 'string' || !LISTENER_KEY_PATTERN.test(listener))
    throw new RowProblem(
      col('listener'),
      'TraceRow',
      `listener: expected <LoadBalancerId>:<http|https|tcp|udp>:<port>, got ${JSON.stringify(listener)}`,
    );
  const ipText = values.clientIp;
  const clientIp = typeof ipText === 'string' ? ipToNumber(ipText.trim()) : undefined;
  if (clientIp === undefined)
    throw new RowProblem(
      col('clientIp'),
      'TraceRow',
      `clientIp: expected an IPv4 address, got ${JSON.stringify(ipText)}`,
    );
  const portValue = values.clientPort;
  const clientPort =
    typeof portValue === 'number'
      ? portValue
      : typeof portValue === 'string' && /^\s*\d+\s*$/.test(portValue)
        ? Number(portValue)
        : Number.NaN;
  if (!Number.isInteger(clientPort) || clientPort < 1 || clientPort > 65535)
    throw new RowProblem(
      col('clientPort'),
      'TraceRow',
      `clientPort: expected an integer 1–65535, got ${JSON.stringify(portValue)}`,
    );
  const text = (f: 'host' | 'path' | 'method', fallback: string): string => {
    const v = values[f];
    if (v === undefined || (csv && v === '')) return fallback;
    if (typeof v !== 'string')
      throw new RowProblem(col(f), 'TraceRow', `${f}: expected a string, got ${JSON.stringify(v)}`);
    return v;
  };
  const host = text('host', '');
  const path = text('path', '/');
  if (!path.startsWith('/'))
    throw new RowProblem(
      col('path'),
      'TraceRow',
      `path: expected a path starting with /, got ${JSON.stringify(path)}`,
    );
  const method = text('method', 'GET');
  if (!/^[A-Z]+$/.test(method))
    throw new RowProblem(
      col('method'),
      'TraceRow',
      `method: expected an HTTP method in capitals, got ${JSON.stringify(method)}`,
    );
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
  let header: Field[] | undefined;
  let lastT = 0;
  let lineNo = 0;
  for (const text of lines(spec.file, display)) {
    lineNo++;
    if (text.trim() === '') continue;
    try {
      let raw: RawRow;
      if (csv) {
        const { fields, cols } = splitCsv(text);
        if (header === undefined) {
          const names: Field[] = [];
          fields.forEach((name, i) => {
            if (!(FIELDS as readonly string[]).includes(name))
              throw new RowProblem(
                cols[i],
                'TraceSyntax',
                `unknown column ${JSON.stringify(name)}; columns are ${FIELDS.join(', ')}`,
              );
            if (names.includes(name as Field))
              throw new RowProblem(cols[i], 'TraceSyntax', `column ${name} appears twice`);
            names.push(name as Field);
          });
          for (const f of REQUIRED)
            if (!names.includes(f))
              throw new RowProblem(
                1,
                'TraceSyntax',
                `the header row lacks column ${f} (needed: ${REQUIRED.join(', ')})`,
              );
          header = names;
          continue;
        }
        if (fields.length !== header.length)
          throw new RowProblem(
            1,
            'TraceSyntax',
            `expected ${header.length} fields as in the header, got ${fields.length}`,
          );
        const values: Partial<Record<Field, unknown>> = {};
        const colOf: Partial<Record<Field, number>> = {};
        header.forEach((f, i) => {
          values[f] = fields[i];
          colOf[f] = cols[i];
        });
        raw = { values, cols: colOf };
      } else raw = parseNdjsonLine(text);
      const row = convert(raw, lineNo, csv);
      if (row.t < lastT)
        throw new RowProblem(
          raw.cols.t ?? 1,
          'TraceOrder',
          `rows must be in non-decreasing time: t is ${row.t / 1000}ms after a row at ${lastT / 1000}ms`,
        );
      lastT = row.t;
      yield row;
    } catch (err) {
      if (!(err instanceof RowProblem)) throw err;
      report(lineNo, err);
      // A bad header leaves nothing to read the rows with.
      if (csv && header === undefined) return;
    }
  }
  if (csv && header === undefined)
    report(
      1,
      new RowProblem(
        1,
        'TraceSyntax',
        `a CSV trace starts with a header row naming its columns (${FIELDS.join(', ')})`,
      ),
    );
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
