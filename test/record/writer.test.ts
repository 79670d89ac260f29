import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JournalBatch } from '../../src/journal/journal-batch.js';
import { FLAG_AWAITS_COMPLETION } from '../../src/journal/journal-rows.js';
import { openRecordWriter } from '../../src/record/open.js';
import { readRecordFile } from '../../src/record/read.js';
import { OUTCOME_OK } from '../../src/routing/outcomes.js';
import { FileError } from '../../src/util/user-error.js';
import { FIXTURE_RECORDS, fixtureBatches, INTERRUPTED_ROWS } from './journal-fixture.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slbsim-records-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe.each(['jsonl', 'ndjson', 'csv', 'parquet'])('%s records', (ext) => {
  it('given the fixture journal, when written and read back, then gives the exact rows in finish order', () => {
    const file = path.join(dir, `run.${ext}`);
    const w = openRecordWriter(file);
    for (const b of fixtureBatches(4)) w.onBatch(b);
    expect(w.inFlightCount).toBe(1); // request 8 never completes
    w.onEnd();
    expect(w.rows).toBe(10);
    expect(w.complete).toBe(true);
    expect(w.location).toBe(file);
    expect(fs.existsSync(`${file}.partial`)).toBe(false);
    expect([...readRecordFile(file)]).toEqual(FIXTURE_RECORDS);
  });

  it('gives the same rows whatever the batch size', () => {
    for (const capacity of [1, 7, 4096]) {
      const file = path.join(dir, `cap${capacity}.${ext}`);
      const w = openRecordWriter(file);
      for (const b of fixtureBatches(capacity)) w.onBatch(b);
      w.onEnd();
      expect([...readRecordFile(file)]).toEqual(FIXTURE_RECORDS);
    }
  });

  it('given an interrupted run, leaves only <file>.partial, every row whole and readable', () => {
    const file = path.join(dir, `run.${ext}`);
    fs.writeFileSync(file, 'stale output of an earlier run');
    const w = openRecordWriter(file);
    expect(fs.existsSync(file)).toBe(false);
    for (const b of fixtureBatches(4, INTERRUPTED_ROWS)) w.onBatch(b);
    w.onEnd();
    expect(w.complete).toBe(false);
    expect(w.location).toBe(`${file}.partial`);
    expect(fs.existsSync(file)).toBe(false);
    expect([...readRecordFile(`${file}.partial`)]).toEqual(FIXTURE_RECORDS);
  });

  it('given a run that never finished (no RunFinished, closed on failure), stays .partial', () => {
    const file = path.join(dir, `run.${ext}`);
    const w = openRecordWriter(file);
    const batches = fixtureBatches(4);
    for (const b of batches.slice(0, 6)) w.onBatch(b);
    expect(w.close()).toBe(`${file}.partial`);
    expect(w.close()).toBe(`${file}.partial`); // idempotent
    expect(fs.existsSync(file)).toBe(false);
    const rows = [...readRecordFile(`${file}.partial`)];
    expect(rows.map((r) => r.id)).toEqual([1, 2, 3, 4, 5, 0]);
    expect(rows.at(-1)!.latency).toBeNull();
  });
});

describe('latency join', () => {
  it('holds only requests in flight and frees them on completion', () => {
    const file = path.join(dir, 'join.jsonl');
    const w = openRecordWriter(file);
    const b = new JournalBatch(64);
    b.pushControl({ type: 'ListenerDefined', t: 0, listener: 0, key: 'lb:http:80', layer: 7 });
    b.pushControl({ type: 'TemplateDefined', t: 0, template: 0, host: 'h', path: '/', method: 'GET' });
    b.pushControl({ type: 'BackendDefined', t: 0, backend: 0, ServerId: 'i-1', Port: 80 });
    let peak = 0;
    // 3000 requests, each completing 40 arrivals later: never more than 41 in flight.
    for (let id = 0; id < 3000 + 40; id++) {
      if (id < 3000)
        b.pushRouted({
          t: id,
          id,
          listener: 0,
          template: 0,
          clientIp: 1,
          clientPort: 1,
          node: 0,
          worker: 0,
          scope: -1,
          backend: 0,
          outcome: OUTCOME_OK,
          attempts: 1,
          flags: FLAG_AWAITS_COMPLETION,
        });
      if (id >= 40) b.pushCompleted({ t: id, id: id - 40, scope: -1, backend: 0, latency: 40 });
      if (b.n >= 60) {
        w.onBatch(b);
        peak = Math.max(peak, w.inFlightCount);
        b.clear();
      }
    }
    b.pushControl({ type: 'RunFinished', t: 5000, requests: 3000, partial: false });
    w.onBatch(b);
    w.onEnd();
    expect(peak).toBeLessThanOrEqual(41 + 60);
    const rows = [...readRecordFile(file)];
    expect(rows.map((r) => r.id)).toEqual(Array.from({ length: 3000 }, (_, i) => i));
    expect(rows.every((r) => r.latency === 40)).toBe(true);
  });

  it('ignores a completion for a request that was not held', () => {
    const file = path.join(dir, 'orphan.csv');
    const w = openRecordWriter(file);
    const b = new JournalBatch(8);
    b.pushControl({ type: 'BackendDefined', t: 0, backend: 0, ServerId: 'i-1', Port: 80 });
    b.pushRouted({
      t: 1,
      id: 1,
      listener: -1,
      template: -1,
      clientIp: 1,
      clientPort: 1,
      node: 0,
      worker: 0,
      scope: -1,
      backend: 0,
      outcome: OUTCOME_OK,
      attempts: 1,
      flags: 0,
    });
    b.pushCompleted({ t: 2, id: 1, scope: -1, backend: 0, latency: 1 });
    b.pushCompleted({ t: 3, id: 99, scope: -1, backend: 0, latency: 2 });
    w.onBatch(b);
    w.onEnd();
    const rows = [...readRecordFile(`${file}.partial`)];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: 1, ServerId: 'i-1', Port: 80, latency: null, host: null });
  });
});

describe('openRecordWriter', () => {
  it('rejects an unknown extension with the ones that work', () => {
    expect(() => openRecordWriter(path.join(dir, 'run.xlsx'))).toThrow(FileError);
    expect(() => openRecordWriter(path.join(dir, 'run.xlsx'))).toThrow(
      `${path.join(dir, 'run.xlsx')}: unknown record format ".xlsx": use .jsonl, .ndjson, .csv, .parquet`,
    );
    expect(() => openRecordWriter(path.join(dir, 'run'))).toThrow('unknown record format (no extension)');
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('accepts the extension in any case', () => {
    const w = openRecordWriter(path.join(dir, 'RUN.CSV'));
    w.onEnd();
    expect(fs.readFileSync(w.location, 'utf8').startsWith('t,id,listener,')).toBe(true);
  });

  it('reports a directory that does not exist as a FileError', () => {
    for (const ext of ['jsonl', 'csv', 'parquet']) {
      const file = path.join(dir, 'missing', `run.${ext}`);
      expect(() => openRecordWriter(file)).toThrow(FileError);
    }
  });
});
