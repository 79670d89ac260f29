/**
 * The hot core of the Parquet record writer: encodes one column chunk of a row group straight
 * from typed arrays, one data page (v2) per chunk, Snappy-compressed, with min/max/null-count
 * statistics:
 * - strings: a dictionary page plus RLE_DICTIONARY indices (the caller maps values to indices);
 * - INT32 (ports, node, worker, status, attempts — all within 0..65535): RLE_DICTIONARY when the
 *   chunk has at most 1024 distinct values, else PLAIN;
 * - INT64 (`t`, `id`): DELTA_BINARY_PACKED (PLAIN when a delta needs more than 32 bits);
 * - DOUBLE and BOOLEAN: PLAIN.
 * Definition levels (nullable columns) and indices use the RLE / bit-packed hybrid.
 *
 * hyparquet-writer's generic `ParquetWriter.write` rebuilds dictionaries and statistics value by
 * value through Maps and BigInts (~3 µs per 22-column row measured here), too slow for records of
 * millions of requests. This module keeps its page-header serialisation and Snappy codec and
 * does the per-value work in flat loops over typed arrays, writing compact encodings so Snappy
 * has little to chew on.
 */
import type { ColumnChunk, Encoding, ParquetType, Statistics } from 'hyparquet';
import { ByteWriter } from 'hyparquet-writer';
import { writePageHeader } from 'hyparquet-writer/src/datapage.js';
import { snappyCompress } from 'hyparquet-writer/src/snappy.js';

/** The sink a chunk is appended to (hyparquet-writer's `Writer`). */
export interface ChunkWriter {
  offset: number;
  appendBytes(value: Uint8Array): void;
}

const TWO_32 = 4294967296;
/** INT32 columns with more distinct values than this in a chunk are written PLAIN. */
const MAX_INT_DICTIONARY = 1024;
const DELTA_BLOCK = 128;
const DELTA_MINIBLOCKS = 4;
const DELTA_MINIBLOCK = DELTA_BLOCK / DELTA_MINIBLOCKS;

/** A growable byte buffer with the few primitives the encoders need. */
export class Bytes {
  buf = new Uint8Array(1 << 16);
  view = new DataView(this.buf.buffer);
  n = 0;

  reset(): this {
    this.n = 0;
    return this;
  }

  ensure(extra: number): void {
    if (this.n + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.n + extra) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buf.subarray(0, this.n));
    this.buf = grown;
    this.view = new DataView(grown.buffer);
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.n++] = v;
  }

  /** Unsigned LEB128 of a non-negative integer up to 2^53. */
  varint(v: number): void {
    this.ensure(10);
    while (v >= 128) {
      this.buf[this.n++] = (v % 128) | 128;
      v = Math.floor(v / 128);
    }
    this.buf[this.n++] = v;
  }

  /** Zig-zag LEB128 of a safe integer. */
  zigzag(v: number): void {
    this.varint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.n);
    this.n += b.length;
  }

  get data(): Uint8Array {
    return this.buf.subarray(0, this.n);
  }
}

/**
 * The RLE / bit-packed hybrid of `values[0..n)` (each < 2^bitWidth, bitWidth ≤ 24): runs of 8 or
 * more equal values as RLE runs, the rest as bit-packed groups of 8 (the last one zero-padded).
 */
export function writeHybrid(out: Bytes, values: ArrayLike<number>, n: number, bitWidth: number): void {
  const valueBytes = (bitWidth + 7) >> 3;
  let i = 0;
  let packStart = -1;
  let packGroups = 0;
  while (i < n) {
    const v = values[i];
    let run = 1;
    while (i + run < n && values[i + run] === v) run++;
    if (run >= 8) {
      if (packGroups > 0) {
        writePacked(out, values, n, packStart, packGroups, bitWidth);
        packGroups = 0;
      }
      out.varint(run * 2);
      out.ensure(valueBytes);
      for (let b = 0; b < valueBytes; b++) out.buf[out.n++] = (v >>> (8 * b)) & 255;
      i += run;
    } else {
      if (packGroups === 0) packStart = i;
      packGroups++;
      i += 8;
      // Like parquet-mr, keep a bit-packed run's header to one byte (at most 63 groups).
      if (packGroups === 63) {
        writePacked(out, values, n, packStart, packGroups, bitWidth);
        packGroups = 0;
      }
    }
  }
  if (packGroups > 0) writePacked(out, values, n, packStart, packGroups, bitWidth);
}

