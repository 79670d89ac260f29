import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JournalBatch } from '../../src/journal/journal-batch.js';
import { FLAG_AWAITS_COMPLETION, FLAG_STICKY } from '../../src/journal/journal-rows.js';
import { RECORD_COLUMNS, type RecordRow } from '../../src/record/columns.js';
import { openRecordWriter } from '../../src/record/open.js';
import { ROW_GROUP_ROWS } from '../../src/record/parquet.js';
import { readRecordFile } from '../../src/record/read.js';
import { OUTCOME_NAMES } from '../../src/routing/outcomes.js';
import { FIXTURE_RECORDS, fixtureBatches } from './journal-fixture.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slbsim-parquet-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Req {
  dt: number;
  idJump: boolean;
  listener: number;
  template: number;
  ip: number;
  port: number;
  node: number;
  worker: number;
  scope: number;
  backend: number;
  outcome: number;
  attempts: number;
  sticky: boolean;
  awaits: boolean;
  completeAfter: number;
  latency: number;
}

/** A journal of random requests over the fixture's definitions; completions delayed by `completeAfter` arrivals. */
function journal(reqs: readonly Req[], capacity = 512): JournalBatch[] {
  const batches = [fixtureBatches(16)[0]];
  let b = new JournalBatch(capacity);
  const push = () => {
    if (b.full) {
      batches.push(b);
      b = new JournalBatch(capacity);
    }
  };
  let t = 0;
  let id = 0;
  const due: { at: number; id: number; latency: number }[] = [];
  reqs.forEach((r, k) => {
    t += r.dt;
    id += r.idJump ? 2 ** 40 : 1;
    b.pushRouted({
      t,
      id,
      listener: r.listener,
      template: r.template,
      clientIp: r.ip,
      clientPort: r.port,
      node: r.node,
      worker: r.worker,
      scope: r.scope,
      backend: r.backend,
      outcome: r.outcome,
      attempts: r.attempts,
      flags: (r.sticky ? FLAG_STICKY : 0) | (r.awaits ? FLAG_AWAITS_COMPLETION : 0),
    });
    push();
    if (r.awaits) due.push({ at: k + r.completeAfter, id, latency: r.latency });
    for (let d = due.length - 1; d >= 0; d--) {
      if (due[d].at <= k) {
        b.pushCompleted({ t, id: due[d].id, scope: r.scope, backend: r.backend, latency: due[d].latency });
        push();
        due.splice(d, 1);
      }
    }
  });
  b.pushControl({ type: 'RunFinished', t, requests: reqs.length, partial: false });
  batches.push(b);
  return batches;
}

const req = fc.record({
  dt: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.constant(2 ** 33)),
  idJump: fc.boolean(),
  listener: fc.integer({ min: -1, max: 2 }),
  template: fc.integer({ min: -1, max: 2 }),
  ip: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  port: fc.integer({ min: 0, max: 65535 }),
  node: fc.integer({ min: 0, max: 65535 }),
  worker: fc.integer({ min: 0, max: 7 }),
  scope: fc.integer({ min: -1, max: 3 }),
  backend: fc.integer({ min: -1, max: 2 }),
  outcome: fc.integer({ min: 0, max: OUTCOME_NAMES.length - 1 }),
  attempts: fc.integer({ min: 0, max: 255 }),
  sticky: fc.boolean(),
  awaits: fc.boolean(),
  completeAfter: fc.integer({ min: 0, max: 5 }),
  latency: fc.oneof(fc.integer({ min: 0, max: 2 ** 40 }), fc.double({ min: 0, max: 1e9, noNaN: true })),
});

function writeAll(file: string, batches: readonly JournalBatch[]): RecordRow[] {
  const w = openRecordWriter(file);
  for (const b of batches) w.onBatch(b);
  w.onEnd();
  return [...readRecordFile(file)];
}

