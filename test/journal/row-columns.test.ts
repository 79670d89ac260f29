import { describe, expect, it } from 'vitest';
import { JournalBatch } from '../../src/journal/journal-batch.js';
import { ROW_ATTEMPT_FAILED, ROW_COMPLETED, ROW_ROUTED } from '../../src/journal/journal-rows.js';
import {
  ALL_COLUMNS,
  allocateColumns,
  columnMax,
  compileRowCopy,
  newRow,
  ROW_COLUMNS,
  ROW_KINDS,
  rowColumn,
} from '../../src/journal/row-columns.js';

describe('row columns', () => {
  it('every row kind uses listed columns only, each once, t and id first', () => {
    for (const k of ROW_KINDS) {
      expect(new Set(k.columns).size).toBe(k.columns.length);
      for (const c of k.columns) expect(ALL_COLUMNS).toContain(c);
      expect(k.columns.slice(0, 2)).toEqual(['t', 'id']);
    }
    expect(ROW_KINDS.map((k) => [k.kind, k.type])).toEqual([
      [ROW_ROUTED, 'RequestRouted'],
      [ROW_ATTEMPT_FAILED, 'AttemptFailed'],
      [ROW_COMPLETED, 'RequestCompleted'],
    ]);
  });

  it('a batch owns one array of each listed type per column', () => {
    const b = new JournalBatch(8);
    for (const c of ROW_COLUMNS) {
      const a = (b as unknown as Record<string, ArrayLike<number>>)[c.name];
      expect(a).toBeInstanceOf(c.array);
      expect(a.length).toBe(8);
    }
    expect(columnMax(rowColumn('clientPort'))).toBe(65535);
    expect(columnMax(rowColumn('flags'))).toBe(255);
  });

  it('given a row object, when pushed as each kind, then exactly that kind’s columns are stored and copied', () => {
    const b = new JournalBatch(8);
    const row = newRow();
    ROW_COLUMNS.forEach((c, k) => {
      row[c.name] = k + 1;
    });
    b.pushRouted(row);
    b.pushAttemptFailed(row);
    b.pushCompleted(row);
    const dst = new JournalBatch(8);
    for (let i = 0; i < 3; i++) dst.pushFrom(b.kind[i], b, i);
    const cols = dst as unknown as Record<string, ArrayLike<number>>;
    ROW_KINDS.forEach((k, i) => {
      expect(dst.kind[i]).toBe(k.kind);
      for (const c of ROW_COLUMNS)
        expect([c.name, cols[c.name][i]]).toEqual([
          c.name,
          (k.columns as readonly string[]).includes(c.name) ? row[c.name] : 0,
        ]);
    });
  });

  it('compiled copies refuse unknown column names', () => {
    expect(() => compileRowCopy(['t', 'nope' as 't'])).toThrow('unknown row column nope');
    expect(Object.keys(allocateColumns(['t', 'id'], 2))).toEqual(['t', 'id']);
  });
});
