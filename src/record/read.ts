/**
 * Reading record files back (`compare`, the live harness): `readRecordFile(path)` yields one
 * `RecordRow` per request from a `.jsonl`/`.ndjson`, `.csv` or `.parquet` file (also from its
 * `<file>.partial`), streaming with bounded memory: text files are read in 1 MiB chunks (through
 * util/line-reader.ts, CSV through util/csv-reader.ts), Parquet
 * files one row group at a time (synchronously, through hyparquet's column decoder). Every row is
 * checked against RECORD_COLUMNS; a malformed one is a FileError naming `file:line` (the
 * line of a CSV record is where it starts).
 */
import fs from 'node:fs';
import type { DecodedArray, FileMetaData } from 'hyparquet';
import { parquetMetadata, parquetSchema } from 'hyparquet';
import { readColumn } from 'hyparquet/src/column.js';
import { DEFAULT_PARSERS } from 'hyparquet/src/convert.js';
import { getTreePath } from 'hyparquet/src/schema.js';
import type { ColumnDecoder } from 'hyparquet/src/types.js';
import { OUTCOME_NAMES } from '../routing/outcomes.js';
import { CsvReader, type CsvRecord, CsvSyntaxError } from '../util/csv-reader.js';
import { LineReader, textChunks } from '../util/line-reader.js';
import { objectOf } from '../util/object-of.js';
import { PARTIAL_SUFFIX } from '../util/output-file.js';
import { FileError } from '../util/user-error.js';
import { RECORD_COLUMNS, type RecordColumn, type RecordRow } from './columns.js';
import { recordFormatOf } from './open.js';

export type { RecordRow } from './columns.js';

/** Every request row of a record file, in file order. */
export function* readRecordFile(path: string): Generator<RecordRow> {
  const named = path.endsWith(PARTIAL_SUFFIX) ? path.slice(0, -PARTIAL_SUFFIX.length) : path;
  switch (recordFormatOf(named)) {
    case 'jsonl':
      yield* readJsonl(path);
      return;
    case 'csv':
      yield* readCsv(path);
      return;
    case 'parquet':
      yield* readParquet(path);
      return;
  }
}

const OUTCOMES = new Set<string>(OUTCOME_NAMES);

function openFile(path: string): number {
  try {
    return fs.openSync(path, 'r');
  } catch (err) {
    throw new FileError(path, `cannot read: ${(err as Error).message}`);
  }
}

/** Check a decoded value against its column; returns the value or a problem string. */
function check(
  col: RecordColumn,
  value: unknown,
): { ok: true; value: unknown } | { ok: false; problem: string } {
  if (value === null || value === undefined) {
    return col.nullable ? { ok: true, value: null } : { ok: false, problem: `"${col.name}" is missing` };
  }
  switch (col.kind) {
    case 'int64':
    case 'int32':
      if (Number.isInteger(value)) return { ok: true, value };
      return { ok: false, problem: `"${col.name}" is not an integer: ${JSON.stringify(value)}` };
    case 'double':
      if (typeof value === 'number' && Number.isFinite(value)) return { ok: true, value };
      return { ok: false, problem: `"${col.name}" is not a number: ${JSON.stringify(value)}` };
    case 'boolean':
      if (typeof value === 'boolean') return { ok: true, value };
      return { ok: false, problem: `"${col.name}" is not true or false: ${JSON.stringify(value)}` };
    case 'string':
      if (typeof value !== 'string')
        return { ok: false, problem: `"${col.name}" is not a string: ${JSON.stringify(value)}` };
      if (col.name === 'outcome' && !OUTCOMES.has(value))
        return {
          ok: false,
          problem: `unknown outcome "${value}" (expected one of ${OUTCOME_NAMES.join(', ')})`,
        };
      return { ok: true, value };
  }
}

/** A row object of RECORD_COLUMNS' shape from their values in order. */
const buildRow = objectOf<RecordRow>(RECORD_COLUMNS.map((c) => c.name));

/** The checked values of the row being built (reused: `buildRow` copies them out). */
const rowValues: unknown[] = new Array(RECORD_COLUMNS.length).fill(null);

/** Build a row from `get(column index)` values, checking each. */
function makeRow(get: (c: number) => unknown, file: string, line: number): RecordRow {
  for (let c = 0; c < RECORD_COLUMNS.length; c++) {
    const r = check(RECORD_COLUMNS[c], get(c));
    if (!r.ok) throw new FileError(file, r.problem, line);
    rowValues[c] = r.value;
  }
  return buildRow(rowValues);
}

function* readJsonl(path: string): Generator<RecordRow> {
  const lines = new LineReader(path);
  for (const text of lines) {
    if (text.trim() === '') continue;
    const line = lines.line;
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (err) {
      throw new FileError(path, `not valid JSON (${(err as Error).message})`, line);
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj))
      throw new FileError(path, 'expected a JSON object', line);
    const o = obj as Record<string, unknown>;
    yield makeRow((c) => o[RECORD_COLUMNS[c].name], path, line);
  }
}

