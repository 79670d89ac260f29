/**
 * Parquet records: the columns of RECORD_COLUMNS with proper types (INT64 `t`/`id`, INT32 ports,
 * node, worker, status and attempts, DOUBLE `latency`, BOOLEAN `sticky`, UTF8 strings, nullable
 * where RECORD_COLUMNS says so), Snappy-compressed, in row groups of 65 536 rows written as they
 * fill, so memory stays bounded however many requests a run makes. Readable by DuckDB
 * (`read_parquet`), pandas/pyarrow and hyparquet.
 *
 * No object per request: a row is copied as journal indices into typed row-group columns; at
 * row-group flush every string column maps its key (listener, template, scope, backend, outcome
 * index, or client IP) to a per-row-group dictionary index, and the chunk encoder
 * (parquet-chunk.ts) writes the pages. The file is framed by hyparquet-writer's `ParquetWriter`
 * (header, footer metadata) over its `fileWriter`, through `<file>.partial` as every record file.
 * An interrupted run still gets a footer, so its `.partial` file is readable.
 */
import type { SchemaElement } from 'hyparquet';
import { fileWriter, ParquetWriter } from 'hyparquet-writer';
import { FLAG_STICKY } from '../journal/journal-rows.js';
import { allocateColumns, copyRow, ROUTED_COLUMNS } from '../journal/row-columns.js';
import { OUTCOME_NAMES } from '../routing/outcomes.js';
import { numberToIp } from '../util/ip.js';
import { OutputWriteError, prepareOutput, settleOutput, systemErrorCode } from '../util/output-file.js';
import { FileError } from '../util/user-error.js';
import { VERSION } from '../util/version.js';
import { RECORD_COLUMNS, type RecordRow, statusOf } from './columns.js';
import { ChunkEncoder, type ChunkWriter } from './parquet-chunk.js';
import { salvageParquet } from './parquet-salvage.js';
import type { Definition, RecordFormat, RowColumns } from './record-format.js';
import { RecordWriter } from './writer.js';

export const ROW_GROUP_ROWS = 65_536;

const utf8 = new TextEncoder();

/** Distinct strings of one column, by global id, with their UTF-8 bytes. */
class StringTable {
  private readonly ids = new Map<string, number>();
  readonly bytes: Uint8Array[] = [];

  intern(s: string | null): number {
    if (s === null) return -1;
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.bytes.length;
      this.ids.set(s, id);
      this.bytes.push(utf8.encode(s));
    }
    return id;
  }
}

/**
 * A string column whose value is a function of one journal index (listener, template, scope,
 * backend, outcome): `keyToId[key]` is the string's id in `table`, -1 for null.
 */
class KeyedStringColumn {
  readonly table = new StringTable();
  keyToId = new Int32Array(16).fill(-1);
  /** Per row group: global id → dictionary index, -1 when not used yet. */
  private local = new Int32Array(16).fill(-1);
  readonly dictionary: Uint8Array[] = [];

  constructor(readonly name: keyof RecordRow) {}

  set(key: number, value: string | null): void {
    if (key >= this.keyToId.length) {
      const grown = new Int32Array(Math.max(key + 1, this.keyToId.length * 2)).fill(-1);
      grown.set(this.keyToId);
      this.keyToId = grown;
    }
    this.keyToId[key] = this.table.intern(value);
  }

  /** Map `keys[0..rows)` to dictionary indices; returns how many are non-null. */
  encode(keys: ArrayLike<number>, rows: number, indices: Int32Array, def: Uint8Array): number {
    const tableSize = this.table.bytes.length;
    if (this.local.length < tableSize) {
      this.local = new Int32Array(Math.max(tableSize, this.local.length * 2)).fill(-1);
    }
    const local = this.local;
    const keyToId = this.keyToId;
    const limit = keyToId.length;
    const dictionary = this.dictionary;
    const bytes = this.table.bytes;
    dictionary.length = 0;
    let nonNull = 0;
    for (let i = 0; i < rows; i++) {
      const k = keys[i];
      const id = k >= 0 && k < limit ? keyToId[k] : -1;
      if (id < 0) {
        def[i] = 0;
        continue;
      }
      def[i] = 1;
      let d = local[id];
      if (d < 0) {
        d = local[id] = dictionary.length;
        dictionary.push(bytes[id]);
      }
      indices[nonNull++] = d;
    }
    // Reset the used entries for the next row group.
    for (let id = 0; id < tableSize; id++) local[id] = -1;
    return nonNull;
  }
}

export class ParquetRecordFormat implements RecordFormat {
  private readonly writer: ParquetWriter;
  private readonly out: ChunkWriter;
  private readonly encoder = new ChunkEncoder();
  private closed = false;
  private where: string;
  /** Set once a write failed (the file was cut back to its whole row groups). */
  private failure: OutputWriteError | undefined;

  // Row-group buffers: the routed-row columns (journal indices), one entry per request.
  private n = 0;
  private readonly cols = allocateColumns(ROUTED_COLUMNS, ROW_GROUP_ROWS);
  private readonly latency = new Float64Array(ROW_GROUP_ROWS);