let n = 0;
describe('formats agree', () => {
  it('property: JSONL, CSV and Parquet give the same rows for any journal', () => {
    fc.assert(
      fc.property(fc.array(req, { maxLength: 120 }), (reqs) => {
        const batches = journal(reqs);
        const k = n++;
        const jsonl = writeAll(path.join(dir, `p${k}.jsonl`), batches);
        expect(jsonl).toHaveLength(reqs.length);
        expect(writeAll(path.join(dir, `p${k}.csv`), batches)).toEqual(jsonl);
        expect(writeAll(path.join(dir, `p${k}.parquet`), batches)).toEqual(jsonl);
      }),
      { numRuns: 40 },
    );
  });

  it('across several row groups, with PLAIN and dictionary integer chunks', () => {
    const reqs: Req[] = [];
    let s = 12345;
    const rnd = (m: number) => {
      s = (s * 1103515245 + 12345) % 2147483648;
      return s % m;
    };
    for (let i = 0; i < ROW_GROUP_ROWS * 2 + 1234; i++) {
      reqs.push({
        dt: i === 70_000 ? 2 ** 33 : rnd(20),
        idJump: i === 100_000,
        listener: rnd(4) - 1,
        template: rnd(3),
        ip: rnd(5000) + 0x0a000000,
        port: i < ROW_GROUP_ROWS ? rnd(65536) : 1024 + rnd(3), // first group PLAIN, later ones dictionary
        node: rnd(4),
        worker: rnd(8),
        scope: rnd(5) - 1,
        backend: rnd(4) - 1,
        outcome: rnd(5),
        attempts: rnd(3),
        sticky: rnd(2) === 0,
        awaits: rnd(3) === 0,
        completeAfter: rnd(50),
        latency: rnd(1_000_000),
      });
    }
    const batches = journal(reqs, 4096);
    const jsonl = writeAll(path.join(dir, 'big.jsonl'), batches);
    const parquet = writeAll(path.join(dir, 'big.parquet'), batches);
    expect(parquet.length).toBe(reqs.length);
    expect(parquet).toEqual(jsonl);
    const meta = parquetMetadata(fs.readFileSync(path.join(dir, 'big.parquet')));
    expect(meta.row_groups.map((g) => Number(g.num_rows))).toEqual([ROW_GROUP_ROWS, ROW_GROUP_ROWS, 1234]);
    const encodingsOf = (g: number, name: string) =>
      meta.row_groups[g].columns.find((c) => c.meta_data!.path_in_schema[0] === name)!.meta_data!.encodings;
    expect(encodingsOf(0, 'clientPort')).toEqual(['PLAIN']);
    expect(encodingsOf(1, 'clientPort')).toEqual(['PLAIN', 'RLE_DICTIONARY']);
    expect(encodingsOf(0, 't')).toEqual(['DELTA_BINARY_PACKED']);
    expect(encodingsOf(1, 't')).toEqual(['PLAIN']); // a 2^33 µs gap
  });
});

describe('Parquet file', () => {
  it('reads back through hyparquet’s own reader as the fixture rows', async () => {
    const file = path.join(dir, 'fixture.parquet');
    const w = openRecordWriter(file);
    for (const b of fixtureBatches(4)) w.onBatch(b);
    w.onEnd();
    const buf = fs.readFileSync(file);
    const rows = await parquetReadObjects({
      file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength),
    });
    const normal = rows.map((r) =>
      Object.fromEntries(
        Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : (v ?? null)]),
      ),
    );
    expect(normal).toEqual(FIXTURE_RECORDS);
  });

  it('has the documented schema: types, UTF8 strings, nullability', () => {
    const file = path.join(dir, 'fixture.parquet');
    const meta = parquetMetadata(fs.readFileSync(file));
    const physical = {
      int64: 'INT64',
      int32: 'INT32',
      double: 'DOUBLE',
      boolean: 'BOOLEAN',
      string: 'BYTE_ARRAY',
    };
    expect(meta.schema.slice(1).map((e) => [e.name, e.type, e.converted_type, e.repetition_type])).toEqual(
      RECORD_COLUMNS.map((c) => [
        c.name,
        physical[c.kind],
        c.kind === 'string' ? 'UTF8' : undefined,
        c.nullable ? 'OPTIONAL' : 'REQUIRED',
      ]),
    );
    expect(meta.created_by).toMatch(/^slbsim /);
    expect(Number(meta.num_rows)).toBe(FIXTURE_RECORDS.length);
    const stats = (name: string) =>
      meta.row_groups[0].columns.find((c) => c.meta_data!.path_in_schema[0] === name)!.meta_data!.statistics!;
    expect(stats('t')).toMatchObject({ min_value: 0n, max_value: 9000n, null_count: 0n });
    expect(stats('latency')).toMatchObject({ min_value: 250, max_value: 9500.5, null_count: 7n });
    expect(stats('ServerId')).toMatchObject({ min_value: 'i-a', max_value: 'i-c', null_count: 3n });
  });

  it('writes a valid empty file when there were no requests', async () => {
    const file = path.join(dir, 'empty.parquet');
    const w = openRecordWriter(file);
    const b = new JournalBatch(4);
    b.pushControl({ type: 'RunFinished', t: 0, requests: 0, partial: false });
    w.onBatch(b);
    w.onEnd();
    expect([...readRecordFile(file)]).toEqual([]);
    const buf = fs.readFileSync(file);
    expect(
      await parquetReadObjects({ file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) }),
    ).toEqual([]);
  });
});
