/**
 * The journal as a file (`--journal run.jsonl`): JSON Lines, one line per journal row, in journal
 * order, and the reader that turns such a file back into `JournalBatch`es with the same rows, so
 * every projection gives from the file what it gave live (`slbsim report <journal>`).
 *
 * Lines:
 * - a control row is its entry object as the engine built it (`{"type":"RunStarted",…}`,
 *   `{"type":"ListenerDefined",…}`, …), keys in the entry's own order;
 * - a routed row is `{"type":"RequestRouted","t","id","listener","template","clientIp","clientPort",
 *   "node","worker","scope","backend","outcome","attempts","flags"}` — `listener`, `template`,
 *   `scope` and `backend` are the indices introduced by the `*Defined` lines (-1 = none),
 *   `clientIp` is dotted IPv4, `outcome` its name (`ok`, `no-eligible-backend`, …), `flags` the
 *   FLAG_* bits;
 * - a completed row is `{"type":"RequestCompleted","t","id","scope","backend","latency"}`.
 * Times and latencies are µs, numbers exactly as in memory.
 *
 * The writer buffers lines and writes them synchronously at line boundaries, through
 * `<file>.partial` renamed to `<file>` only when the run finished normally (see
 * src/util/output-file.ts). The reader streams the file line by line with bounded memory and
 * reports a malformed line as a `JournalFormatError` (a FileError) naming `file:line`.
 *
 * The keys, their order and each value's encoding come from the row-column list
 * (row-columns.ts: ROW_KINDS, ROW_COLUMNS).
 */
import { OUTCOME_NAMES } from '../routing/outcomes.js';
import { ipToNumber, numberToIp } from '../util/ip.js';
import { LineReader } from '../util/line-reader.js';
import { TextOutputFile } from '../util/output-file.js';
import { FileError } from '../util/user-error.js';
import { BATCH_SIZE, JournalBatch, type JournalSink } from './journal-batch.js';
import { type ControlEntry, ROW_CONTROL } from './journal-rows.js';
import {
  type ColumnArrays,
  type ColumnName,
  columnMax,
  type JournalRow,
  newRow,
  ROW_KINDS,
  rowColumn,
} from './row-columns.js';

/** A journal file that cannot be read or has a malformed line. */
export class JournalFormatError extends FileError {
  constructor(
    file: string,
    /** 1-based line number, or undefined when the problem is the whole file. */
    line: number | undefined,
    problem: string,
  ) {
    super(file, problem, line);
    this.name = 'JournalFormatError';
  }
}

type LineEncoder = (b: Readonly<ColumnArrays>, i: number) => string;

/**
 * The line writer of one row kind. Writing a journal is one such call per row, so the body is
 * compiled once from the column list with `new Function` (straight-line string concatenation over
 * plain property loads); a loop over the columns per row would do keyed lookups and an array join
 * for every request.
 */