  // Flush scratch.
  private readonly indices = new Int32Array(ROW_GROUP_ROWS);
  private readonly def = new Uint8Array(ROW_GROUP_ROWS);
  private readonly ints = new Int32Array(ROW_GROUP_ROWS);
  private readonly sticky = new Uint8Array(ROW_GROUP_ROWS);
  private readonly ipLocal = new Map<number, number>();
  private readonly ipDictionary: Uint8Array[] = [];

  // Per-index lookups filled by definitions.
  private readonly listenerKey = new KeyedStringColumn('listener');
  private readonly host = new KeyedStringColumn('host');
  private readonly path = new KeyedStringColumn('path');
  private readonly method = new KeyedStringColumn('method');
  private readonly ruleId = new KeyedStringColumn('RuleId');
  private readonly ruleName = new KeyedStringColumn('RuleName');
  private readonly matchKind = new KeyedStringColumn('matchKind');
  private readonly source = new KeyedStringColumn('source');
  private readonly groupId = new KeyedStringColumn('VServerGroupId');
  private readonly serverId = new KeyedStringColumn('ServerId');
  private readonly outcomeName = new KeyedStringColumn('outcome');
  private layerOf = new Uint8Array(16);
  private portOf = new Int32Array(16).fill(-1);

  constructor(readonly file: string) {
    this.where = prepareOutput(file);
    try {
      this.out = fileWriter(this.where) as unknown as ChunkWriter;
    } catch (err) {
      throw new FileError(file, `cannot create: ${(err as Error).message}`);
    }
    this.writer = new ParquetWriter({
      writer: this.out as never,
      schema: PARQUET_SCHEMA,
      createdBy: `slbsim ${VERSION}`,
      kvMetadata: [{ key: 'slbsim.record', value: 'per-request records v1; t and latency in µs' }],
    });
    for (let code = 0; code < OUTCOME_NAMES.length; code++) this.outcomeName.set(code, OUTCOME_NAMES[code]);
  }

  define(e: Definition): void {
    switch (e.type) {
      case 'ListenerDefined':
        this.listenerKey.set(e.listener, e.key);
        this.layerOf = growTo(this.layerOf, e.listener, 0);
        this.layerOf[e.listener] = e.layer;
        break;
      case 'TemplateDefined':
        this.host.set(e.template, e.host);
        this.path.set(e.template, e.path);
        this.method.set(e.template, e.method);
        break;
      case 'ScopeDefined':
        this.ruleId.set(e.scope, e.rule?.RuleId ?? null);
        this.ruleName.set(e.scope, e.rule?.RuleName ?? null);
        this.matchKind.set(e.scope, e.rule?.matchKind ?? null);
        this.source.set(e.scope, e.source);
        this.groupId.set(e.scope, e.groupId);
        break;
      case 'BackendDefined':
        this.serverId.set(e.backend, e.ServerId);
        this.portOf = growTo(this.portOf, e.backend, -1);
        this.portOf[e.backend] = e.Port;
        break;
    }
  }

  row(c: RowColumns, i: number, latency: number): void {
    if (this.failure) throw this.failure;
    const n = this.n;
    copyRow.routed(this.cols, n, c, i);
    this.latency[n] = latency;
    this.n = n + 1;
    if (this.n === ROW_GROUP_ROWS) {
      try {
        this.flush();
      } catch (err) {
        throw this.fail(err);
      }
    }
  }

  /** Where the file is: `<file>.partial` until closed after a complete run, then `<file>`. */
  get location(): string {
    return this.where;
  }

  close(complete: boolean): string {
    if (this.closed) return this.where;
    this.closed = true;
    if (this.failure) return this.where;
    try {
      this.flush();
      this.writer.finish();
    } catch (err) {
      throw this.fail(err);
    }
    this.where = settleOutput(this.file, complete);
    return this.where;
  }

  /** A failed write: keep the whole row groups (with a footer when it fits), remember the error. */
  private fail(err: unknown): unknown {
    const code = systemErrorCode(err);
    if (code === undefined) return err;
    const kept = salvageParquet({
      file: this.where,
      rowGroups: this.writer.row_groups,
      schema: PARQUET_SCHEMA,
      createdBy: this.writer.createdBy,
      kvMetadata: this.writer.kvMetadata ?? [],
    });
    this.failure = new OutputWriteError(this.where, code, kept);
    return this.failure;
  }