function writePacked(
  out: Bytes,
  values: ArrayLike<number>,
  n: number,
  start: number,
  groups: number,
  bitWidth: number,
): void {
  out.varint(groups * 2 + 1);
  out.ensure(groups * bitWidth);
  const buf = out.buf;
  let at = out.n;
  let acc = 0;
  let bits = 0;
  const end = start + groups * 8;
  for (let i = start; i < end; i++) {
    acc |= (i < n ? values[i] : 0) << bits;
    bits += bitWidth;
    while (bits >= 8) {
      buf[at++] = acc & 255;
      acc >>>= 8;
      bits -= 8;
    }
  }
  out.n = at;
}

/** Bits needed to store values 0..max (at least 1). */
function bitWidthOf(max: number): number {
  return max <= 1 ? 1 : 32 - Math.clz32(max);
}

/** Scratch buffers reused for every chunk (one encoder per file). */
export class ChunkEncoder {
  private readonly body = new Bytes();
  private readonly dict = new Bytes();
  private readonly levels = new Bytes();
  private readonly header = new ByteWriter(256);
  private readonly intIndex = new Int32Array(65536).fill(-1);
  private readonly intValues = new Int32Array(MAX_INT_DICTIONARY);
  private readonly indices = new Int32Array(1 << 16);

  /**
   * A dictionary-encoded BYTE_ARRAY (UTF8) column. `dictionary[0..size)` holds each distinct
   * value's UTF-8 bytes; `indices[0..nonNull)` the dictionary index of each non-null value in row
   * order; `def[0..rows)` 1 for a value, 0 for null (null when the column is required).
   */
  stringChunk(
    out: ChunkWriter,
    name: string,
    rows: number,
    dictionary: readonly Uint8Array[],
    size: number,
    indices: Int32Array,
    nonNull: number,
    def: Uint8Array | null,
  ): ColumnChunk {
    const d = this.dict.reset();
    let minAt = -1;
    let maxAt = -1;
    for (let k = 0; k < size; k++) {
      const bytes = dictionary[k];
      d.ensure(4);
      d.view.setUint32(d.n, bytes.length, true);
      d.n += 4;
      d.bytes(bytes);
      if (minAt < 0 || compareBytes(bytes, dictionary[minAt]) < 0) minAt = k;
      if (maxAt < 0 || compareBytes(bytes, dictionary[maxAt]) > 0) maxAt = k;
    }
    return this.dictionaryChunk(out, name, 'BYTE_ARRAY', rows, size, indices, nonNull, def, {
      null_count: BigInt(rows - nonNull),
      min_value: minAt >= 0 ? dictionary[minAt] : undefined,
      max_value: maxAt >= 0 ? dictionary[maxAt] : undefined,
    });
  }

  /** An INT64 column from safe-integer doubles (required). */
  int64Chunk(out: ChunkWriter, name: string, values: Float64Array, rows: number): ColumnChunk {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < rows; i++) {
      const v = values[i];
      if (!Number.isSafeInteger(v)) throw new Error(`record column ${name}: ${v} is not an integer`);
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const stats = {
      null_count: 0n,
      min_value: rows > 0 ? min : undefined,
      max_value: rows > 0 ? max : undefined,
    };
    const start = out.offset;
    if (rows > 0 && writeDeltaBinaryPacked(this.body, values, rows, this.indices)) {
      const size = this.writeDataPage(out, this.body.data, null, 'DELTA_BINARY_PACKED', rows, 0);
      return chunk(
        name,
        'INT64',
        ['DELTA_BINARY_PACKED'],
        rows,
        start,
        start,
        undefined,
        out.offset,
        size,
        stats,
      );
    }
    const b = this.body.reset();
    b.ensure(rows * 8);
    for (let i = 0; i < rows; i++) {
      const v = values[i];
      const hi = Math.floor(v / TWO_32);
      b.view.setUint32(b.n, v - hi * TWO_32, true);
      b.view.setInt32(b.n + 4, hi, true);
      b.n += 8;
    }
    const size = this.writeDataPage(out, b.data, null, 'PLAIN', rows, 0);
    return chunk(name, 'INT64', ['PLAIN'], rows, start, start, undefined, out.offset, size, stats);
  }

