import fc from 'fast-check';
import { deltaBinaryUnpack } from 'hyparquet/src/delta.js';
import { readRleBitPackedHybrid } from 'hyparquet/src/encoding.js';
import { describe, expect, it } from 'vitest';
import { Bytes, writeDeltaBinaryPacked, writeHybrid } from '../../src/record/parquet-chunk.js';

function decodeHybrid(bytes: Uint8Array, width: number, count: number): number[] {
  const out = new Array<number>(count);
  readRleBitPackedHybrid(
    { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.length), offset: 0 },
    width,
    out,
    bytes.length,
  );
  return out;
}

describe('RLE / bit-packed hybrid', () => {
  it('encodes a long run as one RLE run', () => {
    const out = new Bytes();
    writeHybrid(out, new Uint8Array(1000).fill(1), 1000, 1);
    // header varint(1000 << 1) = 0xd0 0x0f, then the value in one byte.
    expect([...out.data]).toEqual([0xd0, 0x0f, 1]);
  });

  it('bit-packs short runs in groups of 8, least significant bits first', () => {
    const out = new Bytes();
    writeHybrid(out, [1, 0, 1, 1, 0, 0, 0, 1], 8, 1);
    expect([...out.data]).toEqual([0b11, 0b10001101]);
  });

  it('property: hyparquet decodes exactly what was encoded', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 16 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 40 })), { maxLength: 60 }),
        (width, runs) => {
          const values: number[] = [];
          for (const [v, len] of runs) for (let k = 0; k < len; k++) values.push(v % 2 ** width);
          const out = new Bytes();
          writeHybrid(out, Int32Array.from(values), values.length, width);
          expect(decodeHybrid(out.data, width, values.length)).toEqual(values);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('splits bit-packed runs longer than 63 groups', () => {
    const values = Array.from({ length: 8 * 200 + 3 }, (_, i) => i % 7);
    const out = new Bytes();
    writeHybrid(out, values, values.length, 3);
    expect(decodeHybrid(out.data, 3, values.length)).toEqual(values);
    expect(out.data[0]).toBe(63 * 2 + 1);
  });
});

function decodeDelta(bytes: Uint8Array, count: number): number[] {
  const out = new BigInt64Array(count);
  deltaBinaryUnpack(
    { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.length), offset: 0 },
    count,
    out,
  );
  return Array.from(out, Number);
}

describe('DELTA_BINARY_PACKED', () => {
  const scratch = new Int32Array(128);
  const encode = (values: number[]) => {
    const out = new Bytes();
    const ok = writeDeltaBinaryPacked(out, Float64Array.from(values), values.length, scratch);
    return { ok, bytes: out.data };
  };

  it('encodes a sequence 0..n as tiny blocks', () => {
    const values = Array.from({ length: 1000 }, (_, i) => i);
    const { ok, bytes } = encode(values);
    expect(ok).toBe(true);
    expect(bytes.length).toBeLessThan(80);
    expect(decodeDelta(bytes, values.length)).toEqual(values);
  });

  it('property: hyparquet decodes exactly what was encoded (deltas up to 32 bits, any sign)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 50), max: 2 ** 50 }),
        fc.array(fc.integer({ min: -(2 ** 31) + 1, max: 2 ** 31 - 1 }), { minLength: 0, maxLength: 700 }),
        fc.integer({ min: 0, max: 31 }),
        (first, steps, shift) => {
          const values = [first];
          for (const d of steps) values.push(values[values.length - 1] + (d >> shift));
          const { ok, bytes } = encode(values);
          expect(ok).toBe(true);
          expect(decodeDelta(bytes, values.length)).toEqual(values);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses deltas spanning 2^32 or values beyond 2^52 (the caller writes PLAIN)', () => {
    expect(encode([0, 2 ** 32]).ok).toBe(true); // one delta: the block minimum absorbs it
    expect(encode([0, 2 ** 32, 2 ** 32]).ok).toBe(false);
    expect(encode([0, 2 ** 31, -(2 ** 31)]).ok).toBe(false);
    expect(encode([2 ** 52]).ok).toBe(false);
    expect(encode([5, 2 ** 32 - 1 + 5]).ok).toBe(true);
  });
});