function compileLineEncoder(type: string, names: readonly ColumnName[]): LineEncoder {
  const parts = names.map((name, k) => {
    const key = `${k === 0 ? '' : ','}"${name}":`;
    const value = `b.${name}[i]`;
    switch (rowColumn(name).encoding) {
      case 'ip':
        return `${JSON.stringify(`${key}"`)} + ip(${value}) + '"'`;
      case 'outcome':
        return `${JSON.stringify(`${key}"`)} + outcomes[${value}] + '"'`;
      default:
        return `${JSON.stringify(key)} + ${value}`;
    }
  });
  const body = `return ${JSON.stringify(`{"type":"${type}",`)} + ${parts.join(' + ')} + "}\\n";`;
  const make = new Function('ip', 'outcomes', `return function (b, i) { ${body} };`);
  return make(numberToIp, OUTCOME_NAMES) as LineEncoder;
}

/** The line encoder by row kind. */
const LINE_ENCODERS: LineEncoder[] = [];
for (const k of ROW_KINDS) LINE_ENCODERS[k.kind] = compileLineEncoder(k.type, k.columns);

/** Writes every journal row as one JSON line. */
export class JournalFileWriter implements JournalSink {
  private readonly file: TextOutputFile;
  private finished = false;
  private partialRun = false;
  private closed = false;

  constructor(readonly path: string) {
    this.file = new TextOutputFile(path);
  }

  /** True once the journal has seen RunFinished of a run that was not interrupted. */
  get complete(): boolean {
    return this.finished && !this.partialRun;
  }

  /** Where the journal is: `<file>` after a complete run, `<file>.partial` otherwise. */
  get location(): string {
    return this.file.location;
  }

  onBatch(b: JournalBatch): void {
    const file = this.file;
    for (let i = 0; i < b.n; i++) {
      const kind = b.kind[i];
      if (kind === ROW_CONTROL) {
        const entry = b.control[i]!;
        if (entry.type === 'RunFinished') {
          this.finished = true;
          this.partialRun = entry.partial;
        }
        file.write(`${JSON.stringify(entry)}\n`);
      } else {
        file.write(LINE_ENCODERS[kind](b, i));
      }
    }
  }

  onEnd(): void {
    this.close();
  }

  /** Flush and close; renames to the final name only after a complete run. Idempotent. */
  close(): string {
    if (!this.closed) {
      this.closed = true;
      this.file.close(this.complete);
    }
    return this.file.location;
  }
}

/**
 * Read a journal file back as batches of `capacity` rows (the last one shorter). Each yielded
 * batch is a new object the consumer may keep. Memory stays bounded: the file is read in chunks.
 */
export function* readJournalFile(path: string, capacity: number = BATCH_SIZE): Generator<JournalBatch> {
  const parser = new JournalLineParser(path);
  const lines = new LineReader(path);
  let batch = new JournalBatch(capacity);
  try {
    for (const text of lines) {
      parser.parse(text, lines.line, batch);
      if (batch.full) {
        yield batch;
        batch = new JournalBatch(capacity);
      }
    }
  } catch (err) {
    // The reader's own errors (cannot read, line too long) as the journal's.
    if (err instanceof FileError && !(err instanceof JournalFormatError))
      throw new JournalFormatError(path, err.line, err.problem);
    throw err;
  }
  if (batch.n > 0) yield batch;
}

const OUTCOME_CODE = new Map<string, number>(OUTCOME_NAMES.map((name, code) => [name, code]));

type FieldKind = 'int' | 'number' | 'string' | 'boolean' | 'object' | 'array' | 'layer';

/** Fields each control entry must have, beyond `type` and `t` (a shape check, not a full schema). */
const CONTROL_FIELDS: Record<ControlEntry['type'], readonly (readonly [string, FieldKind])[]> = {
  RunStarted: [
    ['seed', 'string'],
    ['scenario', 'string'],
    ['name', 'string'],
    ['slbsimVersion', 'string'],
    ['rng', 'string'],
    ['options', 'object'],
  ],
  ListenerDefined: [
    ['listener', 'int'],
    ['key', 'string'],
    ['layer', 'layer'],
  ],
  TemplateDefined: [
    ['template', 'int'],
    ['host', 'string'],
    ['path', 'string'],
    ['method', 'string'],
  ],
  BackendDefined: [
    ['backend', 'int'],
    ['ServerId', 'string'],
    ['Port', 'int'],
  ],
  ScopeDefined: [
    ['scope', 'int'],
    ['listener', 'int'],
    ['source', 'string'],
    ['groupName', 'string'],
    ['scheduler', 'string'],
    ['layer', 'layer'],
    ['deterministic', 'boolean'],
    ['sticky', 'string'],
  ],
  EpochStarted: [
    ['scope', 'int'],
    ['epoch', 'int'],
    ['members', 'array'],
    ['cycleLength', 'int'],
    ['cause', 'string'],
  ],
  TopologyApplied: [
    ['action', 'string'],
    ['params', 'object'],
    ['response', 'object'],
  ],
  TopologyRejected: [
    ['action', 'string'],
    ['code', 'string'],
    ['message', 'string'],
  ],
  FaultInjected: [
    ['fault', 'string'],
    ['ServerId', 'string'],
  ],
  HealthChanged: [
    ['scope', 'int'],
    ['backend', 'int'],
    ['healthy', 'boolean'],
  ],
  ShardStarted: [
    ['index', 'int'],
    ['count', 'int'],
    ['units', 'array'],
  ],
  RunFinished: [
    ['requests', 'int'],
    ['partial', 'boolean'],
  ],
};

function fits(value: unknown, kind: FieldKind): boolean {
  switch (kind) {
    case 'int':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'layer':
      return value === 4 || value === 7;
  }
}

type IndexColumn = 'listener' | 'template' | 'backend' | 'scope';

type RowDecoder = (
  parser: JournalLineParser,
  row: Record<string, unknown>,
  values: JournalRow,
  line: number,
) => void;

/**
 * Per row kind, its columns decoded from a parsed line into the row object: straight-line code
 * compiled once from the column list, as the row copiers are (row-columns.ts). A loop over the
 * names made `row[name]` and `values[name]` keyed accesses at sites that see every column name
 * (megamorphic, two a column a line); here each is a named one.
 */
function compileDecoder(columns: readonly ColumnName[]): RowDecoder {
  const body = columns.map((name) => {
    const column = rowColumn(name);
    const key = JSON.stringify(name);
    // The parser's method of the column's encoding; uint also takes the column's largest value.
    const extra = column.encoding === 'uint' ? `${columnMax(column)}, ` : '';
    return `values[${key}] = p.${column.encoding}(row, row[${key}], ${key}, ${extra}line);`;
  });
  return new Function('p', 'row', 'values', 'line', body.join('\n')) as RowDecoder;
}

const DECODERS: Record<number, RowDecoder> = Object.fromEntries(
  ROW_KINDS.map((k) => [k.kind, compileDecoder(k.columns)]),
);

/** Parses and checks one line at a time, tracking which indices have been defined. */
class JournalLineParser {
  private readonly row: JournalRow = newRow();
  private readonly defined = {
    listener: new Set<number>(),
    template: new Set<number>(),
    backend: new Set<number>(),
    scope: new Set<number>(),
  };

  constructor(private readonly file: string) {}

  parse(text: string, line: number, batch: JournalBatch): void {
    if (text.trim() === '') return;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(text);
    } catch (err) {
      throw this.error(line, `not valid JSON (${(err as Error).message})`);
    }
    if (typeof row !== 'object' || row === null || Array.isArray(row))
      throw this.error(line, 'expected a JSON object');
    const type = row.type;
    if (typeof type !== 'string') throw this.error(line, 'missing "type"');
    this.need(row, 't', 'number', line);
    const kind = ROW_KINDS.find((k) => k.type === type);
    if (kind !== undefined) this.columns(row, kind, line, batch);
    else if (Object.hasOwn(CONTROL_FIELDS, type))
      this.control(row, type as ControlEntry['type'], line, batch);
    else throw this.error(line, `unknown row type "${type}"`);
  }

  /** A routed, failed-attempt or completed row: each of its columns decoded and checked. */
  private columns(
    row: Record<string, unknown>,
    kind: (typeof ROW_KINDS)[number],
    line: number,
    batch: JournalBatch,
  ): void {
    const values = this.row;
    DECODERS[kind.kind](this, row, values, line);
    batch.pushRow(kind.kind, values);
  }

  /** Column `name` of `row`, whose value is `value`, by the column's encoding (the decoders call these). */
  number(row: Record<string, unknown>, value: unknown, name: string, line: number): number {
    return this.checked(row, value, name, 'number', line) as number;
  }

  uint(row: Record<string, unknown>, value: unknown, name: string, hi: number, line: number): number {
    return this.inRange(row, value, name, 0, hi, line);
  }

  ip(row: Record<string, unknown>, value: unknown, name: string, line: number): number {
    const text = this.checked(row, value, name, 'string', line) as string;
    const ip = ipToNumber(text);
    if (ip === undefined) throw this.error(line, `"${name}" is not an IPv4 address: "${text}"`);
    return ip;
  }

  outcome(row: Record<string, unknown>, value: unknown, name: string, line: number): number {
    const text = this.checked(row, value, name, 'string', line) as string;
    const code = OUTCOME_CODE.get(text);
    if (code === undefined)
      throw this.error(line, `unknown outcome "${text}" (expected one of ${OUTCOME_NAMES.join(', ')})`);
    return code;
  }

  /** An index field: -1 (none) or an index defined by an earlier `*Defined` line. */
  index(row: Record<string, unknown>, value: unknown, field: IndexColumn, line: number): number {
    const v = this.checked(row, value, field, 'int', line) as number;
    if (v !== -1 && !this.defined[field].has(v))
      throw this.error(line, `${String(row.type)}: ${field} ${v} is used before its definition line`);
    return v;
  }

  private control(
    row: Record<string, unknown>,
    type: ControlEntry['type'],
    line: number,
    batch: JournalBatch,
  ): void {
    for (const [field, kind] of CONTROL_FIELDS[type]) this.need(row, field, kind, line);
    switch (type) {
      case 'ListenerDefined':
        this.defined.listener.add(row.listener as number);
        break;
      case 'TemplateDefined':
        this.defined.template.add(row.template as number);
        break;
      case 'BackendDefined':
        this.defined.backend.add(row.backend as number);
        break;
      case 'ScopeDefined':
        this.index(row, row.listener, 'listener', line);
        this.defined.scope.add(row.scope as number);
        break;
      case 'EpochStarted':
      case 'HealthChanged':
        this.index(row, row.scope, 'scope', line);
        break;
    }
    if (type === 'HealthChanged') this.index(row, row.backend, 'backend', line);
    batch.pushControl(row as unknown as ControlEntry);
  }

  private need(row: Record<string, unknown>, field: string, kind: FieldKind, line: number): unknown {
    return this.checked(row, row[field], field, kind, line);
  }

  private checked(
    row: Record<string, unknown>,
    value: unknown,
    field: string,
    kind: FieldKind,
    line: number,
  ): unknown {
    if (!fits(value, kind)) {
      const what = value === undefined ? 'missing' : `not ${kind === 'int' ? 'an integer' : `a ${kind}`}`;
      throw this.error(line, `${String(row.type)}: "${field}" ${what}`);
    }
    return value;
  }

  private inRange(
    row: Record<string, unknown>,
    value: unknown,
    field: string,
    lo: number,
    hi: number,
    line: number,
  ): number {
    const v = this.checked(row, value, field, 'int', line) as number;
    if (v < lo || v > hi)
      throw this.error(line, `${String(row.type)}: "${field}" ${v} is outside ${lo}..${hi}`);
    return v;
  }

  private error(line: number, problem: string): JournalFormatError {
    return new JournalFormatError(this.file, line, problem);
  }
}