  /** Encode the buffered rows as one row group. */
  private flush(): void {
    const rows = this.n;
    if (rows === 0) return;
    const out = this.out;
    const enc = this.encoder;
    const start = out.offset;
    const c = this.cols;
    const sticky = this.sticky;
    for (let i = 0; i < rows; i++) sticky[i] = c.flags[i] & FLAG_STICKY;
    const chunks = [
      enc.int64Chunk(out, 't', c.t, rows),
      enc.int64Chunk(out, 'id', c.id, rows),
      this.keyed(this.listenerKey, c.listener, rows, true),
      this.clientIpChunk(rows),
      enc.int32Chunk(out, 'clientPort', c.clientPort, rows, null),
      this.keyed(this.host, c.template, rows, true),
      this.keyed(this.path, c.template, rows, true),
      this.keyed(this.method, c.template, rows, true),
      enc.int32Chunk(out, 'node', c.node, rows, null),
      enc.int32Chunk(out, 'worker', c.worker, rows, null),
      this.keyed(this.ruleId, c.scope, rows, true),
      this.keyed(this.ruleName, c.scope, rows, true),
      this.keyed(this.matchKind, c.scope, rows, true),
      this.keyed(this.source, c.scope, rows, true),
      this.keyed(this.groupId, c.scope, rows, true),
      this.keyed(this.serverId, c.backend, rows, true),
      this.portChunk(rows),
      this.keyed(this.outcomeName, c.outcome, rows, false),
      this.statusChunk(rows),
      enc.int32Chunk(out, 'attempts', c.attempts, rows, null),
      enc.booleanChunk(out, 'sticky', sticky, rows),
      enc.doubleChunk(out, 'latency', this.latency, rows, this.def),
    ];
    let totalBytes = 0n;
    for (const c of chunks) totalBytes += c.meta_data!.total_uncompressed_size;
    this.writer.row_groups.push({
      columns: chunks,
      total_byte_size: totalBytes,
      num_rows: BigInt(rows),
      file_offset: BigInt(start),
      total_compressed_size: BigInt(out.offset - start),
    });
    this.writer.num_rows += BigInt(rows);
    this.n = 0;
  }

  private keyed(col: KeyedStringColumn, keys: ArrayLike<number>, rows: number, nullable: boolean) {
    const nonNull = col.encode(keys, rows, this.indices, this.def);
    if (!nullable && nonNull !== rows) throw new Error(`record column ${col.name}: missing value`);
    return this.encoder.stringChunk(
      this.out,
      col.name,
      rows,
      col.dictionary,
      col.dictionary.length,
      this.indices,
      nonNull,
      nullable ? this.def : null,
    );
  }

  private clientIpChunk(rows: number) {
    const local = this.ipLocal;
    const dictionary = this.ipDictionary;
    const indices = this.indices;
    const ips = this.cols.clientIp;
    local.clear();
    dictionary.length = 0;
    for (let i = 0; i < rows; i++) {
      const ip = ips[i];
      let d = local.get(ip);
      if (d === undefined) {
        d = dictionary.length;
        local.set(ip, d);
        dictionary.push(utf8.encode(numberToIp(ip)));
      }
      indices[i] = d;
    }
    return this.encoder.stringChunk(
      this.out,
      'clientIp',
      rows,
      dictionary,
      dictionary.length,
      indices,
      rows,
      null,
    );
  }

  private portChunk(rows: number) {
    const ports = this.ints;
    const def = this.def;
    const portOf = this.portOf;
    const backend = this.cols.backend;
    for (let i = 0; i < rows; i++) {
      const b = backend[i];
      const p = b >= 0 && b < portOf.length ? portOf[b] : -1;
      def[i] = p >= 0 ? 1 : 0;
      ports[i] = p;
    }
    return this.encoder.int32Chunk(this.out, 'Port', ports, rows, def);
  }

  private statusChunk(rows: number) {
    const status = this.ints;
    const def = this.def;
    const layerOf = this.layerOf;
    const { listener, outcome } = this.cols;
    for (let i = 0; i < rows; i++) {
      const l = listener[i];
      const s = statusOf(l >= 0 && l < layerOf.length ? layerOf[l] : 0, outcome[i]);
      def[i] = s === 0 ? 0 : 1;
      status[i] = s;
    }
    return this.encoder.int32Chunk(this.out, 'status', status, rows, def);
  }
}

const PARQUET_TYPES = {
  int64: { type: 'INT64' },
  int32: { type: 'INT32' },
  double: { type: 'DOUBLE' },
  boolean: { type: 'BOOLEAN' },
  string: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
} as const satisfies Record<string, Partial<SchemaElement>>;

/** The Parquet schema of a record file, from RECORD_COLUMNS. */
export const PARQUET_SCHEMA: SchemaElement[] = [
  { name: 'root', num_children: RECORD_COLUMNS.length },
  ...RECORD_COLUMNS.map(
    (c): SchemaElement => ({
      name: c.name,
      ...PARQUET_TYPES[c.kind],
      repetition_type: c.nullable ? 'OPTIONAL' : 'REQUIRED',
    }),
  ),
];

function growTo<T extends Uint8Array | Int32Array>(a: T, index: number, fill: number): T {
  if (index < a.length) return a;
  const grown = new (a.constructor as new (n: number) => T)(Math.max(index + 1, a.length * 2));
  grown.fill(fill);
  grown.set(a as never);
  return grown;
}

/** A Parquet record writer for `path` (written through `<path>.partial`). */
export function parquetRecordWriter(path: string): RecordWriter {
  const format = new ParquetRecordFormat(path);
  return new RecordWriter(path, format, format.location);
}
