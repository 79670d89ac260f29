import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvReader, CsvSyntaxError } from '../../src/util/csv-reader.js';

const records = (chunks: string[]) =>
  [...new CsvReader(chunks, 'f.csv')].map((r) => ({
    fields: r.fields,
    quoted: r.quoted,
    cols: r.cols,
    line: r.line,
  }));

describe('CsvReader', () => {
  it('given quoted and unquoted fields, then fields, quoted flags, columns and the line each record starts at', () => {
    expect(records(['a,"b,""c""",\n', '\n"x\ny",z\r\n'])).toEqual([
      { fields: ['a', 'b,"c"', ''], quoted: [false, true, false], cols: [1, 3, 13], line: 1 },
      { fields: ['x\ny', 'z'], quoted: [true, false], cols: [1, 4], line: 3 },
    ]);
  });

  it('given a last record without a line end, or a trailing comma, then it is a record', () => {
    expect(records(['a,b']).map((r) => r.fields)).toEqual([['a', 'b']]);
    expect(records(['a,']).map((r) => [r.fields, r.cols])).toEqual([
      [
        ['a', ''],
        [1, 3],
      ],
    ]);
    expect(records(['', '\n\r\n'])).toEqual([]);
  });

  it.each([
    ['a,b"c\n', 1, 4, 'a double quote inside an unquoted field'],
    ['a\n"b"x\n', 2, 4, 'unexpected character after a closing quote'],
    ['a\nb,"open\n\n', 2, 3, 'unterminated quoted field'],
  ])('malformed %j → line %i col %i', (csv, line, col, problem) => {
    expect(() => records([csv])).toThrow(new CsvSyntaxError('f.csv', problem, line, col));
  });

  it('given a malformed record, then the reader stands at the next line and reads on', () => {
    const r = new CsvReader(['a,b\nc"d,e\nf,g\n'], 'f.csv');
    expect(r.next()?.fields).toEqual(['a', 'b']);
    expect(() => r.next()).toThrow('f.csv:2:2: a double quote inside an unquoted field');
    expect(r.next()).toMatchObject({ fields: ['f', 'g'], line: 3 });
    expect(r.next()).toBeUndefined();
  });

  it('refuses a field longer than its bound rather than buffering it', () => {
    const r = new CsvReader(['"', 'x'.repeat(40), 'x'.repeat(40)], 'f.csv', 50);
    expect(() => r.next()).toThrow('field longer than 50 characters');
  });
});

/** Every record and error of `text` read in chunks cut at `cuts`, the reader read on after an error. */
function readAll(text: string, cuts: readonly number[]): unknown[] {
  const chunks: string[] = [];
  let at = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    if (c <= at || c >= text.length) continue;
    chunks.push(text.slice(at, c));
    at = c;
  }
  chunks.push(text.slice(at));
  const reader = new CsvReader(chunks, 'f.csv');
  const out: unknown[] = [];
  for (let k = 0; k < 200; k++) {
    try {
      const r = reader.next();
      if (r === undefined) return out;
      out.push({ fields: r.fields, quoted: r.quoted, cols: r.cols, line: r.line });
    } catch (err) {
      out.push(String(err));
    }
  }
  return out;
}

describe('CsvReader, any text in any chunks', () => {
  it('given any text of commas, quotes, line ends and letters, then the records and errors do not depend on the chunks', () => {
    const text = fc
      .array(fc.constantFrom('a', 'b', ',', ',', '"', '\n', '\n', '\r', ' ', 'xyz'), { maxLength: 120 })
      .map((cs) => cs.join(''));
    fc.assert(
      fc.property(text, fc.array(fc.nat(130), { maxLength: 8 }), (t, cuts) => {
        // One character a chunk: no line ever lies within one chunk.
        const single = readAll(
          t,
          Array.from({ length: t.length }, (_, i) => i),
        );
        expect(readAll(t, [])).toEqual(single);
        expect(readAll(t, cuts)).toEqual(single);
      }),
      { numRuns: 2000 },
    );
  });
});
