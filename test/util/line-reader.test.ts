import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FileReadError, LineReader, textChunks } from '../../src/util/line-reader.js';
import { FileError } from '../../src/util/user-error.js';

const dir = mkdtempSync(join(tmpdir(), 'slbsim-lines-'));
let n = 0;
const file = (text: string) => {
  const f = join(dir, `f${n++}.txt`);
  writeFileSync(f, text);
  return f;
};
const read = (f: string, chunkBytes?: number) => {
  const lines = new LineReader(f, { chunkBytes });
  const out: [number, string][] = [];
  for (const text of lines) out.push([lines.line, text]);
  return out;
};

describe('LineReader', () => {
  it('given LF, CRLF, blank lines and a last line without an ending, then each line with its 1-based number', () => {
    expect(read(file('a\r\n\nb\nc'))).toEqual([
      [1, 'a'],
      [2, ''],
      [3, 'b'],
      [4, 'c'],
    ]);
    expect(read(file(''))).toEqual([]);
    expect(read(file('a\n'))).toEqual([[1, 'a']]);
  });

  it('property: any text, any chunk size, multi-byte characters across chunk edges → the lines of split', () => {
    const text = fc.string({ unit: fc.constantFrom('a', '\n', '\r', 'é', '😀', '€'), maxLength: 60 });
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 9 }), (t, chunk) => {
        const expected = t.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
        if (t.endsWith('\n') || t === '') expected.pop();
        expect(read(file(t), chunk).map(([, l]) => l)).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('property: ASCII text (read as Latin-1), lines across any chunk edges, CR before LF in another chunk → the lines of split, numbered', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '\n', '\r', ','), maxLength: 80 });
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 12 }), (t, chunk) => {
        const expected = t.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
        if (t.endsWith('\n') || t === '') expected.pop();
        expect(read(file(t), chunk)).toEqual(expected.map((l, i) => [i + 1, l]));
      }),
      { numRuns: 300 },
    );
  });

  it('a missing file is a FileReadError (not-found) without a line; a line too long names its line', () => {
    const missing = join(dir, 'nope.txt');
    expect(() => [...new LineReader(missing)]).toThrow(FileReadError);
    try {
      [...new LineReader(missing)];
    } catch (err) {
      expect(err).toBeInstanceOf(FileError);
      expect((err as FileReadError).reason).toBe('not-found');
      expect((err as FileReadError).message).toBe(
        `${missing}: cannot read: ${(err as FileReadError).osError?.message}`,
      );
    }
    const long = file(`ok\n${'x'.repeat(100)}\n`);
    expect(() => [...new LineReader(long, { maxLineChars: 50, chunkBytes: 16 })]).toThrow(
      new FileReadError(long, 'line-too-long', 'line longer than 50 characters', 2),
    );
  });

  it('textChunks decodes the whole file, chunk by chunk', () => {
    const f = file('é😀€'.repeat(100));
    expect([...textChunks(f, 7)].join('')).toBe('é😀€'.repeat(100));
  });
});