  /** An INT32 column of values in 0..65535; `def` marks nulls (values at null rows are ignored). */
  int32Chunk(
    out: ChunkWriter,
    name: string,
    values: Int32Array | Uint16Array | Uint8Array,
    rows: number,
    def: Uint8Array | null,
  ): ColumnChunk {
    const index = this.intIndex;
    const distinct = this.intValues;
    const indices = this.indices;
    let size = 0;
    let nonNull = 0;
    let min = 65535;
    let max = 0;
    let dictionary = true;
    for (let i = 0; i < rows; i++) {
      if (def !== null && def[i] === 0) continue;
      const v = values[i];
      if (v < 0 || v > 65535) throw new Error(`record column ${name}: ${v} is outside 0..65535`);
      if (v < min) min = v;
      if (v > max) max = v;
      if (dictionary) {
        let k = index[v];
        if (k < 0) {
          if (size === MAX_INT_DICTIONARY) dictionary = false;
          else {
            k = index[v] = size;
            distinct[size++] = v;
          }
        }
        indices[nonNull] = k;
      }
      nonNull++;
    }
    for (let k = 0; k < size; k++) index[distinct[k]] = -1;
    const nulls = rows - nonNull;
    const stats = {
      null_count: BigInt(nulls),
      min_value: nonNull > 0 ? min : undefined,
      max_value: nonNull > 0 ? max : undefined,
    };
    if (dictionary) {
      const d = this.dict.reset();
      d.ensure(size * 4);
      for (let k = 0; k < size; k++) {
        d.view.setInt32(d.n, distinct[k], true);
        d.n += 4;
      }
      return this.dictionaryChunk(out, name, 'INT32', rows, size, indices, nonNull, def, stats);
    }
    const b = this.body.reset();
    b.ensure(rows * 4);
    for (let i = 0; i < rows; i++) {
      if (def !== null && def[i] === 0) continue;
      b.view.setInt32(b.n, values[i], true);
      b.n += 4;
    }
    const start = out.offset;
    const written = this.writeDataPage(out, b.data, def, 'PLAIN', rows, nulls);
    return chunk(
      name,
      'INT32',
      def ? ['PLAIN', 'RLE'] : ['PLAIN'],
      rows,
      start,
      start,
      undefined,
      out.offset,
      written,
      stats,
    );
  }

  /** A DOUBLE column; NaN is written as null (and `def` filled accordingly). */
  doubleChunk(
    out: ChunkWriter,
    name: string,
    values: Float64Array,
    rows: number,
    def: Uint8Array,
  ): ColumnChunk {
    const b = this.body.reset();
    b.ensure(rows * 8);
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let nulls = 0;
    for (let i = 0; i < rows; i++) {
      const v = values[i];
      if (Number.isNaN(v)) {
        def[i] = 0;
        nulls++;
        continue;
      }
      def[i] = 1;
      if (v < min) min = v;
      if (v > max) max = v;
      b.view.setFloat64(b.n, v, true);
      b.n += 8;
    }
    const start = out.offset;
    const size = this.writeDataPage(out, b.data, def, 'PLAIN', rows, nulls);
    return chunk(name, 'DOUBLE', ['PLAIN', 'RLE'], rows, start, start, undefined, out.offset, size, {
      null_count: BigInt(nulls),
      min_value: rows > nulls ? min : undefined,
      max_value: rows > nulls ? max : undefined,
    });
  }

