import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JournalBatch } from '../../src/journal/journal-batch.js';
import { CSV_HEADER, csvField } from '../../src/record/csv.js';
import { openRecordWriter } from '../../src/record/open.js';
import { parseCsv, readRecordFile } from '../../src/record/read.js';
import { OUTCOME_OK } from '../../src/routing/outcomes.js';
import { FileError } from '../../src/util/user-error.js';
import { fixtureBatches } from './journal-fixture.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slbsim-text-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function writeFixture(file: string): string {
  const w = openRecordWriter(file);
  for (const b of fixtureBatches(4)) w.onBatch(b);
  w.onEnd();
  return fs.readFileSync(file, 'utf8');
}

describe('CSV', () => {
  it.each([
    [null, ''],
    ['', '""'],
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\r', '"cr\r"'],
    [42, '42'],
    [9500.5, '9500.5'],
    [true, 'true'],
  ])('field %j → %j', (value, text) => {
    expect(csvField(value)).toBe(text);
  });

  it('writes the header and RFC 4180 rows exactly', () => {
    const text = writeFixture(path.join(dir, 'run.csv'));
    const lines = text.split('\n');
    expect(`${lines[0]}\n`).toBe(CSV_HEADER);
    expect(lines[0]).toBe(
      't,id,listener,clientIp,clientPort,host,path,method,node,worker,RuleId,RuleName,matchKind,source,' +
        'VServerGroupId,ServerId,Port,outcome,status,attempts,sticky,latency',
    );
    // Request 1: quoted host with a comma and quotes, a path with a newline, no latency.
    expect(`${lines[1]}\n${lines[2]}`).toBe(
      '1000,1,lb-1:http:80,10.0.0.2,40001,"a,""b""","/x\ny",POST,1,3,,,,listener-vserver-group,rsp-2,i-b,8080,ok,200,1,true,',
    );
    // Request 6: empty strings are "", nulls are empty, layer 4 has no status.
    expect(lines).toContain(
      '6000,6,lb-1:tcp:443,10.0.0.7,40006,"","","",2,1,,,,master-slave,rsp-ms,i-c,443,ok,,1,false,250',
    );
    expect(lines).toContain(
      '0,0,lb-1:http:80,10.0.0.1,40000,api.example.com,/v1/items,GET,0,0,rule-1,api,exact-domain+url,rule,rsp-1,i-a,80,ok,200,1,false,9500.5',
    );
    expect(lines).toContain(
      '4000,4,,10.0.0.5,40004,api.example.com,/v1/items,GET,0,0,,,,,,,,no-such-listener,,0,false,',
    );
    expect(lines.at(-1)).toBe('');
  });

  it('property: any strings survive quoting and parsing, whatever the chunking', () => {
    const text = fc.string({
      unit: fc.constantFrom('a', ',', '"', '\n', '\r', 'é', ' ', 'x'),
      maxLength: 12,
    });
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.option(text), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 7 }),
        (rows, step) => {
          const width = rows[0].length;
          const table = rows.map((r) => Array.from({ length: width }, (_, i) => r[i] ?? null));
          const csv = table.map((r) => r.map(csvField).join(',')).join('\n') + '\n';
          const chunks: string[] = [];
          for (let i = 0; i < csv.length; i += step) chunks.push(csv.slice(i, i + step));
          const parsed = [...parseCsv(chunks, 'x.csv')].map((rec) =>
            rec.fields.map((f, i) => (f === '' && !rec.quoted[i] ? null : f)),
          );
          // A record of one null field is an empty line, which the parser skips as blank.
          expect(parsed).toEqual(table.filter((r) => !(r.length === 1 && r[0] === null)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('parses CRLF line ends and reports where a record starts', () => {
    const recs = [...parseCsv(['a,"b\r\nc"\r\n', '\r\nd,e\r\n'], 'f.csv')];
    expect(recs.map((r) => [r.fields, r.line])).toEqual([
      [['a', 'b\r\nc'], 1],
      [['d', 'e'], 4],
    ]);
  });

  it.each([
    ['a,b"c\n', 1, 'a double quote inside an unquoted field'],
    ['a\n"b"x\n', 2, 'unexpected character after a closing quote'],
    ['a\n"open\n\n', 2, 'unterminated quoted field'],
  ])('malformed CSV %j → line %i', (csv, line, problem) => {
    expect(() => [...parseCsv([csv], 'f.csv')]).toThrow(new FileError('f.csv', problem, line));
  });
});

describe('JSONL', () => {
  it('writes one object per request with keys in column order', () => {
    const text = writeFixture(path.join(dir, 'run.jsonl'));
    const lines = text.split('\n');
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe(
      '{"t":1000,"id":1,"listener":"lb-1:http:80","clientIp":"10.0.0.2","clientPort":40001,"host":"a,\\"b\\"",' +
        '"path":"/x\\ny","method":"POST","node":1,"worker":3,"RuleId":null,"RuleName":null,"matchKind":null,' +
        '"source":"listener-vserver-group","VServerGroupId":"rsp-2","ServerId":"i-b","Port":8080,"outcome":"ok",' +
        '"status":200,"attempts":1,"sticky":true,"latency":null}',
    );
    expect(lines[1]).toContain('"outcome":"no-eligible-backend","status":503');
    expect(lines[4]).toContain(
      '"ServerId":"i-b","Port":8080,"outcome":"backend-error","status":502,"attempts":2',
    );
  });
});

describe('interruption', () => {
  it('a run killed without close leaves only whole lines on disk', () => {
    for (const ext of ['jsonl', 'csv']) {
      const file = path.join(dir, `big.${ext}`);
      const w = openRecordWriter(file);
      const b = new JournalBatch(4096);
      b.pushControl({ type: 'TemplateDefined', t: 0, template: 0, host: 'h', path: '/p', method: 'GET' });
      for (let id = 0; id < 60_000; id++) {
        b.pushRouted({
          t: id,
          id,
          listener: -1,
          template: 0,
          clientIp: id,
          clientPort: 1,
          node: 0,
          worker: 0,
          scope: -1,
          backend: -1,
          outcome: OUTCOME_OK,
          attempts: 1,
          flags: 0,
        });
        if (b.full) {
          w.onBatch(b);
          b.clear();
        }
      }
      // No close(): what reached the disk is what a killed process leaves.
      const text = fs.readFileSync(`${file}.partial`, 'utf8');
      expect(text.length).toBeGreaterThan(1 << 20);
      expect(text.endsWith('\n')).toBe(true);
      const rows = [...readRecordFile(`${file}.partial`)];
      expect(rows.map((r) => r.id)).toEqual(Array.from({ length: rows.length }, (_, i) => i));
      w.close();
    }
  });
});

describe('reading errors', () => {
  const bad = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };

  it('names file:line for a malformed JSONL record', () => {
    const good = writeFixture(path.join(dir, 'ok.jsonl')).split('\n');
    const file = bad('x.jsonl', `${good[0]}\n${good[1].replace('"attempts":0', '"attempts":"0"')}\n`);
    expect(() => [...readRecordFile(file)]).toThrow(
      new FileError(file, '"attempts" is not an integer: "0"', 2),
    );
    const file2 = bad('y.jsonl', `${good[0]}\n{"t":1}\n`);
    expect(() => [...readRecordFile(file2)]).toThrow(new FileError(file2, '"id" is missing', 2));
    const file3 = bad('z.jsonl', `${good[0].replace('"ok"', '"fine"')}\n`);
    expect(() => [...readRecordFile(file3)]).toThrow('z.jsonl:1: unknown outcome "fine"');
  });

  it('names the missing CSV columns and bad fields', () => {
    const file = bad('x.csv', 't,id\n1,2\n');
    expect(() => [...readRecordFile(file)]).toThrow(`${file}:1: header lacks column(s) listener, clientIp,`);
    const good = writeFixture(path.join(dir, 'ok.csv'));
    const file2 = bad('y.csv', good.replace('\n1000,1,', '\nsoon,1,'));
    expect(() => [...readRecordFile(file2)]).toThrow(
      new FileError(file2, '"t" is not an integer: "soon"', 2),
    );
    expect(() => [...readRecordFile(bad('e.csv', ''))]).toThrow('empty file: expected a header line');
  });

  it('rejects a file that is not Parquet', () => {
    const file = bad('x.parquet', 'PAR1 certainly not');
    expect(() => [...readRecordFile(file)]).toThrow(`${file}: not a readable Parquet file`);
  });

  it('reports a missing file and an unknown extension', () => {
    const file = path.join(dir, 'nope.csv');
    expect(() => [...readRecordFile(file)]).toThrow(`${file}: cannot read`);
    expect(() => [...readRecordFile(path.join(dir, 'a.txt'))]).toThrow('unknown record format ".txt"');
  });
});