/** RFC 4180 records of text chunks (util/csv-reader.ts); a malformed one is a FileError at its line. */
export function* parseCsv(chunks: Iterable<string>, file: string): Generator<CsvRecord> {
  try {
    yield* new CsvReader(chunks, file);
  } catch (err) {
    // Records name the line only, as every record-file problem does.
    if (err instanceof CsvSyntaxError) throw new FileError(err.file, err.problem, err.line);
    throw err;
  }
}

const INTEGER = /^-?\d+$/;

function csvValue(col: RecordColumn, text: string, quoted: boolean): unknown {
  if (!quoted && text === '') return null;
  switch (col.kind) {
    case 'int64':
    case 'int32':
      return INTEGER.test(text) ? Number(text) : text;
    case 'double': {
      const v = text.trim() === '' ? Number.NaN : Number(text);
      return Number.isFinite(v) ? v : text;
    }
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    case 'string':
      return text;
  }
}

function* readCsv(path: string): Generator<RecordRow> {
  let positions: number[] | undefined;
  for (const rec of parseCsv(textChunks(path), path)) {
    if (positions === undefined) {
      positions = csvHeader(rec, path);
      continue;
    }
    if (rec.fields.length !== rec.quoted.length || rec.fields.length < positions.length) {
      throw new FileError(path, `expected ${positions.length} fields, found ${rec.fields.length}`, rec.line);
    }
    const p = positions;
    yield makeRow((c) => csvValue(RECORD_COLUMNS[c], rec.fields[p[c]], rec.quoted[p[c]]), path, rec.line);
  }
  if (positions === undefined) throw new FileError(path, 'empty file: expected a header line');
}

/** Position of each record column in the header; every column must be there. */
function csvHeader(rec: CsvRecord, path: string): number[] {
  const at = new Map(rec.fields.map((name, i) => [name.trim(), i]));
  const missing = RECORD_COLUMNS.filter((c) => !at.has(c.name)).map((c) => c.name);
  if (missing.length > 0) throw new FileError(path, `header lacks column(s) ${missing.join(', ')}`, rec.line);
  return RECORD_COLUMNS.map((c) => at.get(c.name)!);
}

function readBytes(fd: number, position: number, length: number): Uint8Array {
  const buf = new Uint8Array(length);
  let off = 0;
  while (off < length) {
    const got = fs.readSync(fd, buf, off, length - off, position + off);
    if (got === 0) throw new Error('unexpected end of file');
    off += got;
  }
  return buf;
}

function* readParquet(path: string): Generator<RecordRow> {
  const fd = openFile(path);
  try {
    let metadata: FileMetaData;
    try {
      const size = fs.fstatSync(fd).size;
      if (size < 12) throw new Error('file is too short');
      const footer = readBytes(fd, size - 8, 8);
      const metaLength = new DataView(footer.buffer).getUint32(0, true);
      if (metaLength + 8 > size) throw new Error('footer length exceeds the file');
      metadata = parquetMetadata(readBytes(fd, size - metaLength - 8, metaLength + 8));
    } catch (err) {
      throw new FileError(path, `not a readable Parquet file (${(err as Error).message})`);
    }
    const tree = parquetSchema(metadata);
    const names = new Set(tree.children.map((c) => c.element.name));
    const missing = RECORD_COLUMNS.filter((c) => !names.has(c.name)).map((c) => c.name);
    if (missing.length > 0) throw new FileError(path, `lacks column(s) ${missing.join(', ')}`);
    let rowBase = 0;
    for (const group of metadata.row_groups) {
      const rows = Number(group.num_rows);
      const columns = new Map<string, DecodedArray>();
      for (const chunk of group.columns) {
        const meta = chunk.meta_data;
        if (meta?.path_in_schema.length !== 1) continue;
        const name = meta.path_in_schema[0];
        if (!RECORD_COLUMNS.some((c) => c.name === name)) continue;
        const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
        const bytes = readBytes(fd, start, Number(meta.total_compressed_size));
        const schemaPath = getTreePath(tree, meta.path_in_schema);
        const decoder: ColumnDecoder = {
          pathInSchema: meta.path_in_schema,
          type: meta.type,
          element: schemaPath[schemaPath.length - 1].element,
          schemaPath,
          codec: meta.codec,
          parsers: DEFAULT_PARSERS,
        };
        const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
        let data: DecodedArray;
        try {
          const { data: parts } = readColumn(
            reader,
            { groupStart: rowBase, groupRows: rows, selectStart: 0, selectEnd: rows },
            decoder,
          );
          data = parts.length === 1 ? parts[0] : parts.flatMap((p) => Array.from(p as ArrayLike<unknown>));
        } catch (err) {
          throw new FileError(path, `column ${name}: ${(err as Error).message}`);
        }
        columns.set(name, data);
      }
      const data = RECORD_COLUMNS.map((c) => columns.get(c.name)!);
      for (let r = 0; r < rows; r++) {
        yield makeRow(
          (c) => {
            const v = data[c][r];
            return typeof v === 'bigint' ? Number(v) : v;
          },
          path,
          rowBase + r + 1,
        );
      }
      rowBase += rows;
    }
  } finally {
    fs.closeSync(fd);
  }
}