  /** A required BOOLEAN column from 0/1 bytes. */
  booleanChunk(out: ChunkWriter, name: string, values: Uint8Array, rows: number): ColumnChunk {
    const b = this.body.reset();
    const bytes = (rows + 7) >> 3;
    b.ensure(bytes);
    let any = 0;
    let all = 1;
    for (let k = 0; k < bytes; k++) {
      let byte = 0;
      const end = Math.min(8, rows - k * 8);
      for (let j = 0; j < end; j++) {
        const v = values[k * 8 + j] !== 0 ? 1 : 0;
        byte |= v << j;
        any |= v;
        all &= v;
      }
      b.buf[b.n++] = byte;
    }
    const start = out.offset;
    const size = this.writeDataPage(out, b.data, null, 'PLAIN', rows, 0);
    return chunk(name, 'BOOLEAN', ['PLAIN'], rows, start, start, undefined, out.offset, size, {
      null_count: 0n,
      min_value: rows > 0 ? all === 1 : undefined,
      max_value: rows > 0 ? any === 1 : undefined,
    });
  }

  /** Dictionary page (already in `this.dict`) plus the RLE_DICTIONARY data page. */
  private dictionaryChunk(
    out: ChunkWriter,
    name: string,
    type: ParquetType,
    rows: number,
    size: number,
    indices: Int32Array,
    nonNull: number,
    def: Uint8Array | null,
    stats: Statistics,
  ): ColumnChunk {
    const start = out.offset;
    let written = this.writeDictionaryPage(out, this.dict.data, size);
    const dataStart = out.offset;
    const b = this.body.reset();
    const bitWidth = bitWidthOf(size - 1);
    b.u8(bitWidth);
    writeHybrid(b, indices, nonNull, bitWidth);
    written += this.writeDataPage(out, b.data, def, 'RLE_DICTIONARY', rows, rows - nonNull);
    const encodings: Encoding[] = def ? ['PLAIN', 'RLE', 'RLE_DICTIONARY'] : ['PLAIN', 'RLE_DICTIONARY'];
    return chunk(name, type, encodings, rows, start, dataStart, start, out.offset, written, stats);
  }

  private writeDictionaryPage(out: ChunkWriter, body: Uint8Array, size: number): number {
    const compressed = snappyCompress(body);
    const header = this.header;
    header.index = 0;
    header.offset = 0;
    writePageHeader(header, {
      type: 'DICTIONARY_PAGE',
      uncompressed_page_size: body.length,
      compressed_page_size: compressed.length,
      dictionary_page_header: { num_values: size, encoding: 'PLAIN' },
    });
    out.appendBytes(header.getBytes());
    out.appendBytes(compressed);
    return header.offset + body.length;
  }

  /** Header, definition levels (uncompressed, as v2 pages keep them) and compressed body. */
  private writeDataPage(
    out: ChunkWriter,
    body: Uint8Array,
    def: Uint8Array | null,
    encoding: Encoding,
    rows: number,
    nulls: number,
  ): number {
    const compressed = snappyCompress(body);
    let levelBytes = 0;
    if (def !== null) {
      writeHybrid(this.levels.reset(), def, rows, 1);
      levelBytes = this.levels.n;
    }
    const header = this.header;
    header.index = 0;
    header.offset = 0;
    writePageHeader(header, {
      type: 'DATA_PAGE_V2',
      uncompressed_page_size: levelBytes + body.length,
      compressed_page_size: levelBytes + compressed.length,
      data_page_header_v2: {
        num_values: rows,
        num_nulls: nulls,
        num_rows: rows,
        encoding,
        definition_levels_byte_length: levelBytes,
        repetition_levels_byte_length: 0,
        is_compressed: true,
      },
    });
    out.appendBytes(header.getBytes());
    if (levelBytes > 0) out.appendBytes(this.levels.data);
    out.appendBytes(compressed);
    return header.offset + levelBytes + body.length;
  }
}

/**
 * DELTA_BINARY_PACKED of `values[0..rows)` (safe integers) into `b` (reset first): blocks of 128
 * deltas in 4 miniblocks of 32, each bit-packed at its own width. Returns false, leaving `b`
 * unusable, when the first value or a delta is beyond ±2^52 or a block's deltas span 2^32 or
 * more; the caller then writes PLAIN. `scratch` holds at least 128 entries.
 */
export function writeDeltaBinaryPacked(
  b: Bytes,
  values: Float64Array,
  rows: number,
  scratch: Int32Array,
): boolean {
  b.reset();
  if (Math.abs(values[0]) >= 2 ** 52) return false;
  b.varint(DELTA_BLOCK);
  b.varint(DELTA_MINIBLOCKS);
  b.varint(rows);
  b.zigzag(values[0]);
  const deltas = scratch; // (delta - minDelta) as uint32 bits
  for (let blockStart = 1; blockStart < rows; blockStart += DELTA_BLOCK) {
    const blockEnd = Math.min(rows, blockStart + DELTA_BLOCK);
    let minDelta = Number.POSITIVE_INFINITY;
    for (let i = blockStart; i < blockEnd; i++) {
      const delta = values[i] - values[i - 1];
      if (delta < minDelta) minDelta = delta;
    }
    if (Math.abs(minDelta) >= 2 ** 52) return false;
    const count = blockEnd - blockStart;
    for (let j = 0; j < count; j++) {
      const adjusted = values[blockStart + j] - values[blockStart + j - 1] - minDelta;
      if (adjusted >= TWO_32) return false;
      deltas[j] = adjusted | 0;
    }
    b.zigzag(minDelta);
    const widthsAt = b.n;
    b.ensure(DELTA_MINIBLOCKS);
    b.n += DELTA_MINIBLOCKS;
    for (let m = 0; m < DELTA_MINIBLOCKS; m++) {
      const from = m * DELTA_MINIBLOCK;
      if (from >= count) {
        b.buf[widthsAt + m] = 0;
        continue;
      }
      const to = Math.min(count, from + DELTA_MINIBLOCK);
      let or = 0;
      for (let j = from; j < to; j++) or |= deltas[j];
      const width = or === 0 ? 0 : 32 - Math.clz32(or);
      b.buf[widthsAt + m] = width;
      if (width === 0) continue;
      // 32 values (zero-padded) × width bits = 4 × width bytes, least significant bits first.
      b.ensure(4 * width);
      const buf = b.buf;
      let at = b.n;
      let acc = 0;
      let bits = 0;
      for (let j = from; j < from + DELTA_MINIBLOCK; j++) {
        const v = j < to ? deltas[j] >>> 0 : 0;
        // Fewer than 8 bits are pending, so at most one 32-bit word overflows.
        if (bits + width <= 32) {
          acc = (acc | (v << bits)) >>> 0;
          bits += width;
        } else {
          acc = (acc | (v << bits)) >>> 0;
          buf[at++] = acc & 255;
          buf[at++] = (acc >>> 8) & 255;
          buf[at++] = (acc >>> 16) & 255;
          buf[at++] = acc >>> 24;
          acc = v >>> (32 - bits);
          bits = bits + width - 32;
        }
        while (bits >= 8) {
          buf[at++] = acc & 255;
          acc >>>= 8;
          bits -= 8;
        }
      }
      b.n = at;
    }
  }
  return true;
}

function chunk(
  name: string,
  type: ParquetType,
  encodings: Encoding[],
  rows: number,
  start: number,
  dataStart: number,
  dictionaryStart: number | undefined,
  end: number,
  uncompressed: number,
  statistics: Statistics,
): ColumnChunk {
  return {
    file_offset: BigInt(start),
    meta_data: {
      type,
      encodings,
      path_in_schema: [name],
      codec: 'SNAPPY',
      num_values: BigInt(rows),
      total_uncompressed_size: BigInt(uncompressed),
      total_compressed_size: BigInt(end - start),
      data_page_offset: BigInt(dataStart),
      dictionary_page_offset: dictionaryStart === undefined ? undefined : BigInt(dictionaryStart),
      statistics,
    },
  };
}

/** Unsigned lexicographic order, as Parquet orders BYTE_ARRAY statistics. */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
